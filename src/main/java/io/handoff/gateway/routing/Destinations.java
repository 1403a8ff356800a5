package io.handoff.gateway.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.provider.Providers;
import io.handoff.gateway.api.ProblemException;

/**
 * The content-based router's table ({@code handoff.destinations}): which provider and operator groups a
 * switch's {@code destination} names. Checked at start-up so a typo fails the deployment, not a handoff.
 */
@Component("destinations")
public class Destinations {

    private final Map<String, Destination> table = new LinkedHashMap<>();
    private final String defaultDestination;

    public Destinations(HandoffProperties properties, Providers providers) {
        properties.destinations().forEach((name, d) -> {
            if (d.provider() == null || d.provider().isBlank()) {
                throw new IllegalStateException("handoff.destinations." + name + ".provider is not set");
            }
            providers.checkDestination(name, d.provider(), d.groupIds());
            table.put(name, new Destination(name, d.provider(), d.description(), d.groupIds()));
        });
        this.defaultDestination = properties.defaultDestination();
        if (defaultDestination != null && !table.containsKey(defaultDestination)) {
            throw new IllegalStateException("handoff.default-destination '" + defaultDestination
                    + "' is not one of handoff.destinations " + table.keySet());
        }
    }

    /** The destination a switch names (null: {@code handoff.default-destination}); 422 listing the known ones. */
    public Destination resolve(String named) {
        String name = named != null ? named : defaultDestination;
        if (name == null) {
            throw ProblemException.unknownDestination(
                    "The switch names no destination and handoff.default-destination is not set", names());
        }
        Destination destination = find(name).orElseThrow(() -> ProblemException.unknownDestination(
                "Unknown destination '" + name + "'", names()));
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
}
