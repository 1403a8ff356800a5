package io.handoff.gateway.livetex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.conversation.ClientQueue;
import io.handoff.gateway.ops.ManagedClientMessages;
import io.handoff.gateway.ops.ManagedHandoffs;
import io.handoff.gateway.support.QueueWait;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.fakes.FakeLiveTex;
import io.handoff.gateway.support.FakeBot;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/**
 * A destination on LiveTex works like a LiveChat one, end to end over HTTP: the same bot API, the same
 * events and guarantees, and one bot using destinations on both providers at once.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class LiveTexScenariosTest {

    static final String API_KEY = "livetex-bot-key";
    static final String WEBHOOK_KEY = "livetex-webhook-key";
    static final FakeLiveTex LIVETEX = FakeLiveTex.start();
    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    static final FakeBot BOT = FakeBot.start("cb");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> API_KEY);
        registry.add("handoff.destinations.sales.provider", () -> "livetex");
        registry.add("handoff.destinations.sales.group-ids", () -> "54321,54322");
        registry.add("handoff.destinations.support.provider", () -> "livechat");
        registry.add("handoff.destinations.support.group-ids", () -> "1");
        registry.add("handoff.default-destination", () -> "sales");
        registry.add("handoff.livetex.api-url", LIVETEX::apiUrl);
        registry.add("handoff.livetex.key", () -> FakeLiveTex.KEY);
        registry.add("handoff.livetex.webhook-key", () -> WEBHOOK_KEY);
        registry.add("handoff.livetex.user-id-prefix", () -> "gw-");
        registry.add("handoff.livechat.api-url", LIVECHAT::apiUrl);
        registry.add("handoff.livechat.accounts-url", LIVECHAT::accountsUrl);
        registry.add("handoff.livechat.client-id", () -> FakeLiveChat.CLIENT_ID);
        registry.add("handoff.livechat.agent-token", () -> FakeLiveChat.AGENT_TOKEN);
        registry.add("handoff.livechat.organization-id", () -> FakeLiveChat.ORGANIZATION_ID);
        registry.add("handoff.livechat.webhook-secret", () -> "lc-secret");
        registry.add("handoff.callback.url", BOT::callbackUrl);
        registry.add("handoff.callback.secret", () -> "cb");
        registry.add("handoff.callback.initial-backoff", () -> "100ms");
        registry.add("handoff.callback.poll-interval", () -> "200ms");
        registry.add("handoff.retry.initial-delay", () -> "20");
        // few workers per provider, so that a provider whose calls hang would hold every worker if they were shared
        registry.add("handoff.relay.parallelism", () -> "2");
        // and few handoffs in progress per provider, so that a provider whose handoffs hang fills its slots
        registry.add("handoff.provider-calls.max-in-flight", () -> "2");
        // LiveTex fetches the client's files itself; the gateway only checks the URL, and this test host has no DNS
        registry.add("handoff.files.allowed-hosts", () -> "files.example.com");
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:livetex;DB_CLOSE_DELAY=-1");
    }

    @LocalServerPort
    int port;
    @Autowired
    ClientQueue queue;
    @Autowired
    ManagedClientMessages clientMessages;
    @Autowired
    ManagedHandoffs handoffs;
    GatewayClient bot;

    @BeforeEach
    void connect() {
        LIVETEX.reset();
        LIVETEX.destination("54321", "Sales", true);
        LIVETEX.destination("54322", "Sales night shift", false);
        LIVETEX.webhookTarget("http://127.0.0.1:" + port + "/webhooks/livetex", WEBHOOK_KEY);
        bot = new GatewayClient(port, API_KEY);
    }

    static String newId() {
        return "lt-" + UUID.randomUUID();
    }

    Response handoff(String id, Map<String, Object> switchData) {
        return bot.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", id,
                "customer", Map.of("name", "Ivan"), "switch", switchData)));
    }

    String open(String id, Map<String, Object> switchData) {
        Response answer = handoff(id, switchData);
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return answer.json().path("providerChatId").asText();
    }

    List<String> types(String id) {
        return bot.events(id).stream().map(e -> e.path("type").asText()).toList();
    }

    static List<String> sentTexts(String userId) {
        return LIVETEX.messagesOf(userId).stream().filter(m -> m.path("type").asText().equals("text"))
                .map(m -> m.path("text").asText()).toList();
    }

    @Test
    void aHandoffSelectsAnOnlineDepartmentWithTheClientsDetailsAndSendsTheTranscript() {
        String id = newId();
        Response answer = bot.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", id,
                "customer", Map.of("name", "Ivan Petrov"),
                "switch", Map.of("sendMessagesToOperator", true, "attributes", Map.of("order", "98765"),
                        "hiddenAttributes", Map.of("crmId", "c-1")),
                "history", List.of(Map.of("from", "client", "text", "hello"), Map.of("from", "bot", "text", "Hi!"),
                        Map.of("from", "client", "text", "I want a discount")))));

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().path("provider").asText()).isEqualTo("livetex");
        assertThat(answer.json().path("destination").asText()).isEqualTo("sales");
        String userId = answer.json().path("providerChatId").asText();
        assertThat(userId).isEqualTo("gw-" + id);
        assertThat(LIVETEX.queries("getDestinations").get(0).get("key")).isEqualTo(FakeLiveTex.KEY);
        JsonNode select = LIVETEX.bodies("selectDestination").get(0);
        assertThat(select.path("destination_type").asText()).isEqualTo("Department");
        assertThat(select.path("destination_id").asText()).isEqualTo("54321");
        assertThat(select.path("name").asText()).isEqualTo("Ivan Petrov");
        assertThat(select.path("attributes").path("order").asText()).isEqualTo("98765");
        assertThat(select.path("hidden_attributes").path("crmId").asText()).isEqualTo("c-1");
        assertThat(LIVETEX.currentDestination(userId)).contains("54321");
        // the first message defaults to the client's last text, which the transcript already shows: once
        assertThat(sentTexts(userId)).containsExactly("hello", "Bot: Hi!", "I want a discount");
        assertThat(bot.get("/api/v1/conversations/" + id).json().path("state").asText()).isEqualTo("WAITING");
    }

    @Test
    void nobodyOnlineRefusesUnlessIgnoreOffline() {
        LIVETEX.destination("54321", "Sales", false);
        String id = newId();

        Response refused = handoff(id, Map.of("firstMessage", "anyone?"));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("event").asText()).isEqualTo("noLivechatOperatorsOnline");
        assertThat(LIVETEX.count("selectDestination")).isZero();
        assertThat(types(id)).containsExactly("noLivechatOperatorsOnline");

        assertThat(handoff(id, Map.of("firstMessage", "anyone?", "ignoreOffline", true)).status()).isEqualTo(201);
        assertThat(LIVETEX.bodies("selectDestination").get(0).path("destination_id").asText()).isEqualTo("54321");
    }

    @Test
    void aWholeConversationBothWaysWithFilesHoldAndOneFinishedEvent() {
        String id = newId();
        String user = open(id, Map.of("firstMessage", "help me"));

        assertThat(LIVETEX.holdMessage(user, "Please wait, an operator will answer soon")).isEqualTo(200);
        assertThat(LIVETEX.operatorSays(user, "7", "Anna", "Hello, I am Anna")).isEqualTo(200);
        assertThat(bot.get("/api/v1/conversations/" + id).json().path("operator").path("name").asText()).isEqualTo("Anna");
        assertThat(bot.say(id, "m1", "my order is 98765").status()).isEqualTo(202);
        assertThat(bot.post("/api/v1/conversations/" + id + "/messages", GatewayClient.json(Map.of("messageId", "m2",
                "file", Map.of("url", "https://files.example.com/receipt.png", "name", "receipt.png", "size", 2048)))).status())
                .isEqualTo(202);
        QueueWait.awaitDelivered(queue, id);
        assertThat(LIVETEX.operatorSendsFile(user, "7", "Anna", "https://cdn.livetex.example/answer.pdf", "answer.pdf", 99)).isEqualTo(200);
        assertThat(LIVETEX.delivered(user, LIVETEX.messagesOf(user).get(1).path("message_id").asText())).isEqualTo(200);
        assertThat(LIVETEX.operatorCloses(user, "7", "Anna")).isEqualTo(200);
        assertThat(LIVETEX.resendLastWebhook()).isEqualTo(200);

        assertThat(types(id)).containsExactly("operatorMessage", "operatorJoined", "operatorMessage", "operatorFile", "livechatFinished");
        List<JsonNode> events = bot.events(id);
        assertThat(events.get(0).path("hold").asBoolean()).isTrue();
        assertThat(events.get(0).has("operator")).isFalse();
        assertThat(events.get(2).path("operator").path("id").asText()).isEqualTo("7");
        assertThat(events.get(3).path("url").asText()).isEqualTo("https://cdn.livetex.example/answer.pdf");
        assertThat(events.get(4).path("reason").asText()).isEqualTo("operatorClosed");
        assertThat(sentTexts(user)).containsExactly("help me", "my order is 98765");
        JsonNode file = LIVETEX.bodies("sendFile").get(0);
        assertThat(file.path("url").asText()).isEqualTo("https://files.example.com/receipt.png");
        assertThat(file.path("file_name").asText()).isEqualTo("receipt.png");
        assertThat(bot.get("/api/v1/conversations/" + id).json().path("state").asText()).isEqualTo("BOT");
        await().atMost(Duration.ofSeconds(10)).until(() -> BOT.eventsOf(id).size() == 5);
        assertThat(BOT.eventsOf(id)).extracting(e -> e.path("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);

        assertThat(bot.say(id, "m3", "hello?").status()).isEqualTo(409);
        assertThat(open(id, Map.of("firstMessage", "again"))).isEqualTo(user);
        assertThat(LIVETEX.currentDestination(user)).contains("54321");
    }

    @Test
    void theClientClosesWithAPhraseOrTheBotClosesAndTheOperatorIsToldInWords() {
        String id = newId();
        String user = open(id, Map.of("firstMessage", "hi", "closeChatPhrases", List.of("/stop"), "lastMessage", "Client left"));

        Response closed = bot.say(id, "c", "/stop");

        assertThat(closed.status()).isEqualTo(200);
        assertThat(closed.json().path("closed").asBoolean()).isTrue();
        QueueWait.awaitDelivered(queue, id);
        assertThat(sentTexts(user)).containsExactly("hi", "Client left");
        assertThat(types(id)).containsExactly("livechatFinished");
        assertThat(bot.events(id).get(0).path("reason").asText()).isEqualTo("clientClosed");
        assertThat(bot.say(id, "d", "more").status()).isEqualTo(409);

        String other = newId();
        String otherUser = open(other, Map.of("firstMessage", "hi"));
        assertThat(bot.post("/api/v1/conversations/" + other + "/close", "").status()).isEqualTo(200);
        QueueWait.awaitDelivered(queue, other);
        assertThat(sentTexts(otherUser)).containsExactly("hi", "The client has ended the chat.");
        // the operator's own close that may follow does not tell the bot twice
        LIVETEX.operatorCloses(otherUser, "7", "Anna");
        assertThat(types(other)).containsExactly("livechatFinished");
    }

    @Test
    void repeatsWrongKeysAndSelectDestinationRequests() {
        String id = newId();
        String user = open(id, Map.of("firstMessage", "hi"));

        assertThat(bot.say(id, "same", "once").status()).isEqualTo(202);
        assertThat(bot.say(id, "same", "once").status()).isEqualTo(202);
        QueueWait.awaitDelivered(queue, id);
        assertThat(sentTexts(user)).containsExactly("hi", "once");

        LIVETEX.webhookTarget("http://127.0.0.1:" + port + "/webhooks/livetex", "wrong");
        assertThat(LIVETEX.operatorSays(user, "7", "Anna", "hi")).isEqualTo(401);
        assertThat(types(id)).isEmpty();
        LIVETEX.webhookTarget("http://127.0.0.1:" + port + "/webhooks/livetex", WEBHOOK_KEY);
        for (String notAWebhook : List.of("{}", "[]", "{\"webhook_key\":\"" + WEBHOOK_KEY + "\",\"user_id\":\"" + user + "\"}")) {
            Response refused = bot.send(bot.request("/webhooks/livetex").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(notAWebhook)));
            assertThat(refused.status()).as(notAWebhook).isEqualTo(400); // no type: not LiveTex's envelope
        }
        assertThat(types(id)).isEmpty();

        assertThat(LIVETEX.askToSelectDestination(user)).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> LIVETEX.count("selectDestination") == 2);
        assertThat(LIVETEX.bodies("selectDestination").get(1).path("destination_id").asText()).isEqualTo("54321");
    }

    @Test
    void liveTexErrorsAreRetriedOrReportedClearly(CapturedOutput output) {
        LIVETEX.failNext("selectDestination", 2, 500, 7);
        assertThat(handoff(newId(), Map.of("firstMessage", "hi")).status()).isEqualTo(201);
        assertThat(LIVETEX.count("selectDestination")).isEqualTo(3);

        LIVETEX.reset();
        LIVETEX.destination("54321", "Sales", true);
        LIVETEX.failNext("selectDestination", 5, 401, 2);
        Response badKey = handoff(newId(), Map.of("firstMessage", "hi"));
        assertThat(badKey.status()).isEqualTo(502);
        assertThat(badKey.type()).isEqualTo("urn:handoff:problem:provider-error");
        assertThat(badKey.json().path("detail").asText()).contains("handoff.livetex.key");
        assertThat(LIVETEX.count("selectDestination")).isEqualTo(1); // never retried in a loop

        LIVETEX.reset();
        LIVETEX.destination("54321", "Sales", true);
        LIVETEX.failNext("getDestinations", 10, 503, 7);
        Response down = handoff(newId(), Map.of("firstMessage", "hi"));
        assertThat(down.status()).isEqualTo(503);
        assertThat(output.getAll()).doesNotContain(FakeLiveTex.KEY, WEBHOOK_KEY);
    }

    @Test
    void oneBotUsesDestinationsOnBothProvidersAtOnce() throws Exception {
        LIVECHAT.reset();
        LIVECHAT.groupStatus(1, "online");
        LIVECHAT.webhookTarget("http://127.0.0.1:" + port + "/webhooks/livechat", "lc-secret");
        String onLiveChat = newId();
        String onLiveTex = newId();

        CompletableFuture<Response> a = CompletableFuture.supplyAsync(() -> handoff(onLiveChat, Map.of("destination", "support", "firstMessage", "A")));
        CompletableFuture<Response> b = CompletableFuture.supplyAsync(() -> handoff(onLiveTex, Map.of("destination", "sales", "firstMessage", "B")));
        String chat = a.get().json().path("providerChatId").asText();
        String user = b.get().json().path("providerChatId").asText();
        assertThat(a.get().json().path("provider").asText()).isEqualTo("livechat");
        assertThat(b.get().json().path("provider").asText()).isEqualTo("livetex");

        LIVECHAT.agentSays(chat, "agent@example.com", "from LiveChat");
        LIVETEX.operatorSays(user, "7", "Anna", "from LiveTex");
        assertThat(bot.say(onLiveChat, "1", "to LiveChat").status()).isEqualTo(202);
        assertThat(bot.say(onLiveTex, "1", "to LiveTex").status()).isEqualTo(202);
        QueueWait.awaitDelivered(queue, onLiveChat);
        QueueWait.awaitDelivered(queue, onLiveTex);

        assertThat(bot.events(onLiveChat)).extracting(e -> e.path("text").asText()).contains("from LiveChat");
        assertThat(bot.events(onLiveTex)).extracting(e -> e.path("text").asText()).contains("from LiveTex");
        assertThat(sentTexts(user)).containsExactly("B", "to LiveTex");
        assertThat(LIVECHAT.eventsOf(chat)).extracting(e -> e.path("text").asText()).contains("to LiveChat").doesNotContain("to LiveTex");
    }

    @Test
    void aProviderWhoseCallsHangHoldsUpOnlyItsOwnConversations() {
        LIVECHAT.reset();
        LIVECHAT.groupStatus(1, "online");
        List<String> onLiveChat = List.of(newId(), newId());
        List<String> chats = onLiveChat.stream().map(id -> open(id, Map.of("destination", "support"))).toList();
        String onLiveTex = newId();
        String user = open(onLiveTex, Map.of("destination", "sales", "firstMessage", "B"));

        // both sends answer after 5 s: a provider's 2 workers are held
        LIVECHAT.delayNext("send_event", 2, Duration.ofSeconds(5));
        for (String id : onLiveChat) {
            assertThat(bot.say(id, "1", "to LiveChat").status()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> LIVECHAT.count("send_event") >= 2);
        assertThat(clientMessages.getInProgressByProvider()).containsEntry("livechat", 2); // what operations see
        long posted = System.nanoTime();
        assertThat(bot.say(onLiveTex, "1", "to LiveTex").status()).isEqualTo(202);

        // within the hang: LiveTex's workers are LiveTex's own
        await().atMost(Duration.ofSeconds(3)).until(() -> sentTexts(user).contains("to LiveTex"));
        assertThat(Duration.ofNanos(System.nanoTime() - posted)).isLessThan(Duration.ofSeconds(4));
        // and nothing held up is lost
        for (int i = 0; i < onLiveChat.size(); i++) {
            QueueWait.awaitDelivered(queue, onLiveChat.get(i));
            assertThat(LIVECHAT.eventsOf(chats.get(i))).extracting(e -> e.path("text").asText()).contains("to LiveChat");
        }
    }

    @Test
    void aMessageHeldUpWhenTheOperatorClosesIsReportedUndeliveredAndNotSent() {
        String id = newId();
        String user = open(id, Map.of());
        LIVETEX.failNext("sendText", 4, 500, 7); // one attempt and its redeliveries: the message waits for its next try

        assertThat(bot.say(id, "held", "are you still there?").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.heads(id, 1).stream().anyMatch(item -> item.attempts() >= 1));
        assertThat(LIVETEX.operatorCloses(user, "7", "Anna")).isEqualTo(200);

        QueueWait.awaitDelivered(queue, id);
        // LiveTex would take it into the closed appeal: the gateway does not send it
        assertThat(sentTexts(user)).doesNotContain("are you still there?");
        List<JsonNode> events = bot.events(id);
        assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("livechatFinished", "messageUndelivered");
        assertThat(events.get(1).path("messageId").asText()).isEqualTo("held");
        assertThat(events.get(1).path("reason").asText()).isEqualTo("chatEnded");
    }

    @Test
    void whatTheOperatorWritesAfterTheBotClosedIsNotTheBotsEvent() {
        String id = newId();
        String user = open(id, Map.of());
        assertThat(bot.post("/api/v1/conversations/" + id + "/close", "{}").status()).isEqualTo(200);
        QueueWait.awaitDelivered(queue, id);

        // LiveTex has no close call: the appeal stays open, and the operator may still write or join
        assertThat(LIVETEX.operatorSays(user, "7", "Anna", "Anything else?")).isEqualTo(200);
        assertThat(LIVETEX.operatorSendsFile(user, "7", "Anna", "https://cdn.livetex.example/late.pdf", "late.pdf", 9))
                .isEqualTo(200);

        assertThat(types(id)).containsExactly("livechatFinished");
        assertThat(bot.get("/api/v1/conversations/" + id).json().path("state").asText()).isEqualTo("BOT");
    }

    @Test
    void aNewHandoffOnTheOtherProviderIsDeliveredAfterTheOldOnesClose() {
        LIVECHAT.reset();
        LIVECHAT.groupStatus(1, "online");
        String id = newId();
        String chat = open(id, Map.of("destination", "support"));
        LIVECHAT.delayNext("deactivate_chat", 1, Duration.ofSeconds(1)); // the close still queued at the next handoff

        assertThat(bot.say(id, "1", "to LiveChat").status()).isEqualTo(202);
        assertThat(bot.post("/api/v1/conversations/" + id + "/close", "{}").status()).isEqualTo(200);
        String user = open(id, Map.of("destination", "sales"));
        assertThat(bot.say(id, "2", "to LiveTex").status()).isEqualTo(202);

        QueueWait.awaitDelivered(queue, id);
        assertThat(LIVECHAT.eventsOf(chat)).extracting(e -> e.path("text").asText()).contains("to LiveChat")
                .doesNotContain("to LiveTex");
        assertThat(LIVECHAT.isActive(chat)).isFalse();
        assertThat(sentTexts(user)).containsExactly("to LiveTex");
    }

    @Test
    void handoffsToAProviderThatHangsAreRefusedAtOnceBeyondItsSlotsAndTheOtherProviderHandsOff() throws Exception {
        LIVECHAT.reset();
        LIVECHAT.groupStatus(1, "online");
        LIVECHAT.delayNext("start_chat", 2, Duration.ofSeconds(5)); // two handoffs wait for LiveChat: both its slots
        List<String> held = List.of(newId(), newId());
        List<CompletableFuture<Response>> waiting = held.stream()
                .map(id -> CompletableFuture.supplyAsync(() -> handoff(id, Map.of("destination", "support")))).toList();
        await().atMost(Duration.ofSeconds(3)).until(() -> LIVECHAT.count("start_chat") >= 2);
        assertThat(handoffs.getInFlightByProvider()).containsEntry("livechat", 2); // what operations see

        String refused = newId();
        long asked = System.nanoTime();
        HttpResponse<String> busy = HttpClient.newHttpClient().send(bot.request("/api/v1/handoffs")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(GatewayClient.json(Map.of("conversationId", refused,
                        "requestId", "r-1", "switch", Map.of("destination", "support"))))).build(),
                HttpResponse.BodyHandlers.ofString());
        // at once, not after LiveChat's hang, and nothing done: no call to LiveChat, the conversation is the bot's
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(2));
        assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
        assertThat(busy.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(busy.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(busy.body()).contains("urn:handoff:problem:provider-busy").contains("\"provider\":\"livechat\"");
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(2);
        assertThat(bot.get("/api/v1/conversations/" + refused).json().path("state").asText()).isEqualTo("BOT");

        // meanwhile LiveTex's handoffs have slots of their own
        String onLiveTex = newId();
        open(onLiveTex, Map.of("destination", "sales"));

        // the held handoffs end well and give their slots back; the refused one, asked again, opens its chat
        for (CompletableFuture<Response> handoff : waiting) {
            assertThat(handoff.get(15, TimeUnit.SECONDS).status()).isEqualTo(201);
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> handoffs.getInFlightByProvider().get("livechat") == 0);
        Response again = bot.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", refused,
                "requestId", "r-1", "switch", Map.of("destination", "support"))));
        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(3);
    }
}
