package io.handoff.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/**
 * The jar outside the sandbox with no destination configured: it starts (like it does with no API key, a
 * warning at start-up) and refuses every switch with a 422 that names the missing setting. A switch is never
 * sent to a LiveChat group the deployment did not name.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NoDestinationsTest {

    static final String API_KEY = "no-destinations-key-0123";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:no-destinations;DB_CLOSE_DELAY=-1");
        registry.add("handoff.api.keys", () -> API_KEY);
        registry.add("handoff.livechat.api-url", () -> "http://127.0.0.1:9/v3.6"); // never called
        registry.add("handoff.livechat.accounts-url", () -> "http://127.0.0.1:9/accounts");
    }

    @LocalServerPort
    int port;

    @Test
    void everySwitchIsRefusedWith422NamingHandoffDestinations() {
        GatewayClient bot = new GatewayClient(port, API_KEY);
        for (String switchData : new String[] {"{}", "{\"destination\":\"support\"}"}) {
            Response answer = bot.post("/api/v1/handoffs",
                    "{\"conversationId\":\"no-destinations-1\",\"switch\":" + switchData + "}");

            assertThat(answer.status()).as(switchData).isEqualTo(422);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.type()).isEqualTo("urn:handoff:problem:unknown-destination");
            assertThat(answer.json().path("detail").asText()).contains("handoff.destinations is empty");
            assertThat(answer.json().path("knownDestinations").toString()).isEqualTo("[]");
        }
        assertThat(bot.get("/api/v1/conversations/no-destinations-1").status()).isEqualTo(404);
    }
}
