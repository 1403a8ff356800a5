package io.handoff.gateway.livechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayProcess;

/**
 * The embedded H2 database keeps what the gateway acknowledged when the gateway is killed as by
 * {@code kill -9} right after answering: a handoff's {@code 201} (and the answer kept for its requestId),
 * a webhook's {@code 200} and a client message's {@code 202} mean stored. (H2 keeps commits in memory for up to half a second; see api.H2GroupWrite.)
 */
class GatewayKilledH2Test {

    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    static final String API_KEY = "killed-h2-key";
    static final String WEBHOOK_SECRET = "killed-h2-webhook";
    final Path database = Path.of("target", "killed-h2-" + UUID.randomUUID(), "handoff");

    @AfterAll
    static void stopFake() {
        LIVECHAT.close();
    }

    GatewayProcess startGateway() {
        List<String> args = new ArrayList<>(LIVECHAT.commandLine());
        args.addAll(List.of(
                "--spring.datasource.url=jdbc:h2:file:" + database.toAbsolutePath(),
                "--spring.main.banner-mode=off",
                "--handoff.api.keys=" + API_KEY,
                "--handoff.livechat.webhook-secret=" + WEBHOOK_SECRET,
                "--handoff.destinations.support.provider=livechat",
                "--handoff.default-destination=support",
                "--handoff.destinations.support.group-ids=1",
                "--handoff.relay.initial-backoff=100ms",
                "--handoff.relay.max-backoff=200ms",
                "--handoff.relay.poll-interval=200ms"));
        return GatewayProcess.start("killed-h2-gateway", args, API_KEY, Duration.ofSeconds(120));
    }

    @Test
    void whatTheGatewayAcknowledgedJustBeforeAKill9IsThereAfterItAndIsDelivered() {
        LIVECHAT.reset();
        LIVECHAT.groupStatus(1, "online");
        String chat;
        List<String> accepted = new ArrayList<>();
        String switchRequest = GatewayClient.json(Map.of(
                "conversationId", "killed-1", "requestId", "r-1", "switch", Map.of("firstMessage", "hello")));
        GatewayClient.Response handoff;
        try (GatewayProcess gateway = startGateway()) {
            GatewayClient bot = new GatewayClient(gateway.port(), API_KEY);
            handoff = bot.post("/api/v1/handoffs", switchRequest);
            assertThat(handoff.status()).as(handoff.text()).isEqualTo(201);
            chat = handoff.json().path("providerChatId").asText();
            LIVECHAT.webhookTarget(bot.baseUrl() + "/webhooks/livechat", WEBHOOK_SECRET);
            assertThat(LIVECHAT.agentSays(chat, "agent-1", "how can I help?")).isEqualTo(200); // the gateway's acknowledgment
            LIVECHAT.setDown(true); // the messages stay in the gateway's queue
            for (int i = 1; i <= 5; i++) {
                assertThat(bot.say("killed-1", "m" + i, "message " + i).status()).isEqualTo(202);
                accepted.add("message " + i);
            }
            gateway.kill(); // at once: no shutdown hook, nothing flushed on the way out
        } finally {
            LIVECHAT.setDown(false);
        }

        try (GatewayProcess gateway = startGateway()) {
            GatewayClient bot = new GatewayClient(gateway.port(), API_KEY);
            assertThat(bot.get("/api/v1/conversations/killed-1").json().path("providerChatId").asText()).isEqualTo(chat);
            GatewayClient.Response repeated = bot.post("/api/v1/handoffs", switchRequest); // its kept answer, no second chat
            assertThat(repeated.status()).as(repeated.text()).isEqualTo(201);
            assertThat(repeated.json()).isEqualTo(handoff.json());
            assertThat(bot.events("killed-1")).extracting(e -> e.path("text").asText()).contains("how can I help?");
            String customer = LIVECHAT.entityIdOfChat(chat);
            List<String> expected = new ArrayList<>(List.of("hello"));
            expected.addAll(accepted);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(LIVECHAT.eventsOf(chat).stream()
                    .filter(e -> customer.equals(e.path("author_id").asText())).map(e -> e.path("text").asText()).toList())
                    .containsExactlyElementsOf(expected));
        }
    }
}
