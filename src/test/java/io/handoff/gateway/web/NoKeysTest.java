package io.handoff.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.support.GatewayClient;

/**
 * The jar's own defaults, outside the sandbox: no key is configured (the sandbox's published key lives in
 * the sandbox profile only), so the bot API refuses every call, whatever key is sent, and says why.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NoKeysTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:no-keys;DB_CLOSE_DELAY=-1");
    }

    @LocalServerPort
    int port;

    @Test
    void withoutConfiguredKeysEveryCallIsRefused() {
        for (String key : new String[] {ApiKeys.SANDBOX_KEY, "", "anything-at-all-0123456789"}) {
            GatewayClient bot = new GatewayClient(port, key);
            assertThat(bot.get("/api/v1/conversations/x").status()).isEqualTo(401);
            GatewayClient.Response handoff = bot.post("/api/v1/handoffs",
                    "{\"conversationId\":\"x\",\"switch\":{\"destination\":\"support\"}}");
            assertThat(handoff.status()).isEqualTo(401);
            assertThat(handoff.type()).isEqualTo("urn:handoff:problem:unauthorized");
        }
    }

    @Test
    void theStartUpSaysTheApiIsShut(org.springframework.context.ApplicationContext context) {
        assertThat(context.getBean(ApiKeys.class).startupWarnings()).singleElement().asString()
                .contains("handoff.api.keys is empty");
    }
}
