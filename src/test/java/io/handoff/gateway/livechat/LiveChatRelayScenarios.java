package io.handoff.gateway.livechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.conversation.ClientQueue;
import io.handoff.gateway.provider.livechat.LiveChatTokens;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.FakeBot;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/**
 * A handoff's life on LiveChat, end to end over HTTP: the client and the operator talk both ways
 * (text and files), the bot gets every operator event (pushed, signed, in order; and pullable) and the
 * conversation back exactly once. The fake LiveChat sends its webhooks to the gateway as LiveChat does.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
// the region tests first: a region LiveChat named stays with the gateway (the default fake accepts it)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class LiveChatRelayScenarios {

    static final String API_KEY = "relay-bot-key";
    static final String WEBHOOK_SECRET = "livechat-webhook-secret";
    static final String CALLBACK_SECRET = "callback-secret";
    static final String AGENT = "anna@example.com";
    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    static final FakeBot BOT = FakeBot.start(CALLBACK_SECRET);

    static void relayProperties(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> API_KEY);
        registry.add("handoff.destinations.support.provider", () -> "livechat");
        registry.add("handoff.default-destination", () -> "support");
        registry.add("handoff.destinations.support.group-ids", () -> "1");
        LIVECHAT.configure(registry, WEBHOOK_SECRET);
        registry.add("handoff.callback.url", BOT::callbackUrl);
        registry.add("handoff.callback.secret", () -> CALLBACK_SECRET);
        registry.add("handoff.callback.initial-backoff", () -> "100ms");
        registry.add("handoff.callback.max-backoff", () -> "400ms");
        registry.add("handoff.callback.poll-interval", () -> "200ms");
        registry.add("handoff.retry.initial-delay", () -> "20");
        // the bot's file host is internal (127.0.0.1), as a deployment's own file server would be
        registry.add("handoff.files.allowed-hosts", () -> java.net.URI.create(BOT.callbackUrl()).getAuthority());
    }

    @LocalServerPort
    int port;
    @Autowired
    LiveChatTokens tokens;
    @Autowired
    ClientQueue queue;
    GatewayClient bot;

    @BeforeEach
    void connect() {
        LIVECHAT.reset();
        LIVECHAT.groupStatus(1, "online");
        LIVECHAT.webhookTarget("http://127.0.0.1:" + port + "/webhooks/livechat", WEBHOOK_SECRET);
        BOT.failWith(0);
        bot = new GatewayClient(port, API_KEY);
    }

    static String newConversationId() {
        return "relay-" + UUID.randomUUID();
    }

    String startHandoff(String id, Map<String, Object> switchData) {
        Response answer = bot.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", id, "switch", switchData)));
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return answer.json().path("providerChatId").asText();
    }

    List<String> pushedTypes(String id) {
        return BOT.eventsOf(id).stream().map(e -> e.path("type").asText()).toList();
    }

    String state(String id) {
        return bot.get("/api/v1/conversations/" + id).json().path("state").asText();
    }

    /** What the client said in the chat (the customer's message events), in order. */
    static List<String> texts(String chatId) {
        String customer = LIVECHAT.entityIdOfChat(chatId);
        return LIVECHAT.eventsOf(chatId).stream()
                .filter(e -> e.path("type").asText().equals("message") && customer.equals(e.path("author_id").asText()))
                .map(e -> e.path("text").asText()).toList();
    }

    /** The client-message queue has delivered (or given up on) everything the conversation's bot handed over. */
    void awaitDelivered(String id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.heads(id, 1).isEmpty());
    }

    @Test
    void aWholeConversationBothWaysEndsWithTheBotToldOnceAndTheNextSwitchWorks() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "I need a human"));

        assertThat(LIVECHAT.agentJoins(chat, AGENT, "Anna")).isEqualTo(200);
        assertThat(state(id)).isEqualTo("OPERATOR");
        assertThat(bot.get("/api/v1/conversations/" + id).json().path("operator").path("name").asText()).isEqualTo("Anna");

        assertThat(bot.say(id, "m1", "my order is 98765").status()).isEqualTo(202);
        assertThat(LIVECHAT.agentSays(chat, AGENT, "Let me check")).isEqualTo(200);

        String fileUrl = BOT.serveFile("receipt.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Response file = bot.post("/api/v1/conversations/" + id + "/messages", GatewayClient.json(Map.of(
                "messageId", "m2", "file", Map.of("url", fileUrl, "name", "receipt.png"))));
        assertThat(file.status()).as(file.text()).isEqualTo(202);
        awaitDelivered(id);
        JsonNode uploaded = LIVECHAT.eventsOf(chat).stream().filter(e -> e.path("type").asText().equals("file")).findFirst().orElseThrow();
        assertThat(uploaded.path("url").asText()).startsWith(LIVECHAT.baseUrl() + "/cdn/");
        assertThat(uploaded.path("custom_id").asText()).isEqualTo("m2");

        assertThat(LIVECHAT.agentSendsFile(chat, AGENT, LIVECHAT.baseUrl() + "/cdn/x/answer.pdf", "answer.pdf", 1234)).isEqualTo(200);
        assertThat(LIVECHAT.agentCloses(chat, AGENT)).isEqualTo(200);
        LIVECHAT.resendLastWebhook(); // LiveChat retries: still one livechatFinished

        await().atMost(Duration.ofSeconds(10)).until(() -> pushedTypes(id).contains("livechatFinished"));
        assertThat(pushedTypes(id)).containsExactly("operatorJoined", "operatorMessage", "operatorFile", "livechatFinished");
        assertThat(BOT.received()).allSatisfy(push -> assertThat(push.signatureValid()).isTrue());
        List<JsonNode> events = bot.events(id, 0);
        assertThat(events).extracting(e -> e.path("seq").asLong()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(events.get(1).path("text").asText()).isEqualTo("Let me check");
        assertThat(events.get(1).path("operator").path("name").asText()).isEqualTo("Anna");
        assertThat(events.get(2).path("name").asText()).isEqualTo("answer.pdf");
        assertThat(events.get(3).path("reason").asText()).isEqualTo("operatorClosed");
        assertThat(texts(chat)).containsExactly("I need a human", "my order is 98765");
        assertThat(state(id)).isEqualTo("BOT");
        assertThat(bot.say(id, "m3", "hello?").status()).isEqualTo(409);

        String again = startHandoff(id, Map.of("firstMessage", "me again"));
        assertThat(again).isEqualTo(chat);
        assertThat(LIVECHAT.isActive(chat)).isTrue();
        assertThat(state(id)).isEqualTo("WAITING");
    }

    @Test
    @Order(1)
    void aLicenseThatWantsItsRegionGetsTheCustomerTokensOnEveryCall() {
        LIVECHAT.region("dal"); // the fake's customer tokens are dal:cust-<n>
        String id = newConversationId();

        String chat = startHandoff(id, Map.of("firstMessage", "I need a human"));
        assertThat(bot.say(id, "m1", "my order is 98765").status()).isEqualTo(202);
        awaitDelivered(id);

        assertThat(texts(chat)).containsExactly("I need a human", "my order is 98765");
        assertThat(LIVECHAT.misdirected()).isEmpty();
        for (String method : List.of("start_chat", "send_event")) {
            assertThat(LIVECHAT.headers(method)).as(method).isNotEmpty()
                    .allSatisfy(headers -> assertThat(headers).containsEntry("x-region", "dal"));
        }
    }

    @Test
    @Order(2)
    void aCallToTheWrongRegionIsTriedAgainAtOnceInTheOneLiveChatNamesWhichLaterCallsSend(CapturedOutput output) {
        LIVECHAT.region("fra"); // the license is elsewhere than its tokens say
        String id = newConversationId();

        String chat = startHandoff(id, Map.of("firstMessage", "hello from Frankfurt"));
        assertThat(LIVECHAT.misdirected()).containsExactly("dal"); // the handoff's first call, with the token's region
        assertThat(bot.say(id, "m1", "still there?").status()).isEqualTo(202);
        awaitDelivered(id);

        assertThat(texts(chat)).containsExactly("hello from Frankfurt", "still there?");
        assertThat(LIVECHAT.misdirected()).containsExactly("dal");
        for (String method : List.of("start_chat", "send_event")) {
            assertThat(LIVECHAT.headers(method)).as(method).isNotEmpty()
                    .allSatisfy(headers -> assertThat(headers).containsEntry("x-region", "fra"));
        }

        // the client-message queue's calls too: misdirected once, tried again at once, not after a backoff
        LIVECHAT.region("fra-a");
        assertThat(bot.say(id, "m2", "and now?").status()).isEqualTo(202);
        awaitDelivered(id);

        assertThat(texts(chat)).containsExactly("hello from Frankfurt", "still there?", "and now?");
        assertThat(LIVECHAT.misdirected()).containsExactly("dal", "fra");
        assertThat(LIVECHAT.headers("send_event")).last()
                .satisfies(headers -> assertThat(headers).containsEntry("x-region", "fra-a"));
        assertThat(output.getAll().lines().filter(line -> line.contains(id) && line.contains("not delivered"))).isEmpty();
        assertThat(output.getAll().lines().filter(line -> line.contains("its calls send X-Region: fra "))).hasSize(1);
        assertThat(output.getAll().lines().filter(line -> line.contains("its calls send X-Region: fra-a "))).hasSize(1);
        assertThat(output.getAll()).doesNotContain("dal:cust-");
    }

    @Test
    void aClosePhraseEndsTheHandoffWithTheLastMessageAndOneFinishedEvent() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi", "closeChatPhrases", List.of("/close", "Bye bot"),
                "lastMessage", "The client left the chat"));

        Response closed = bot.say(id, "c1", "  bye BOT ");

        assertThat(closed.status()).isEqualTo(200);
        assertThat(closed.json().path("state").asText()).isEqualTo("BOT");
        assertThat(closed.json().path("closed").asBoolean()).isTrue();
        awaitDelivered(id); // the close reaches LiveChat through the queue
        assertThat(LIVECHAT.isActive(chat)).isFalse();
        assertThat(texts(chat)).containsExactly("hi", "The client left the chat");
        await().atMost(Duration.ofSeconds(10)).until(() -> pushedTypes(id).contains("livechatFinished"));
        // LiveChat's own chat_deactivated webhook follows deactivate_chat; once the gateway has answered it, it
        // must not have added a second event
        await().atMost(Duration.ofSeconds(10)).until(() -> LIVECHAT.webhooksSent().stream().anyMatch(webhook ->
                webhook.path("action").asText().equals("chat_deactivated") && webhook.path("payload").path("chat_id").asText().equals(chat)));
        assertThat(bot.events(id, 0)).extracting(e -> e.path("type").asText()).containsExactly("livechatFinished");
        assertThat(bot.events(id, 0).get(0).path("reason").asText()).isEqualTo("clientClosed");
    }

    @Test
    void theBotCanCloseAndMessagesOutsideAHandoffAreRefused() {
        String id = newConversationId();
        assertThat(bot.say(id, "x", "anyone?").status()).isEqualTo(404);
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));

        Response closed = bot.post("/api/v1/conversations/" + id + "/close", "{\"text\": \"Thanks, bye\"}");

        assertThat(closed.status()).isEqualTo(200);
        assertThat(closed.json().path("state").asText()).isEqualTo("BOT");
        awaitDelivered(id);
        assertThat(texts(chat)).containsExactly("hi", "Thanks, bye");
        assertThat(LIVECHAT.isActive(chat)).isFalse();
        assertThat(bot.post("/api/v1/conversations/" + id + "/close", "{}").status()).isEqualTo(409);
        Response refused = bot.say(id, "after", "still there?");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.type()).isEqualTo("urn:handoff:problem:not-in-handoff");
        assertThat(LIVECHAT.count("send_event")).isEqualTo(1);
    }

    @Test
    void theClientsLastWordsTriedAgainKeepTheirCustomId() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));
        LIVECHAT.failNext("send_event", 1, 500, "internal");

        assertThat(bot.post("/api/v1/conversations/" + id + "/close", "{\"text\": \"Thanks, bye\"}").status()).isEqualTo(200);

        awaitDelivered(id); // the first send_event failed: the queue tried the close again
        List<JsonNode> sent = LIVECHAT.bodies("send_event");
        assertThat(sent).hasSize(2);
        // one custom_id for both tries, so the operator's side can tell a repeat from a second message
        assertThat(sent).extracting(body -> body.path("event").path("custom_id").asText()).containsExactly("close:" + chat, "close:" + chat);
        assertThat(texts(chat)).containsExactly("hi", "Thanks, bye");
        assertThat(LIVECHAT.isActive(chat)).isFalse();
    }

    @Test
    void repeatedMessageIdsAndWebhooksTakeEffectOnce() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));

        assertThat(bot.say(id, "same", "once please").status()).isEqualTo(202);
        assertThat(bot.say(id, "same", "once please").status()).isEqualTo(202);
        awaitDelivered(id);
        assertThat(LIVECHAT.agentSays(chat, AGENT, "noted")).isEqualTo(200);
        assertThat(LIVECHAT.resendLastWebhook()).isEqualTo(200);
        assertThat(LIVECHAT.resendLastWebhook()).isEqualTo(200);

        assertThat(texts(chat)).containsExactly("hi", "once please");
        assertThat(bot.events(id, 0)).extracting(e -> e.path("type").asText()).containsExactly("operatorJoined", "operatorMessage");
    }

    @Test
    void aMessageIdAcceptedBeforeTheOperatorClosedIsAnsweredAsTheFirstTime() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));
        Response first = bot.say(id, "m1", "one");
        assertThat(first.status()).isEqualTo(202);
        awaitDelivered(id);
        assertThat(LIVECHAT.agentCloses(chat, AGENT)).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id).equals("BOT"));

        Response again = bot.say(id, "m1", "one"); // the bot's retry: the operator has this message already

        assertThat(again.status()).as(again.text()).isEqualTo(202);
        assertThat(again.text()).isEqualTo(first.text());
        assertThat(texts(chat)).containsExactly("hi", "one");
        assertThat(queue.heads(id, 1)).isEmpty();
        assertThat(bot.say(id, "m2", "two").status()).isEqualTo(409); // a new messageId is still refused
    }

    @Test
    void aClosePhraseTriedAgainGetsTheClosesAnswerAndClosesNothingMore() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi", "closeChatPhrases", List.of("bye")));
        Response closed = bot.say(id, "c1", "bye");
        assertThat(closed.status()).isEqualTo(200);
        awaitDelivered(id);

        Response again = bot.say(id, "c1", "bye");

        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(again.text()).isEqualTo(closed.text());
        assertThat(again.json().path("closed").asBoolean()).isTrue();
        assertThat(queue.heads(id, 1)).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> pushedTypes(id).contains("livechatFinished"));
        assertThat(bot.events(id, 0)).extracting(e -> e.path("type").asText()).containsExactly("livechatFinished");
        assertThat(LIVECHAT.isActive(chat)).isFalse();
        // the close phrase's messageId is taken: the same id in the next handoff is a repeat, not a message
        String next = startHandoff(id, Map.of("firstMessage", "hi again"));
        assertThat(bot.say(id, "c1", "bye").text()).isEqualTo(closed.text());
        awaitDelivered(id);
        assertThat(texts(next)).endsWith("hi again").doesNotContain("bye");
        assertThat(state(id)).isEqualTo("WAITING");
    }

    @Test
    void closeWithNoBodyAndNoContentTypeIsACloseWithoutText() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));
        String path = "/api/v1/conversations/" + id + "/close";
        Response notJson = bot.send(bot.request(path).header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("bye")));
        assertThat(notJson.status()).isEqualTo(415);
        assertThat(state(id)).isEqualTo("WAITING");

        Response closed = bot.send(bot.request(path).POST(java.net.http.HttpRequest.BodyPublishers.noBody()));

        assertThat(closed.status()).as(closed.text()).isEqualTo(200);
        assertThat(closed.json().path("state").asText()).isEqualTo("BOT");
        awaitDelivered(id);
        assertThat(LIVECHAT.isActive(chat)).isFalse();
        assertThat(texts(chat)).containsExactly("hi");
    }

    @Test
    void aFileForAConversationNotInAHandoffIsAnswered404Or409BeforeTheFileIsLookedAt() {
        String refusedUrl = "file:///etc/passwd";
        String fileUrl = BOT.serveFile("big.png", new byte[] {1});
        String id = newConversationId();

        assertThat(sendFile(id, refusedUrl, null).status()).isEqualTo(404);
        assertThat(sendFile(id, fileUrl, 1L << 40).status()).isEqualTo(404);
        startHandoff(id, Map.of("firstMessage", "hi"));
        assertThat(bot.post("/api/v1/conversations/" + id + "/close", "").status()).isEqualTo(200);
        assertThat(sendFile(id, refusedUrl, null).status()).isEqualTo(409);
        assertThat(sendFile(id, fileUrl, 1L << 40).status()).isEqualTo(409);
    }

    Response sendFile(String id, String url, Long size) {
        Map<String, Object> file = new java.util.HashMap<>(Map.of("url", url));
        if (size != null) {
            file.put("size", size);
        }
        return bot.post("/api/v1/conversations/" + id + "/messages",
                GatewayClient.json(Map.of("messageId", UUID.randomUUID().toString(), "file", file)));
    }

    @Test
    void aWebhookWithAWrongSecretIsRefusedAndChangesNothing() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));
        LIVECHAT.webhookTarget("http://127.0.0.1:" + port + "/webhooks/livechat", "not-the-secret");

        assertThat(LIVECHAT.agentCloses(chat, AGENT)).isEqualTo(401);

        assertThat(state(id)).isEqualTo("WAITING");
        assertThat(bot.events(id, 0)).isEmpty();
        Response notJson = bot.send(bot.request("/webhooks/livechat").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("nope")));
        assertThat(notJson.status()).isEqualTo(400);
        for (String notAnEnvelope : List.of("{}", "[]", "{\"secret_key\":\"" + WEBHOOK_SECRET + "\",\"action\":\"incoming_event\"}")) {
            Response refused = bot.send(bot.request("/webhooks/livechat").header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(notAnEnvelope)));
            assertThat(refused.status()).as(notAnEnvelope).isEqualTo(400);
            assertThat(refused.contentType()).as(notAnEnvelope).contains("application/problem+json");
        }
        Response huge = bot.send(bot.request("/webhooks/livechat").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"pad\":\"" + "x".repeat(1_100_000) + "\"}")));
        assertThat(huge.status()).isEqualTo(413);
    }

    @Test
    void aChatLiveChatClosedMeanwhileHandsTheConversationBack() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));
        LIVECHAT.webhookTarget(null, null); // the close notification is lost
        LIVECHAT.agentCloses(chat, AGENT);

        Response answer = bot.say(id, "late", "are you there?");

        assertThat(answer.status()).isEqualTo(202); // stored; the queue finds the chat ended
        awaitDelivered(id);
        assertThat(state(id)).isEqualTo("BOT");
        List<JsonNode> events = bot.events(id, 0);
        assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("messageUndelivered", "livechatFinished");
        assertThat(events.get(0).path("messageId").asText()).isEqualTo("late");
        assertThat(events.get(0).path("reason").asText()).isEqualTo("chatEnded");
        assertThat(events.get(1).path("reason").asText()).isEqualTo("inactivity");
        assertThat(bot.say(id, "later", "hello?").status()).isEqualTo(409);
    }

    @Test
    void aCloseHeldUpByAnOutageDoesNotEndTheNextHandoffIntoTheSameChat() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));
        LIVECHAT.failNext("deactivate_chat", 8, 500, "internal"); // two attempts of the close, with their redeliveries
        assertThat(bot.post("/api/v1/conversations/" + id + "/close", "").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.heads(id, 1).stream().anyMatch(item -> item.attempts() >= 1));

        // LiveChat keeps one chat per customer: the next handoff goes on in the chat the close has not reached yet
        assertThat(startHandoff(id, Map.of("firstMessage", "me again"))).isEqualTo(chat);
        assertThat(bot.say(id, "again-1", "still there?").status()).isEqualTo(202);

        awaitDelivered(id);
        assertThat(LIVECHAT.isActive(chat)).isTrue();
        assertThat(state(id)).isEqualTo("WAITING");
        assertThat(texts(chat)).containsSubsequence("me again", "still there?");
        assertThat(bot.events(id, 0)).extracting(e -> e.path("type").asText()).containsExactly("livechatFinished");
    }

    @Test
    void aPullReturnsAtMostAHundredEventsWithUtcTimes() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));
        IntStream.rangeClosed(1, 105).forEach(i -> assertThat(LIVECHAT.agentSays(chat, AGENT, "answer " + i)).isEqualTo(200));

        List<JsonNode> first = bot.events(id, 0);
        assertThat(first).extracting(e -> e.path("seq").asLong())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 100).mapToObj(Long::valueOf).toList());
        assertThat(bot.events(id, 100)).extracting(e -> e.path("seq").asLong()).containsExactly(101L, 102L, 103L, 104L, 105L, 106L);
        for (JsonNode event : first) {
            String at = event.path("at").asText();
            assertThat(at).endsWith("Z"); // ISO-8601, UTC
            assertThat(java.time.Instant.parse(at)).isBetween(java.time.Instant.now().minusSeconds(300), java.time.Instant.now());
        }
    }

    @Test
    void whatTheOperatorDoesWhileAReturningClientsChatResumesIsDeliveredAgainAndKept() throws Exception {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));
        assertThat(LIVECHAT.agentCloses(chat, AGENT)).isEqualTo(200);
        assertThat(state(id)).isEqualTo("BOT");
        LIVECHAT.delayNext("resume_chat", 1, Duration.ofSeconds(2)); // LiveChat resumes the chat, its answer comes late

        java.util.concurrent.CompletableFuture<String> again =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> startHandoff(id, Map.of("firstMessage", "me again")));
        await().atMost(Duration.ofSeconds(5)).until(() -> LIVECHAT.isActive(chat));
        // the operator is quicker than the answer: the gateway cannot take it yet, and keeps nothing of it
        assertThat(LIVECHAT.agentJoins(chat, AGENT, "Anna")).as(() -> String.valueOf(LIVECHAT.webhooksSent())).isEqualTo(503);
        assertThat(again.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(chat);

        assertThat(LIVECHAT.resendLastWebhook()).isEqualTo(200); // LiveChat delivers it again
        assertThat(bot.events(id, 0)).extracting(e -> e.path("type").asText()).containsExactly("livechatFinished", "operatorJoined");
        assertThat(state(id)).isEqualTo("OPERATOR");
    }

    @Test
    void anOperatorWhoTakesAFirstChatBeforeStartChatsAnswerIsDeliveredAgainAndKept() throws Exception {
        // ignoreOffline: no availability ask, so the customer is granted within the start call itself
        for (Map<String, Object> switchData : List.of(Map.<String, Object>of("firstMessage", "hi"),
                Map.<String, Object>of("firstMessage", "hi", "ignoreOffline", true))) {
            String id = newConversationId();
            String before = LIVECHAT.newestChat().orElse(null);
            LIVECHAT.delayNext("start_chat", 1, Duration.ofSeconds(2)); // LiveChat opens the chat, its answer comes late

            java.util.concurrent.CompletableFuture<String> handoff =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> startHandoff(id, switchData));
            await().atMost(Duration.ofSeconds(5)).until(() -> !LIVECHAT.newestChat().equals(java.util.Optional.ofNullable(before)));
            String chat = LIVECHAT.newestChat().orElseThrow();
            // the operator is quicker than the answer: the gateway does not know the chat yet, but knows its customer
            assertThat(LIVECHAT.agentJoins(chat, AGENT, "Anna")).as(switchData.toString()).isEqualTo(503);
            assertThat(handoff.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(chat);

            assertThat(LIVECHAT.resendLastWebhook()).isEqualTo(200); // LiveChat delivers it again
            assertThat(bot.events(id, 0)).extracting(e -> e.path("type").asText()).containsExactly("operatorJoined");
            assertThat(state(id)).isEqualTo("OPERATOR");
        }
    }

    @Test
    void whatLiveChatTookWithItsAnswerLostIsNotSentTwice() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));
        LIVECHAT.loseAnswerNext("send_event", 1); // LiveChat has the message; the gateway sees a dropped connection

        assertThat(bot.say(id, "lost-answer", "my order is 98765").status()).isEqualTo(202);
        awaitDelivered(id);
        assertThat(bot.say(id, "next", "and it is late").status()).isEqualTo(202);
        awaitDelivered(id);

        assertThat(texts(chat)).containsExactly("hi", "my order is 98765", "and it is late");
        assertThat(LIVECHAT.count("get_chat")).isEqualTo(1); // only the retry looks first
        assertThat(bot.events(id, 0)).isEmpty();

        // the close's last words likewise
        LIVECHAT.loseAnswerNext("send_event", 1);
        Response closed = bot.post("/api/v1/conversations/" + id + "/close", GatewayClient.json(Map.of("text", "Thanks, bye")));
        assertThat(closed.status()).as(closed.text()).isEqualTo(200);
        awaitDelivered(id);
        assertThat(texts(chat)).containsExactly("hi", "my order is 98765", "and it is late", "Thanks, bye");
        assertThat(LIVECHAT.isActive(chat)).isFalse();
    }

    /**
     * Cyrillic words, {@code length} characters: two bytes a letter in UTF-8, so 16,000 characters are about twice
     * what one LiveChat event takes.
     */
    static String cyrillicWords(int length) {
        String sentence = "Здравствуйте, мой заказ номер 98765 так и не пришёл, помогите разобраться пожалуйста. ";
        return sentence.repeat(length / sentence.length() + 1).substring(0, length);
    }

    /** The texts of LiveChat events, in order: several, each within what one event takes, joined {@code whole}. */
    static void assertPiecesOf(String whole, List<String> pieces) {
        assertThat(pieces).hasSizeGreaterThan(1).allSatisfy(piece ->
                assertThat(piece.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(FakeLiveChat.MAX_MESSAGE_TEXT_BYTES));
        assertThat(String.join("", pieces)).isEqualTo(whole);
    }

    static List<String> eventTexts(List<JsonNode> sendEvents) {
        return sendEvents.stream().map(body -> body.path("event").path("text").asText()).toList();
    }

    static List<String> customIds(List<JsonNode> sendEvents) {
        return sendEvents.stream().map(body -> body.path("event").path("custom_id").asText()).toList();
    }

    @Test
    void aClientTextLongerThanOneEventTakesReachesLiveChatInPiecesInOrder() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));
        String text = cyrillicWords(16_000);

        assertThat(bot.say(id, "long", text).status()).isEqualTo(202);
        awaitDelivered(id);

        List<JsonNode> sent = LIVECHAT.bodies("send_event"); // the fake refuses a text over 16,000 bytes, unrecorded
        assertPiecesOf(text, eventTexts(sent));
        assertThat(customIds(sent).get(0)).isEqualTo("long");
        assertThat(customIds(sent).subList(1, sent.size())).allMatch(customId -> customId.startsWith("long#"));
        assertThat(texts(chat)).containsExactlyElementsOf(Stream.concat(Stream.of("hi"), eventTexts(sent).stream()).toList());
        assertThat(bot.events(id, 0)).isEmpty(); // no messageUndelivered
    }

    @Test
    void aLongFirstMessageAndLongLastWordsGoInPiecesToo() {
        String id = newConversationId();
        String firstMessage = cyrillicWords(16_000);
        String chat = startHandoff(id, Map.of("firstMessage", firstMessage));
        List<JsonNode> initial = new ArrayList<>();
        LIVECHAT.bodies("start_chat").get(0).path("chat").path("thread").path("events").forEach(initial::add);
        assertPiecesOf(firstMessage, initial.stream().map(event -> event.path("text").asText()).toList());

        String lastWords = "\uD83D\uDE42".repeat(8_000); // an emoji, 16,000 characters: 32,000 bytes, no space to cut at
        Response closed = bot.post("/api/v1/conversations/" + id + "/close", GatewayClient.json(Map.of("text", lastWords)));
        assertThat(closed.status()).as(closed.text()).isEqualTo(200);
        awaitDelivered(id);

        List<JsonNode> sent = LIVECHAT.bodies("send_event");
        assertPiecesOf(lastWords, eventTexts(sent));
        assertThat(customIds(sent)).containsExactly("close:" + chat, "close:" + chat + "#2");
        assertThat(LIVECHAT.isActive(chat)).isFalse();
    }

    @Test
    void aLongTextTriedAgainAfterALostAnswerSendsOnlyThePiecesLiveChatLacks() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));
        String text = cyrillicWords(16_000);
        LIVECHAT.loseAnswerNext("send_event", 1); // LiveChat has the first piece; the gateway sees a dropped connection

        assertThat(bot.say(id, "lost-piece", text).status()).isEqualTo(202);
        awaitDelivered(id);

        List<JsonNode> sent = LIVECHAT.bodies("send_event");
        assertPiecesOf(text, eventTexts(sent)); // each piece once: the first is not sent again, none is left out
        assertThat(customIds(sent)).doesNotHaveDuplicates().startsWith("lost-piece");
        assertThat(LIVECHAT.count("get_chat")).isEqualTo(1);
        assertThat(String.join("", texts(chat).subList(1, texts(chat).size()))).isEqualTo(text);
        assertThat(bot.events(id, 0)).isEmpty();
    }

    @Test
    void aChatClosedMeanwhileIsHandledEvenWithATokenToGrantFirst() {
        String message = newConversationId();
        String closing = newConversationId();
        String messageChat = startHandoff(message, Map.of("firstMessage", "hi"));
        String closingChat = startHandoff(closing, Map.of("firstMessage", "hi"));
        LIVECHAT.webhookTarget(null, null); // the close notifications are lost
        LIVECHAT.agentCloses(messageChat, AGENT);
        LIVECHAT.agentCloses(closingChat, AGENT);
        tokens.dropAll(); // as after a restart: the next calls grant tokens first

        assertThat(bot.say(message, "late", "are you there?").status()).isEqualTo(202);
        Response closed = bot.post("/api/v1/conversations/" + closing + "/close", "");
        assertThat(closed.status()).as(closed.text()).isEqualTo(200);
        awaitDelivered(message);
        awaitDelivered(closing);
        assertThat(bot.events(message, 0)).extracting(e -> e.path("type").asText()).containsExactly("messageUndelivered", "livechatFinished");
        assertThat(state(message)).isEqualTo("BOT");
        assertThat(state(closing)).isEqualTo("BOT");
    }

    @Test
    void percentEncodedConversationIdsAreTheSameConversation() {
        String id = "shop:" + UUID.randomUUID() + "@example.com";
        startHandoff(id, Map.of("firstMessage", "hi"));
        String encoded = id.replace(":", "%3A").replace("@", "%40");

        assertThat(bot.get("/api/v1/conversations/" + encoded).json().path("state").asText()).isEqualTo("WAITING");
        assertThat(bot.say(encoded, "e1", "encoded").status()).isEqualTo(202);
        assertThat(bot.get("/api/v1/conversations/" + encoded + "/events").status()).isEqualTo(200);
        assertThat(bot.post("/api/v1/conversations/" + encoded + "/close", "").status()).isEqualTo(200);
    }

    @Test
    void aCallbackDownForAWhileLosesNothingAndKeepsTheOrder() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));
        String other = newConversationId();
        String otherChat = startHandoff(other, Map.of("firstMessage", "hi"));
        BOT.failFor(id, 503);

        IntStream.rangeClosed(1, 5).forEach(i -> LIVECHAT.agentSays(chat, AGENT, "answer " + i));
        LIVECHAT.agentSays(otherChat, AGENT, "for the other one");

        // the failing conversation does not hold up the other one
        await().atMost(Duration.ofSeconds(10)).until(() -> pushedTypes(other).contains("operatorMessage"));
        await().atMost(Duration.ofSeconds(10)).until(() -> BOT.attempts() > 4);
        assertThat(BOT.eventsOf(id)).isEmpty();
        assertThat(bot.events(id, 0)).hasSize(6); // pullable all along

        BOT.failFor(id, 0);
        await().atMost(Duration.ofSeconds(15)).until(() -> BOT.eventsOf(id).size() == 6);
        assertThat(BOT.eventsOf(id)).extracting(e -> e.path("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(BOT.eventsOf(id).subList(1, 6)).extracting(e -> e.path("text").asText())
                .containsExactly("answer 1", "answer 2", "answer 3", "answer 4", "answer 5");
    }

    @Test
    void fiftyConversationsAtOnceKeepEachOnesOrder() throws Exception {
        int conversations = 50;
        int messages = 5;
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<Future<String>> chats = new ArrayList<>();
        List<String> ids = IntStream.range(0, conversations).mapToObj(i -> newConversationId()).toList();
        for (String id : ids) {
            chats.add(clients.submit(() -> {
                String chat = startHandoff(id, Map.of("firstMessage", "start"));
                for (int m = 1; m <= messages; m++) {
                    assertThat(bot.say(id, "m" + m, id + " #" + m).status()).isEqualTo(202);
                }
                return chat;
            }));
        }
        for (int i = 0; i < conversations; i++) {
            String id = ids.get(i);
            chats.get(i).get();
            awaitDelivered(id);
            List<String> expected = new ArrayList<>(List.of("start"));
            IntStream.rangeClosed(1, messages).forEach(m -> expected.add(id + " #" + m));
            assertThat(texts(chats.get(i).get())).containsExactlyElementsOf(expected);
        }
        clients.shutdown();
    }

    @Test
    void deliveryWorkersAreNotCappedByTheHttpConnectionPool() {
        // more conversations than the 20 connections per host camel-http keeps by default, fewer than the 32 workers
        List<String> ids = IntStream.range(0, 30).mapToObj(i -> newConversationId()).toList();
        List<String> chats = ids.stream().map(id -> startHandoff(id, Map.of())).toList();
        LIVECHAT.delayNext("send_event", ids.size(), Duration.ofMillis(1500));

        for (String id : ids) {
            assertThat(bot.say(id, "m1", "hello from " + id).status()).isEqualTo(202);
        }
        ids.forEach(this::awaitDelivered);

        assertThat(LIVECHAT.mostAtOnce("send_event")).isGreaterThan(20);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(texts(chats.get(i))).containsExactly("hello from " + ids.get(i));
        }
    }
}
