package io.handoff.gateway.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.provider.Providers;
import io.handoff.gateway.api.ProblemException;

/**
 * The content-based router's table ({@code handoff.destinations}): which provider and operator groups a
 * switch's {@code destination} names. Checked at start-up so a typo fails the deployment, not a handoff.
 * The jar has none of its own (the sandbox profile has two): a deployment's table is all there is. None
 * configured starts, with a warning, like {@code handoff.api.keys}: every switch is then a 422 that says so.
 * A blank {@code handoff.default-destination} ({@code HANDOFF_DEFAULT_DESTINATION=}) is unset: a switch
 * naming no destination is refused.
 */
@Component("destinations")
public class Destinations {

    private static final Logger log = LoggerFactory.getLogger(Destinations.class);
    private static final String NONE_CONFIGURED = "handoff.destinations is empty";
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
        String configured = properties.defaultDestination();
        this.defaultDestination = configured == null || configured.isBlank() ? null : configured.strip();
        if (defaultDestination != null && !table.containsKey(defaultDestination)) {
            throw new IllegalStateException("handoff.default-destination '" + defaultDestination
                    + "' is not one of handoff.destinations " + table.keySet());
        }
        if (table.isEmpty()) {
            log.warn(NONE_CONFIGURED + ": every switch is refused with 422 unknown-destination. Name one as "
                    + "handoff.destinations.<name>.provider and .group-ids (README \"Configuration\")");
        }
    }

    /** The destination a switch names (null: {@code handoff.default-destination}); 422 listing the known ones. */
    public Destination resolve(String named) {
        String name = named != null ? named : defaultDestination;
        if (table.isEmpty()) {
            throw ProblemException.unknownDestination(NONE_CONFIGURED
                    + ": this gateway has no destination to hand a conversation to", names());
        }
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
