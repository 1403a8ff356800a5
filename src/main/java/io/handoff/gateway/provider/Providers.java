package io.handoff.gateway.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import io.handoff.gateway.HandoffProperties;

/**
 * The providers this gateway is built with (every {@link Provider} bean), and the ones a configuration
 * may name before they are built ({@code handoff.planned-providers}: their destinations answer 501).
 */
@Component("providers")
public class Providers {

    private final Map<String, Provider> built = new LinkedHashMap<>();
    private final List<String> planned;

    public Providers(List<Provider> providers, HandoffProperties properties) {
        providers.forEach(p -> {
            if (built.put(p.name(), p) != null) {
                throw new IllegalStateException("Two provider beans are named '" + p.name() + "'");
            }
        });
        this.planned = properties.plannedProviders();
    }

    public Optional<Provider> find(String name) {
        return Optional.ofNullable(built.get(name));
    }

    public List<Provider> all() {
        return List.copyOf(built.values());
    }

    /**
     * Start-up check of one destination: its provider is built (and accepts the group ids), or is
     * listed as planned; anything else fails the start with what to fix.
     */
    public void checkDestination(String destination, String provider, List<String> groupIds) {
        Provider found = built.get(provider);
        if (found != null) {
            found.checkGroupIds(destination, groupIds);
        } else if (!planned.contains(provider)) {
            throw new IllegalStateException("handoff.destinations." + destination + ".provider is '" + provider
                    + "', which this gateway is not built with (built: " + String.join(", ", built.keySet())
                    + "). Fix the name, or list it in handoff.planned-providers to answer 501 not-implemented until it is built");
        }
    }

    /**
     * The dispatch routes' {@code otherwise}: a planned provider answers 501; a built provider with no
     * {@code when} of its own in the dispatch (a forgotten line) fails loudly rather than doing nothing.
     */
    public void notDispatched(String destination, String provider, String entryPoint) {
        if (planned.contains(provider) && !built.containsKey(provider)) {
            throw new ProviderNotBuiltException(destination, provider);
        }
        throw new IllegalStateException("provider-dispatch.camel.yaml has no 'when' for provider '" + provider
                + "' in direct:provider-" + entryPoint);
    }
}
