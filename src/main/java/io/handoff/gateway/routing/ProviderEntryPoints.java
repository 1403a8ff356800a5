package io.handoff.gateway.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

import io.handoff.gateway.provider.Provider;
import io.handoff.gateway.provider.Providers;

/**
 * Start-up check, once the routes are loaded: every provider a destination uses offers each entry point
 * ({@link Provider#ENTRY_POINTS}) as a {@code direct:} route, so a provider whose route files are missing
 * (or were not copied to an external routes folder) stops the start with what is missing, rather than
 * failing the first handoff.
 */
@Component
public class ProviderEntryPoints implements CamelContextConfiguration {

    private final CamelContext camel;
    private final Providers providers;
    private final Destinations destinations;

    public ProviderEntryPoints(CamelContext camel, Providers providers, Destinations destinations) {
        this.camel = camel;
        this.providers = providers;
        this.destinations = destinations;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    /** Camel has loaded and started the routes: a missing entry point stops the application's start. */
    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        check();
    }

    public void check() {
        Set<String> consumed = camel.getRoutes().stream().map(ProviderEntryPoints::directName)
                .collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        destinations.all().stream().map(Destination::provider).distinct()
                .flatMap(name -> providers.find(name).stream())
                .forEach(provider -> provider.entryPoints().stream()
                        .filter(entry -> !consumed.contains(entry))
                        .forEach(entry -> missing.add("direct:" + entry)));
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The routes lack provider entry points " + missing + " (camel.main.routes-include-pattern: "
                    + "are the provider's <provider>-*.camel.yaml files loaded?)");
        }
    }

    private static String directName(Route route) {
        String uri = route.getEndpoint().getEndpointBaseUri();
        return uri.startsWith("direct://") ? uri.substring("direct://".length())
                : uri.startsWith("direct:") ? uri.substring("direct:".length()) : uri;
    }
}
