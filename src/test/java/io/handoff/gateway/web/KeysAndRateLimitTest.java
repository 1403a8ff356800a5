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
import io.handoff.gateway.support.GatewayClient.Response;

/** Several keys, each with its own budget of calls per period (handoff.api.rate-limit). */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KeysAndRateLimitTest {

    static final String NOISY = "noisy-bot-key-0123456789";
    static final String QUIET = "quiet-bot-key-0123456789";
    static final String EAGER = "eager-bot-key-0123456789";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> NOISY + "," + QUIET + "," + EAGER);
        registry.add("handoff.api.rate-limit.limit", () -> "3");
        registry.add("handoff.api.rate-limit.period", () -> "1m");
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:rate-limit;DB_CLOSE_DELAY=-1");
    }

    @LocalServerPort
    int port;

    @Test
    void aKeyOverItsBudgetGets429WithRetryAfterWhileAnotherKeyGoesOn() {
        GatewayClient noisy = new GatewayClient(port, NOISY);
        for (int i = 0; i < 3; i++) {
            assertThat(noisy.get("/api/v1/conversations/rate-" + i).status()).isEqualTo(404);
        }
        Response limited = noisy.get("/api/v1/conversations/rate-4");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.contentType()).startsWith("application/problem+json");
        assertThat(limited.type()).isEqualTo("urn:handoff:problem:too-many-requests");
        assertThat(noisy.send(noisy.request("/api/v1/conversations/rate-5").GET()).status()).isEqualTo(429);

        assertThat(new GatewayClient(port, QUIET).get("/api/v1/conversations/rate-0").status()).isEqualTo(404);
        // calls without a valid key are refused before they could spend anyone's budget
        assertThat(new GatewayClient(port, "not-a-key-0123456789").get("/api/v1/conversations/x").status())
                .isEqualTo(401);
    }

    @Test
    void theRetryAfterHeaderSaysWhenToComeBack() throws Exception {
        GatewayClient noisy = new GatewayClient(port, EAGER);
        java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
                noisy.request("/api/v1/conversations/rate-9").GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        for (int i = 0; answer.statusCode() != 429 && i < 5; i++) {
            answer = java.net.http.HttpClient.newHttpClient().send(
                    noisy.request("/api/v1/conversations/rate-9").GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        }
        assertThat(answer.statusCode()).isEqualTo(429);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("60");
    }
}
