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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.fakes.FakeLiveTex;
import io.handoff.gateway.support.FakeBot;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/** A restarted gateway (same H2 file database) still knows its conversations and its answers. */
class GatewayRestartTest {

    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    final Path database = Path.of("target", "restart-test-" + UUID.randomUUID(), "handoff");

    @BeforeEach
    void freshLiveChat() {
        LIVECHAT.reset();
        LIVECHAT.groupStatus(1, "online");
    }

    @AfterAll
    static void stopFake() {
        LIVECHAT.close();
    }

    ConfigurableApplicationContext startGateway(String... more) {
        // command-line arguments, as an ESB host would pass them: they win over application.yaml
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--camel.main.name=restart-test",
                "--spring.jmx.enabled=false",
                "--spring.datasource.url=jdbc:h2:file:" + database.toAbsolutePath(),
                "--handoff.api.keys=k",
                "--handoff.destinations.support.provider=livechat",
                "--handoff.default-destination=support",
                "--handoff.destinations.support.group-ids=1"));
        args.addAll(LIVECHAT.commandLine());
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(HandoffGatewayApplication.class).run(args.toArray(String[]::new));
    }

    static GatewayClient bot(ConfigurableApplicationContext gateway) {
        return new GatewayClient(((WebServerApplicationContext) gateway).getWebServer().getPort(), "k");
    }

    @Test
    void conversationsAndRememberedAnswersSurviveARestart() {
        LIVECHAT.groupStatus(1, "online");
        String body = GatewayClient.json(Map.of("conversationId", "restart-1", "requestId", "r1",
                "switch", Map.of("firstMessage", "hello")));
        Response first;
        try (ConfigurableApplicationContext gateway = startGateway()) {
            first = bot(gateway).post("/api/v1/handoffs", body);
            assertThat(first.status()).isEqualTo(201);
        }

        try (ConfigurableApplicationContext gateway = startGateway()) {
            GatewayClient bot = bot(gateway);
            Response view = bot.get("/api/v1/conversations/restart-1");
            assertThat(view.json().path("state").asText()).isEqualTo("WAITING");
            assertThat(view.json().path("providerChatId").asText()).isEqualTo(first.json().path("providerChatId").asText());
            assertThat(bot.post("/api/v1/handoffs", body).json()).isEqualTo(first.json());
            assertThat(LIVECHAT.count("start_chat")).isEqualTo(1);
        }
    }

    @Test
    void eventsTheBotHasNotAcceptedYetAreDeliveredAfterARestart() {
        LIVECHAT.groupStatus(1, "online");
        FakeBot bot = FakeBot.start("callback-secret");
        String[] callback = {"--handoff.callback.url=" + bot.callbackUrl(), "--handoff.callback.secret=callback-secret",
                "--handoff.callback.initial-backoff=100ms", "--handoff.callback.max-backoff=200ms",
                "--handoff.callback.poll-interval=200ms", "--handoff.livechat.webhook-secret=wh"};
        bot.failWith(503);
        try (ConfigurableApplicationContext gateway = startGateway(callback)) {
            GatewayClient client = bot(gateway);
            String chat = client.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", "restart-2",
                    "switch", Map.of("firstMessage", "hello")))).json().path("providerChatId").asText();
            LIVECHAT.webhookTarget(client.baseUrl() + "/webhooks/livechat", "wh");
            assertThat(LIVECHAT.agentSays(chat, "agent-1", "are you still there?")).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> bot.attempts() >= 2);
        }
        assertThat(bot.eventsOf("restart-2")).isEmpty();

        bot.failWith(0);
        try (ConfigurableApplicationContext gateway = startGateway(callback)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> bot.eventsOf("restart-2").size() == 2);
            assertThat(bot.eventsOf("restart-2")).extracting(e -> e.path("type").asText())
                    .containsExactly("operatorJoined", "operatorMessage");
        } finally {
            bot.close();
        }
    }

    @Test
    void clientMessagesAcceptedDuringAnOutageAreDeliveredAfterARestart() {
        LIVECHAT.groupStatus(1, "online");
        String[] quickRetries = {"--handoff.relay.initial-backoff=100ms", "--handoff.relay.max-backoff=200ms",
                "--handoff.relay.poll-interval=200ms"};
        String chat;
        try (ConfigurableApplicationContext gateway = startGateway(quickRetries)) {
            GatewayClient client = bot(gateway);
            chat = client.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", "restart-3",
                    "switch", Map.of("firstMessage", "hello")))).json().path("providerChatId").asText();
            LIVECHAT.setDown(true);
            for (int i = 1; i <= 3; i++) {
                assertThat(client.post("/api/v1/conversations/restart-3/messages",
                        GatewayClient.json(Map.of("messageId", "m" + i, "text", "message " + i))).status()).isEqualTo(202);
            }
            assertThat(client.post("/api/v1/conversations/restart-3/close", "{\"text\": \"bye\"}").status()).isEqualTo(200);
            int sendsWhileDown = LIVECHAT.count("send_event");
            await().atMost(Duration.ofSeconds(10)).until(() -> LIVECHAT.count("send_event") + LIVECHAT.count("customer_token") > sendsWhileDown);
        } finally {
            LIVECHAT.setDown(false);
        }
        try (ConfigurableApplicationContext gateway = startGateway(quickRetries)) {
            String customer = LIVECHAT.entityIdOfChat(chat);
            await().atMost(Duration.ofSeconds(15)).until(() -> !LIVECHAT.isActive(chat));
            assertThat(LIVECHAT.eventsOf(chat).stream().filter(e -> customer.equals(e.path("author_id").asText()))
                    .map(e -> e.path("text").asText()).toList())
                    .containsExactly("hello", "message 1", "message 2", "message 3", "bye");
        }
    }

    @Test
    void thePublicUrlRegistersTheRelaysWebhooksOnceAcrossRestarts() {
        String[] publicUrl = {"--handoff.livechat.public-url=https://gateway.example.com/", "--handoff.livechat.webhook-secret=wh"};
        try (ConfigurableApplicationContext gateway = startGateway(publicUrl)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> LIVECHAT.registeredWebhooks().size() == 4);
        }
        try (ConfigurableApplicationContext gateway = startGateway(publicUrl)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> LIVECHAT.count("list_webhooks") == 2);
        }
        assertThat(LIVECHAT.registeredWebhooks()).hasSize(4).allSatisfy(webhook -> {
            assertThat(webhook.path("url").asText()).isEqualTo("https://gateway.example.com/webhooks/livechat");
            assertThat(webhook.path("secret_key").asText()).isEqualTo("wh");
            assertThat(webhook.path("additional_data").toString()).isEqualTo("[\"chat_presence_user_ids\"]");
        });
        assertThat(LIVECHAT.registeredWebhooks()).extracting(w -> w.path("action").asText())
                .containsExactlyInAnyOrder("incoming_event", "user_added_to_chat", "chat_deactivated", "chat_transferred");
        assertThat(LIVECHAT.count("register_webhook")).isEqualTo(4);
    }

    @Test
    void aWebhookRegisteredWithoutTheChatsUsersIsReplaced() throws Exception {
        // as an earlier version registered it: the gateway cannot tell a first chat's early webhook by it
        String url = "https://gateway.example.com/webhooks/livechat";
        String outdated = LIVECHAT.registerWebhook(Map.of("action", "user_added_to_chat", "secret_key", "wh", "url", url,
                "owner_client_id", FakeLiveChat.CLIENT_ID, "type", "license"));
        try (ConfigurableApplicationContext gateway = startGateway("--handoff.livechat.public-url=https://gateway.example.com",
                "--handoff.livechat.webhook-secret=wh")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> LIVECHAT.count("unregister_webhook") == 1);
        }
        assertThat(LIVECHAT.registeredWebhooks()).hasSize(4)
                .noneMatch(webhook -> webhook.path("id").asText().equals(outdated))
                .allSatisfy(webhook -> assertThat(webhook.path("additional_data").toString()).contains("chat_presence_user_ids"));
        assertThat(LIVECHAT.count("register_webhook")).isEqualTo(1 + 4); // the outdated one's, then the gateway's
    }

    @Test
    void thePublicUrlPointsLiveTexWebhooksAtTheGateway() {
        try (FakeLiveTex livetex = FakeLiveTex.start();
             ConfigurableApplicationContext gateway = startGateway("--handoff.livetex.public-url=https://gateway.example.com",
                     "--handoff.livetex.api-url=" + livetex.apiUrl(), "--handoff.livetex.key=" + FakeLiveTex.KEY,
                     "--handoff.livetex.webhook-key=wk")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> livetex.count("setWebhook") == 1);
            assertThat(livetex.bodies("setWebhook").get(0).path("url").asText()).isEqualTo("https://gateway.example.com/webhooks/livetex");
            assertThat(livetex.bodies("setWebhook").get(0).path("webhook_key").asText()).isEqualTo("wk");
        }
    }
}
