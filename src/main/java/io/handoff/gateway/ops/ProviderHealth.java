package io.handoff.gateway.ops;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.routing.Destination;
import io.handoff.gateway.routing.Destinations;

/**
 * The {@code providers} health component: one {@link ProviderReachability} per provider that a
 * destination uses and whose URLs the gateway knows. Part of the readiness group, not of liveness:
 * a provider outage makes the gateway unable to hand over, not broken.
 */
@Configuration(proxyBeanMethods = false)
public class ProviderHealth {

    @Bean("providers")
    CompositeHealthContributor providersHealthContributor(HandoffProperties properties, Destinations destinations,
                                                          OpsProperties ops, Clock clock) {
        Set<String> used = new TreeSet<>();
        destinations.all().stream().map(Destination::provider).forEach(used::add);
        Map<String, HealthIndicator> checks = new LinkedHashMap<>();
        for (String provider : used) {
            Map<String, URI> endpoints = endpointsOf(provider, properties);
            if (!endpoints.isEmpty()) {
                checks.put(provider, new ProviderReachability(endpoints, ops.providerCheck().timeout(),
                        ops.providerCheck().cacheFor(), clock));
            }
        }
        return CompositeHealthContributor.fromMap(checks);
    }

    /** The base URLs a handoff on the provider needs; none for a provider this version does not build. */
    static Map<String, URI> endpointsOf(String provider, HandoffProperties properties) {
        Map<String, URI> endpoints = new LinkedHashMap<>();
        switch (provider) {
            case "livechat" -> {
                endpoints.put("api", URI.create(properties.livechat().apiUrl()));
                endpoints.put("accounts", URI.create(properties.livechat().accountsUrl()));
            }
            case "livetex" -> endpoints.put("api", URI.create(properties.livetex().apiUrl()));
            default -> { }
        }
        return endpoints;
    }
}
