package io.handoff.gateway.ops;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.handoff.gateway.provider.Provider;
import io.handoff.gateway.provider.Providers;
import io.handoff.gateway.routing.Destination;
import io.handoff.gateway.routing.Destinations;

/**
 * The {@code providers} health component: one {@link ProviderReachability} per provider that a
 * destination uses and whose URLs the gateway knows. Part of the readiness group, not of liveness:
 * a provider outage makes the gateway unable to hand over, not broken.
 */
@Configuration(proxyBeanMethods = false)
public class ProviderHealth {

    @Bean("providersHealthContributor")   // the health component "providers"
    CompositeHealthContributor providersHealthContributor(Providers providers, Destinations destinations,
                                                          OpsProperties ops, Clock clock) {
        Set<String> used = new TreeSet<>();
        destinations.all().stream().map(Destination::provider).forEach(used::add);
        Map<String, HealthIndicator> checks = new LinkedHashMap<>();
        for (String name : used) {
            providers.find(name).map(Provider::healthEndpoints).filter(endpoints -> !endpoints.isEmpty())
                    .ifPresent(endpoints -> checks.put(name, new ProviderReachability(endpoints,
                            ops.providerCheck().timeout(), ops.providerCheck().cacheFor(), clock)));
        }
        return CompositeHealthContributor.fromMap(checks);
    }
}
