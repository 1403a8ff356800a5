package io.handoff.gateway.provider;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Which of a provider's groups have someone online, asked without spending tokens (JAICP's
 * getDestinations). A provider that cannot be asked cheaply says {@link #notAsked()}: its groups count as
 * online and the switch finds out.
 */
public record Availability(boolean asked, Set<String> onlineGroups) {

    public Availability {
        onlineGroups = onlineGroups == null ? Set.of() : Set.copyOf(onlineGroups);
    }

    public static Availability online(Collection<String> groups) {
        return new Availability(true, Set.copyOf(groups));
    }

    public static Availability notAsked() {
        return new Availability(false, Set.of());
    }

    /** The provider could not be asked (it failed): nobody counts as online. */
    public static Availability unknown() {
        return new Availability(true, Set.of());
    }

    public boolean anyOnline(List<String> groupIds) {
        return !asked || groupIds.stream().anyMatch(onlineGroups::contains);
    }
}
