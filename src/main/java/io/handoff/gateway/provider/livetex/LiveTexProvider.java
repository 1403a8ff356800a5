package io.handoff.gateway.provider.livetex;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.handoff.gateway.provider.Availability;
import io.handoff.gateway.provider.Provider;

/**
 * LiveTex (Messaging API 1.0) as a provider: group ids are department ids, the readiness probe GETs the
 * API, availability is getDestinations' {@code has_online}.
 */
@Component("livetexProvider")
public class LiveTexProvider implements Provider {

    public static final String NAME = "livetex";

    private final LiveTexProperties config;

    public LiveTexProvider(LiveTexProperties config) {
        this.config = config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, URI> healthEndpoints() {
        return Map.of("api", URI.create(config.apiUrl()));
    }

    /** getDestinations' departments that have someone online. */
    public Availability availability(Map<String, Object> destinations) {
        Object listed = destinations.get("destinations");
        return Availability.online(listed instanceof List<?> list
                ? list.stream().filter(d -> d instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("has_online")))
                .map(d -> String.valueOf(((Map<?, ?>) d).get("destination_id"))).toList() : List.of());
    }
}
