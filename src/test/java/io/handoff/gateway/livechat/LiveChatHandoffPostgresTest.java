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
        String url = Postgres.freshSchemaUrl("livechat_handoff");
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> Postgres.USER);
        registry.add("spring.flyway.default-schema", () -> url.substring(url.indexOf("currentSchema=") + 14));
        registry.add("spring.flyway.create-schemas", () -> "true");
    }
}
