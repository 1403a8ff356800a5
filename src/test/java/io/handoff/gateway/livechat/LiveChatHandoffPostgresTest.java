package io.handoff.gateway.livechat;

import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.handoff.gateway.support.Postgres;

/** The same scenarios on PostgreSQL, the store for several instances (reachable on CI). */
@EnabledIf("io.handoff.gateway.support.Postgres#reachable")
class LiveChatHandoffPostgresTest extends LiveChatHandoffScenarios {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        liveChatProperties(registry);
        Postgres.register(registry, "livechat_handoff");
    }
}
