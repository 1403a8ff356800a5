package io.handoff.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/**
 * A REST call on the request pool (web.RestCallThreads) that outlives spring.mvc.async.request-timeout:
 * the bot gets 503 gateway-busy at the timeout, the handoff goes on, and the bot's retry with the same
 * requestId gets the handoff's own answer once it is done; LiveChat opened one chat. Over HTTP on 127.0.0.1.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RequestTimeoutTest {

    static final String API_KEY = "request-timeout-bot-key";
    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> API_KEY);
        registry.add("spring.mvc.async.request-timeout", () -> "1s");
        registry.add("handoff.destinations.support.provider", () -> "livechat");
        registry.add("handoff.default-destination", () -> "support");
        registry.add("handoff.destinations.support.group-ids", () -> "1");
        LIVECHAT.configure(registry, "request-timeout-webhook-secret");
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:request-timeout;DB_CLOSE_DELAY=-1");
    }

    @AfterAll
    static void stop() {
        LIVECHAT.close();
    }

    @LocalServerPort
    int port;

    @Test
    void aHandoffLongerThanTheTimeoutIs503ThenItsRetryGetsTheHandoffsAnswer() {
        LIVECHAT.groupStatus(1, "online");
        GatewayClient bot = new GatewayClient(port, API_KEY);
        String body = GatewayClient.json(Map.of("conversationId", "timeout-" + UUID.randomUUID(),
                "requestId", "slow-1", "switch", Map.of("firstMessage", "a human, please")));
        LIVECHAT.delayNext("start_chat", 1, Duration.ofSeconds(4));

        long started = System.nanoTime();
        Response late = bot.post("/api/v1/handoffs", body);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(late.status()).as(late.text()).isEqualTo(503);
        assertThat(late.type()).isEqualTo("urn:handoff:problem:gateway-busy");
        assertThat(late.contentType()).startsWith("application/problem+json");
        assertThat(tookMillis).as("answered at the timeout, not when LiveChat answered").isLessThan(3_500);

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> bot.post("/api/v1/handoffs", body).status() == 201);
        Response replay = bot.post("/api/v1/handoffs", body);
        assertThat(replay.json().path("providerChatId").asText()).isNotBlank();
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(1);

        // the server threads are fine: the next handoff within the timeout is answered as usual
        Response next = bot.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId",
                "timeout-" + UUID.randomUUID(), "switch", Map.of("firstMessage", "hi"))));
        assertThat(next.status()).as(next.text()).isEqualTo(201);
    }
}
