package io.handoff.gateway.livechat;

import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.handoff.gateway.support.Postgres;

/** The LiveChat relay on PostgreSQL (reachable on CI). */
@EnabledIf("io.handoff.gateway.support.Postgres#reachable")
class LiveChatRelayPostgresTest extends LiveChatRelayScenarios {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        relayProperties(registry);
        Postgres.register(registry, "livechat_relay");
    }
}
