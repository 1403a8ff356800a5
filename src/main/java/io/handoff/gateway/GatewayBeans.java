package io.handoff.gateway;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Small shared beans that have no better home. */
@Configuration(proxyBeanMethods = false)
public class GatewayBeans {

    /** One clock for every timestamp and expiry, so tests can reason about time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
