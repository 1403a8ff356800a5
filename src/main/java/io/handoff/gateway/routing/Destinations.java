package io.handoff.gateway.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.intake.ProblemException;
import io.handoff.gateway.intake.SwitchRequest;

/**
 * The content-based router's table ({@code handoff.destinations}): which provider and operator groups a
 * switch's {@code destination} names. Checked at start-up so a typo fails the deployment, not a handoff.
 */
@Component("destinations")
public class Destinations {

    private final Map<String, Destination> table = new LinkedHashMap<>();
    private final String defaultDestination;

    public Destinations(HandoffProperties properties) {
        properties.destinations().forEach((name, d) -> {
            if (d.provider() == null || d.provider().isBlank()) {
                throw new IllegalStateException("handoff.destinations." + name + ".provider is not set");
            }
            if ("livechat".equals(d.provider())) {
                d.groupIds().forEach(id -> requireInteger(name, id));
            }
            table.put(name, new Destination(name, d.provider(), d.description(), d.groupIds()));
        });
        this.defaultDestination = properties.defaultDestination();
        if (defaultDestination != null && !table.containsKey(defaultDestination)) {
            throw new IllegalStateException("handoff.default-destination '" + defaultDestination
                    + "' is not one of handoff.destinations " + table.keySet());
        }
    }

    /** Picks the switch's destination (or the default) and keeps it as exchange property {@code destination}. */
    public Destination resolve(Exchange exchange) {
        SwitchRequest request = exchange.getProperty("switchRequest", SwitchRequest.class);
        String name = request.switchData().destination() != null ? request.switchData().destination() : defaultDestination;
        if (name == null) {
            throw ProblemException.unknownDestination(
                    "The switch names no destination and handoff.default-destination is not set", names());
        }
        Destination destination = find(name).orElseThrow(() -> ProblemException.unknownDestination(
                "Unknown destination '" + name + "'", names()));
        exchange.setProperty("destination", destination);
        return destination;
    }

    public Optional<Destination> find(String name) {
        return Optional.ofNullable(table.get(name));
    }

    public List<Destination> all() {
        return List.copyOf(table.values());
    }

    public List<String> names() {
        return new ArrayList<>(table.keySet());
    }

    /** Called by the router's otherwise branch: the provider is configured but not built. */
    public void providerNotBuilt(Exchange exchange) {
        Destination destination = exchange.getProperty("destination", Destination.class);
        throw ProblemException.notImplemented("Destination '" + destination.name() + "' uses provider '"
                + destination.provider() + "', which this gateway version does not support yet");
    }

    private static void requireInteger(String name, String groupId) {
        try {
            Integer.parseInt(groupId);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("handoff.destinations." + name + ".group-ids: LiveChat group ids are "
                    + "integers, got '" + groupId + "'");
        }
    }
}
