package io.handoff.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.conversation.ClientQueue;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.FakeBot;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/**
 * The client-message queue (gateway-api.md §9) over HTTP: 202 once stored, whatever LiveChat is doing;
 * delivered later in acceptance order, the close after the messages before it; what cannot be delivered
 * becomes messageUndelivered; a slow conversation does not hold up another.
 */
@CamelSpringBootTest
// JMX on (Spring Boot tests turn it off), under a domain of its own: other test contexts may live in this JVM
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.jmx.enabled=true", "spring.jmx.unique-names=true", "handoff.ops.jmx-domain=handoff-queue-test", "camel.main.name=queue-test"})
class ClientMessageQueueTest {

    static final String API_KEY = "queue-bot-key";
    static final String WEBHOOK_SECRET = "queue-webhook-secret";
    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    static final FakeBot FILES = FakeBot.start("unused");
    static final Duration GIVE_UP_AFTER = Duration.ofSeconds(4);
    static final int MAX_PENDING = 5;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:client-queue;DB_CLOSE_DELAY=-1");
        registry.add("handoff.api.keys", () -> API_KEY);
        registry.add("handoff.destinations.support.provider", () -> "livechat");
        registry.add("handoff.default-destination", () -> "support");
        registry.add("handoff.destinations.support.group-ids", () -> "1");
        LIVECHAT.configure(registry, WEBHOOK_SECRET);
        registry.add("handoff.relay.initial-backoff", () -> "100ms");
        registry.add("handoff.relay.max-backoff", () -> "300ms");
        registry.add("handoff.relay.poll-interval", () -> "100ms");
        registry.add("handoff.relay.give-up-after", () -> GIVE_UP_AFTER.toMillis() + "ms");
        registry.add("handoff.relay.max-pending-per-conversation", () -> MAX_PENDING);
        registry.add("handoff.files.allowed-hosts", () -> java.net.URI.create(FILES.callbackUrl()).getAuthority());
    }

    @LocalServerPort
    int port;
    @Autowired
    ClientQueue queue;
    GatewayClient bot;

    @BeforeEach
    void connect() {
        LIVECHAT.reset();
        LIVECHAT.groupStatus(1, "online");
        LIVECHAT.webhookTarget("http://127.0.0.1:" + port + "/webhooks/livechat", WEBHOOK_SECRET);
        bot = new GatewayClient(port, API_KEY);
    }

    @AfterEach
    void platformUp() {
        LIVECHAT.setDown(false);
    }

    String startHandoff(String id) {
        Response answer = bot.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", id,
                "switch", Map.of("firstMessage", "hi", "closeChatPhrases", List.of("bye")))));
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return answer.json().path("providerChatId").asText();
    }

    static List<String> texts(String chatId) {
        String customer = LIVECHAT.entityIdOfChat(chatId);
        return LIVECHAT.eventsOf(chatId).stream()
                .filter(e -> e.path("type").asText().equals("message") && customer.equals(e.path("author_id").asText()))
                .map(e -> e.path("text").asText()).toList();
    }

    void awaitDelivered(String id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.heads(id, 1).isEmpty());
    }

    static Object jmx(String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        return server.getAttribute(new ObjectName("handoff-queue-test:type=ClientMessages"), attribute);
    }

    @Test
    void messagesAndTheCloseAcceptedDuringAnOutageArriveAfterItInTheOrderAccepted() throws Exception {
        String id = "queue-" + UUID.randomUUID();
        String chat = startHandoff(id);
        LIVECHAT.setDown(true);

        for (int i = 1; i <= 3; i++) {
            Response accepted = bot.say(id, "m" + i, "message " + i);
            assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
            assertThat(accepted.json().path("state").asText()).isEqualTo("WAITING");
        }
        Response closed = bot.post("/api/v1/conversations/" + id + "/close", "{\"text\": \"thanks\"}");
        assertThat(closed.status()).as(closed.text()).isEqualTo(200);
        // the close is answered at once: the conversation is the bot's, and it knows
        assertThat(bot.get("/api/v1/conversations/" + id).json().path("state").asText()).isEqualTo("BOT");
        assertThat(bot.events(id)).extracting(e -> e.path("type").asText()).containsExactly("livechatFinished");
        assertThat(bot.say(id, "m4", "too late").status()).isEqualTo(409);

        await().atMost(Duration.ofSeconds(5)).until(() -> queue.heads(id, 1).stream().anyMatch(item -> item.attempts() >= 2));
        assertThat((Long) jmx("Pending")).isGreaterThanOrEqualTo(4);
        @SuppressWarnings("unchecked")
        Map<String, Long> byProvider = (Map<String, Long>) jmx("PendingByProvider");
        assertThat(byProvider.get("livechat")).isGreaterThanOrEqualTo(4);
        assertThat(LIVECHAT.isActive(chat)).isTrue();

        LIVECHAT.setDown(false);
        ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("handoff-queue-test:type=ClientMessages"), "retryNow",
                new Object[0], new String[0]);
        awaitDelivered(id);

        assertThat(texts(chat)).containsExactly("hi", "message 1", "message 2", "message 3", "thanks");
        assertThat(LIVECHAT.isActive(chat)).isFalse();
        assertThat(bot.events(id)).extracting(e -> e.path("type").asText()).containsExactly("livechatFinished");
    }

    @Test
    void aFullQueueRefusesTheNextMessageWith429AndStoresNothingUntilItDrains() throws Exception {
        String id = "queue-" + UUID.randomUUID();
        String chat = startHandoff(id);
        LIVECHAT.setDown(true);
        for (int i = 1; i <= MAX_PENDING; i++) {
            assertThat(bot.say(id, "m" + i, "message " + i).status()).isEqualTo(202);
        }

        HttpResponse<String> full = HttpClient.newHttpClient().send(bot.request("/api/v1/conversations/" + id + "/messages")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(GatewayClient.json(Map.of("messageId", "m6", "text", "message 6")))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(full.statusCode()).as(full.body()).isEqualTo(429);
        assertThat(full.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(full.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(full.body()).contains("urn:handoff:problem:queue-full").contains("\"maxPending\":" + MAX_PENDING);
        // a message already accepted is still answered as such; the refused one was not stored
        assertThat(bot.say(id, "m5", "message 5").status()).isEqualTo(202);
        assertThat((Long) jmx("Pending")).isEqualTo(MAX_PENDING);

        LIVECHAT.setDown(false);
        ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("handoff-queue-test:type=ClientMessages"), "retryNow",
                new Object[0], new String[0]);
        awaitDelivered(id);
        assertThat(bot.say(id, "m6", "message 6").status()).as("its messageId was not taken").isEqualTo(202);
        awaitDelivered(id);

        assertThat(texts(chat)).containsExactly("hi", "message 1", "message 2", "message 3", "message 4", "message 5",
                "message 6");
        assertThat(bot.events(id)).isEmpty();
    }

    @Test
    void aMessageLiveChatRefusesIsReportedAndTheNextOneStillGoesThrough() {
        String id = "queue-" + UUID.randomUUID();
        String chat = startHandoff(id);
        LIVECHAT.failNext("send_event", 1, 400, "validation");

        assertThat(bot.say(id, "refused", "first").status()).isEqualTo(202);
        assertThat(bot.say(id, "fine", "second").status()).isEqualTo(202);
        awaitDelivered(id);

        assertThat(texts(chat)).containsExactly("hi", "second");
        List<JsonNode> events = bot.events(id);
        assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("messageUndelivered");
        assertThat(events.get(0).path("messageId").asText()).isEqualTo("refused");
        assertThat(events.get(0).path("reason").asText()).isEqualTo("providerRejected");
    }

    @Test
    void aFileThatCannotBeFetchedAtDeliveryIsReported() {
        String id = "queue-" + UUID.randomUUID();
        startHandoff(id);
        String gone = FILES.callbackUrl().replace("/events", "/files/never-served.png");

        Response accepted = bot.post("/api/v1/conversations/" + id + "/messages", GatewayClient.json(Map.of(
                "messageId", "f1", "file", Map.of("url", gone, "name", "never-served.png"))));
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        awaitDelivered(id);

        List<JsonNode> events = bot.events(id);
        assertThat(events).extracting(e -> e.path("reason").asText()).containsExactly("fileUnavailable");
        assertThat(LIVECHAT.count("upload_file")).isZero();
    }

    @Test
    void aMessageNotDeliveredWithinGiveUpAfterExpires() {
        String id = "queue-" + UUID.randomUUID();
        String chat = startHandoff(id);
        LIVECHAT.setDown(true);

        assertThat(bot.say(id, "stale", "anyone?").status()).isEqualTo(202);
        await().atMost(GIVE_UP_AFTER.plusSeconds(5)).until(() -> queue.heads(id, 1).isEmpty());
        LIVECHAT.setDown(false);

        List<JsonNode> events = bot.events(id);
        assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("messageUndelivered");
        assertThat(events.get(0).path("reason").asText()).isEqualTo("expired");
        assertThat(texts(chat)).containsExactly("hi");
    }

    @Test
    void aConversationWaitingForASlowCallDoesNotHoldUpAnother() {
        String slow = "queue-" + UUID.randomUUID();
        String other = "queue-" + UUID.randomUUID();
        startHandoff(slow);
        String otherChat = startHandoff(other);
        int sendsBefore = LIVECHAT.count("send_event");
        LIVECHAT.delayNext("send_event", 1, Duration.ofSeconds(6));

        assertThat(bot.say(slow, "s1", "slow one").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(5)).until(() -> LIVECHAT.count("send_event") > sendsBefore); // held by LiveChat
        assertThat(bot.say(other, "o1", "quick one").status()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(4)).until(() -> texts(otherChat).contains("quick one"));
        assertThat(queue.heads(slow, 1)).isNotEmpty();
        awaitDelivered(slow);
    }

    @Test
    void aClosePhraseIsQueuedAfterTheMessagesBeforeIt() {
        String id = "queue-" + UUID.randomUUID();
        String chat = startHandoff(id);
        LIVECHAT.setDown(true);

        assertThat(bot.say(id, "m1", "one more thing").status()).isEqualTo(202);
        Response closed = bot.say(id, "m2", "Bye");
        assertThat(closed.status()).isEqualTo(200);
        assertThat(closed.json().path("closed").asBoolean()).isTrue();
        LIVECHAT.setDown(false);
        awaitDelivered(id);

        assertThat(texts(chat)).containsExactly("hi", "one more thing");
        assertThat(LIVECHAT.isActive(chat)).isFalse();
        assertThat(bot.events(id)).extracting(e -> e.path("reason").asText()).containsExactly("clientClosed");
    }
}
