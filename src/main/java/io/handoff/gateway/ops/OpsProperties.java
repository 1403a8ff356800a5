package io.handoff.gateway.ops;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Everything under {@code handoff.ops.*}: how the gateway shows itself to the people who run it. */
@ConfigurationProperties("handoff.ops")
public record OpsProperties(
        /* JMX domain of the gateway's own MBeans; a second gateway in one JVM (tests) needs its own */
        @DefaultValue("handoff") String jmxDomain,
        @DefaultValue ProviderCheck providerCheck) {

    /** The readiness check of each configured provider: an unauthenticated request, no tokens spent. */
    public record ProviderCheck(
            @DefaultValue("2s") Duration timeout,
            /* a probe every few seconds from several load balancers must not become traffic of its own */
            @DefaultValue("10s") Duration cacheFor) {
    }
}
