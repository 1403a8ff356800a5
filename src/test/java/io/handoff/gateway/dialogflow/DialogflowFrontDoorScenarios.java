package io.handoff.gateway.dialogflow;

import static io.handoff.gateway.fakes.FakeDialogflow.actionHandoff;
import static io.handoff.gateway.fakes.FakeDialogflow.liveAgentHandoff;
import static io.handoff.gateway.fakes.FakeDialogflow.payloadHandoff;
import static io.handoff.gateway.fakes.FakeDialogflow.say;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.fakes.FakeDialogflow;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.GatewayClient;

/**
 * The Dialogflow front door (gateway-api.md §7) over real HTTP: the channel posts end-user messages, a fake Dialogflow
 * that checks what Google checks (a real JWT-bearer grant, resource paths, session ids, the 256-character limit, each
 * edition's request shape) answers, and handoffs reach a fake LiveChat.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class DialogflowFrontDoorScenarios {

    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    static final FakeDialogflow DIALOGFLOW = FakeDialogflow.start();
    static final String AGENT_ID = "0b6c0f4e-1111-2222-3333-444455556666";
    static final String OPERATOR = "anna@example.com";

    static {
        DIALOGFLOW.cxAgent("shop-project", "global", AGENT_ID)
                .onText(List.of("hi", "hello"), say("Hello! How can I help?"))
                .onText(List.of("operator", "human"), say("Connecting you to a person..."),
                        liveAgentHandoff("{\"destination\": \"support\", \"attributes\": {\"topic\": \"order\"},"
                                + " \"closeChatPhrases\": [\"bye operator\"]}"))
                .onText("broken", liveAgentHandoff("{\"destination\": \"nowhere\"}"))
                .onEvent("handoff_ended", say("Welcome back! Anything else?"))
                .onEvent("no_operators_online", say("Nobody is online right now, sorry."))
                .fallback(say("Type \"operator\" to reach a person."));
        DIALOGFLOW.esAgent("faq-project", "europe-west1")
                .onText("hi", say("Hi from ES"))
                .onText("operator", say("Passing you on"), payloadHandoff("{\"destination\": \"support\"}"))
                .onText("human", actionHandoff("{}"))
                .onEvent("handoff_ended", say("ES is back"));
    }

    /** Everything but the database. */
    static void doorProperties(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> "bot-key");
        registry.add("handoff.destinations.support.provider", () -> "livechat");
        registry.add("handoff.default-destination", () -> "support");
        registry.add("handoff.destinations.support.group-ids", () -> "1");
        LIVECHAT.configure(registry, "lc");
        String shop = "handoff.dialogflow.agents.shop.";
        registry.add(shop + "edition", () -> "cx");
        registry.add(shop + "project-id", () -> "shop-project");
        registry.add(shop + "agent-id", () -> AGENT_ID);
        registry.add(shop + "language-code", () -> "en");
        registry.add(shop + "api-url", DIALOGFLOW::apiUrl);
        registry.add(shop + "credentials", DIALOGFLOW::credentialsResource);
        String faq = "handoff.dialogflow.agents.faq.";
        registry.add(faq + "edition", () -> "es");
        registry.add(faq + "project-id", () -> "faq-project");
        registry.add(faq + "location", () -> "europe-west1");
        registry.add(faq + "language-code", () -> "en");
        registry.add(faq + "api-url", DIALOGFLOW::apiUrl);
        registry.add(faq + "credentials", DIALOGFLOW::credentialsResource);
        registry.add(faq + "destination", () -> "support");
        registry.add("handoff.retry.initial-delay", () -> "10");
        // resumes retried quickly here: 3 tries, 100 ms apart
        registry.add("handoff.dialogflow.resume-retry.initial-delay", () -> "100ms");
        registry.add("handoff.dialogflow.resume-retry.max-delay", () -> "100ms");
        registry.add("handoff.dialogflow.resume-retry.max-attempts", () -> "3");
        registry.add("handoff.dialogflow.resume-poll-interval", () -> "100ms");
    }

    @LocalServerPort
    int port;
    GatewayClient gateway;

    @BeforeEach
    void setUp() {
        gateway = new GatewayClient(port, "bot-key");
        LIVECHAT.reset();
        LIVECHAT.groupStatus(1, "online");
        LIVECHAT.webhookTarget("http://127.0.0.1:" + port + "/webhooks/livechat", "lc");
        DIALOGFLOW.reset();
    }

    GatewayClient.Response post(String agent, String conversationId, String text) {
        return send(agent, conversationId, Map.of("messageId", UUID.randomUUID().toString(), "text", text));
    }

    GatewayClient.Response send(String agent, String conversationId, Map<String, Object> body) {
        return gateway.post("/api/v1/dialogflow/" + agent + "/conversations/" + conversationId + "/messages",
                GatewayClient.json(body));
    }

    List<JsonNode> events(String conversationId) {
        JsonNode events = gateway.get("/api/v1/conversations/" + conversationId + "/events").json().path("events");
        return events.isArray() ? List.copyOf(iterable(events)) : List.of();
    }

    static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> nodes = new java.util.ArrayList<>();
        array.forEach(nodes::add);
        return nodes;
    }

    static List<String> texts(GatewayClient.Response answer) {
        return iterable(answer.json().path("replies")).stream().map(r -> r.path("text").asText()).toList();
    }

    String chatOf(String conversationId) {
        return gateway.get("/api/v1/conversations/" + conversationId).json().path("providerChatId").asText();
    }

    @Test
    void cxGreetingHandoffOperatorChatAndTheBotWelcomesBackAfterTheOperatorCloses() {
        String id = "cx-" + UUID.randomUUID();

        GatewayClient.Response hello = post("shop", id, "hi");
        assertThat(hello.status()).isEqualTo(200);
        assertThat(hello.json().path("state").asText()).isEqualTo("BOT");
        assertThat(texts(hello)).containsExactly("Hello! How can I help?");

        GatewayClient.Response handoff = post("shop", id, "I want an operator please");
        assertThat(handoff.status()).isEqualTo(200);
        assertThat(handoff.json().path("state").asText()).isEqualTo("WAITING");
        assertThat(texts(handoff)).containsExactly("Connecting you to a person...");
        assertThat(handoff.json().path("handoff").path("destination").asText()).isEqualTo("support");
        assertThat(handoff.json().path("handoff").path("provider").asText()).isEqualTo("livechat");
        String chat = handoff.json().path("handoff").path("providerChatId").asText();
        assertThat(chat).isNotBlank();
        // the kept transcript reached the operator (the door's default: sendMessagesToOperator is set nowhere)
        assertThat(LIVECHAT.eventsOf(chat)).extracting(e -> e.path("text").asText())
                .containsExactly("hi", "Bot: Hello! How can I help?", "I want an operator please");
        assertThat(LIVECHAT.customer(LIVECHAT.entityIdOfChat(chat)).orElseThrow().toString())
                .contains("topic").contains("order"); // the metadata's attributes

        // during the handoff: the path of POST /conversations/{id}/messages, Dialogflow is not asked
        int asked = DIALOGFLOW.detectIntentCalls().size();
        GatewayClient.Response toOperator = post("shop", id, "my order 42 is late");
        assertThat(toOperator.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> LIVECHAT.eventsOf(chat).stream()
                .anyMatch(e -> e.path("text").asText().equals("my order 42 is late")));
        assertThat(DIALOGFLOW.detectIntentCalls()).hasSize(asked);

        LIVECHAT.agentJoins(chat, OPERATOR, "Anna");
        LIVECHAT.agentSays(chat, OPERATOR, "Let me check");
        LIVECHAT.agentCloses(chat, OPERATOR);

        await().atMost(Duration.ofSeconds(15)).until(() -> events(id).stream().anyMatch(e -> e.path("type").asText().equals("botMessage")));
        List<String> types = events(id).stream().map(e -> e.path("type").asText()).toList();
        assertThat(types).containsSubsequence("operatorJoined", "operatorMessage", "livechatFinished", "botMessage");
        JsonNode bot = events(id).stream().filter(e -> e.path("type").asText().equals("botMessage")).findFirst().orElseThrow();
        assertThat(bot.path("replies").get(0).path("text").asText()).isEqualTo("Welcome back! Anything else?");
        FakeDialogflow.DetectIntentCall resume = last(DIALOGFLOW.detectIntentCalls());
        assertThat(resume.event()).isEqualTo("handoff_ended");
        assertThat(resume.body().path("queryParams").path("sessionTtl").asText()).isEqualTo("86400s");
        assertThat(resume.body().path("queryParams").path("parameters").path("reason").asText()).isEqualTo("operatorClosed");
        assertThat(types.stream().filter("botMessage"::equals)).hasSize(1);

        // the bot owns the conversation again
        GatewayClient.Response again = post("shop", id, "hello");
        assertThat(again.json().path("state").asText()).isEqualTo("BOT");
        assertThat(texts(again)).containsExactly("Hello! How can I help?");
    }

    @Test
    void aClosePhraseEndsTheHandoffAndTheBotResumes() {
        String id = "phrase-" + UUID.randomUUID();
        String chat = post("shop", id, "human").json().path("handoff").path("providerChatId").asText();

        GatewayClient.Response closed = post("shop", id, "bye operator");
        assertThat(closed.status()).isEqualTo(200);
        assertThat(closed.json().path("closed").asBoolean()).isTrue();

        await().atMost(Duration.ofSeconds(15)).until(() -> events(id).stream().anyMatch(e -> e.path("type").asText().equals("botMessage")));
        JsonNode finished = events(id).stream().filter(e -> e.path("type").asText().equals("livechatFinished")).findFirst().orElseThrow();
        assertThat(finished.path("reason").asText()).isEqualTo("clientClosed");
        assertThat(last(DIALOGFLOW.detectIntentCalls()).body().path("queryParams").path("parameters").path("reason").asText())
                .isEqualTo("clientClosed");
        assertThat(chat).isNotBlank();
    }

    @Test
    void esPayloadHandoffOnARegionalAgent() {
        String id = "es-" + UUID.randomUUID();
        assertThat(texts(post("faq", id, "hi"))).containsExactly("Hi from ES");
        GatewayClient.Response handoff = post("faq", id, "operator");
        assertThat(handoff.json().path("state").asText()).isEqualTo("WAITING");
        assertThat(texts(handoff)).containsExactly("Passing you on"); // the handoff payload is a signal, not a reply
        FakeDialogflow.DetectIntentCall call = last(DIALOGFLOW.detectIntentCalls());
        assertThat(call.edition()).isEqualTo(FakeDialogflow.Edition.ES);
        assertThat(call.path()).startsWith("/v2/projects/faq-project/locations/europe-west1/agent/sessions/");
        assertThat(call.body().path("queryInput").path("text").path("languageCode").asText()).isEqualTo("en");
    }

    @Test
    void esActionHandoffUsesTheAgentsDestination() {
        String id = "action-" + UUID.randomUUID();
        GatewayClient.Response handoff = post("faq", id, "human");
        assertThat(handoff.status()).isEqualTo(200);
        assertThat(handoff.json().path("state").asText()).isEqualTo("WAITING");
        assertThat(handoff.json().path("handoff").path("destination").asText()).isEqualTo("support");
        assertThat(handoff.json().path("replies")).isEmpty();
    }

    @Test
    void nobodyOnlineTellsTheAgentAndTheBotKeepsTheConversation() {
        LIVECHAT.groupStatus(1, "offline");
        String id = "offline-" + UUID.randomUUID();
        GatewayClient.Response answer = post("shop", id, "operator");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("state").asText()).isEqualTo("BOT");
        assertThat(answer.json().path("handoff").path("failed").asText()).isEqualTo("noLivechatOperatorsOnline");
        assertThat(texts(answer)).containsExactly("Connecting you to a person...", "Nobody is online right now, sorry.");
        assertThat(last(DIALOGFLOW.detectIntentCalls()).event()).isEqualTo("no_operators_online");
        assertThat(events(id)).extracting(e -> e.path("type").asText()).containsExactly("noLivechatOperatorsOnline");
    }

    @Test
    void aFailedOfflineEventKeepsTheSwitchAndARepeatGetsTheSameAnswer() {
        LIVECHAT.groupStatus(1, "offline");
        DIALOGFLOW.failNextEvent("no_operators_online", 5, 500);
        String id = "offline-fails-" + UUID.randomUUID();
        Map<String, Object> message = Map.of("messageId", "m-1", "text", "operator");

        GatewayClient.Response answer = send("shop", id, message);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().path("state").asText()).isEqualTo("BOT");
        assertThat(answer.json().path("handoff").path("failed").asText()).isEqualTo("noLivechatOperatorsOnline");
        assertThat(answer.json().path("handoff").path("offlineEvent").asText()).isEqualTo("failed");
        assertThat(texts(answer)).containsExactly("Connecting you to a person...");
        int asked = DIALOGFLOW.count(FakeDialogflow.DETECT_INTENT);
        assertThat(asked).isEqualTo(2); // the text, the offline event (a 500 is not repeated while the channel waits)

        GatewayClient.Response repeat = send("shop", id, message);
        assertThat(repeat.status()).isEqualTo(200);
        assertThat(repeat.json()).isEqualTo(answer.json());
        assertThat(DIALOGFLOW.count(FakeDialogflow.DETECT_INTENT)).isEqualTo(asked);
        assertThat(events(id)).extracting(e -> e.path("type").asText()).containsExactly("noLivechatOperatorsOnline");

        // the transcript holds the message once: the next handoff's history shows it
        LIVECHAT.groupStatus(1, "online");
        String chat = post("shop", id, "operator").json().path("handoff").path("providerChatId").asText();
        assertThat(LIVECHAT.eventsOf(chat)).extracting(e -> e.path("text").asText())
                .containsExactly("operator", "Bot: Connecting you to a person...", "operator");
    }

    @Test
    void aSwitchThatFailedAndIsSentAgainHasTheMessageOnceInTheTranscript() {
        String id = "switch-fails-" + UUID.randomUUID();
        Map<String, Object> message = Map.of("messageId", "m-1", "text", "operator");
        LIVECHAT.failNext("start_chat", 4, 500, "internal"); // the first try and handoff.retry's 3: the switch fails

        assertThat(send("shop", id, message).status()).isEqualTo(502);
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(4);

        // LiveChat works again; the channel sends the message again
        GatewayClient.Response again = send("shop", id, message);
        assertThat(again.status()).as(again.text()).isEqualTo(200);
        String chat = again.json().path("handoff").path("providerChatId").asText();
        // nothing came before this message: no history, the message itself once
        assertThat(LIVECHAT.eventsOf(chat)).extracting(e -> e.path("text").asText()).containsExactly("operator");
    }

    @Test
    void aResumeEventAnswered500IsRetriedAndTheBotSpeaks() {
        String id = "resume-500-" + UUID.randomUUID();
        int asked = handOffAndClose(id, 500, 1);

        await().atMost(Duration.ofSeconds(15)).until(() -> events(id).stream()
                .anyMatch(e -> e.path("type").asText().equals("botMessage")));
        assertThat(DIALOGFLOW.count(FakeDialogflow.DETECT_INTENT) - asked).isEqualTo(2);
        assertThat(last(DIALOGFLOW.detectIntentCalls()).event()).isEqualTo("handoff_ended");
    }

    @Test
    void aResumeEventAnswered404IsGivenUpAtOnce() throws InterruptedException {
        String id = "resume-404-" + UUID.randomUUID();
        int asked = handOffAndClose(id, 404, 5);

        await().atMost(Duration.ofSeconds(15)).until(() -> DIALOGFLOW.count(FakeDialogflow.DETECT_INTENT) > asked);
        Thread.sleep(1_000); // ten sweeps and backoffs of 100 ms: no second try
        assertThat(DIALOGFLOW.count(FakeDialogflow.DETECT_INTENT) - asked).isEqualTo(1);
        assertThat(events(id)).extracting(e -> e.path("type").asText()).doesNotContain("botMessage");
    }

    @Test
    void aResumeEventFailingForGoodIsGivenUpAfterTheMaximumTries() throws InterruptedException {
        String id = "resume-down-" + UUID.randomUUID();
        int asked = handOffAndClose(id, 500, 10);

        await().atMost(Duration.ofSeconds(15)).until(() -> DIALOGFLOW.count(FakeDialogflow.DETECT_INTENT) - asked >= 3);
        Thread.sleep(1_000);
        assertThat(DIALOGFLOW.count(FakeDialogflow.DETECT_INTENT) - asked).isEqualTo(3); // max-attempts
        assertThat(events(id)).extracting(e -> e.path("type").asText()).doesNotContain("botMessage");
        DIALOGFLOW.reset();
        GatewayClient.Response next = post("shop", id, "hello"); // the bot answers the next message as usual
        assertThat(next.json().path("state").asText()).isEqualTo("BOT");
        assertThat(texts(next)).containsExactly("Hello! How can I help?");
    }

    @Test
    void aResumeEventThatHangsDoesNotHoldUpAnotherConversationsResume() {
        String slow = "resume-slow-" + UUID.randomUUID();
        String quick = "resume-quick-" + UUID.randomUUID();
        String slowChat = post("shop", slow, "human").json().path("handoff").path("providerChatId").asText();
        String quickChat = post("shop", quick, "human").json().path("handoff").path("providerChatId").asText();
        int asked = DIALOGFLOW.count(FakeDialogflow.DETECT_INTENT);
        DIALOGFLOW.delayNext(FakeDialogflow.DETECT_INTENT, 1, Duration.ofSeconds(5));

        LIVECHAT.agentCloses(slowChat, OPERATOR);
        await().atMost(Duration.ofSeconds(5)).until(() -> DIALOGFLOW.count(FakeDialogflow.DETECT_INTENT) > asked);
        LIVECHAT.agentCloses(quickChat, OPERATOR);

        await().atMost(Duration.ofSeconds(3)).until(() -> events(quick).stream()
                .anyMatch(e -> e.path("type").asText().equals("botMessage")));
        assertThat(events(slow)).extracting(e -> e.path("type").asText()).doesNotContain("botMessage"); // still waiting
        await().atMost(Duration.ofSeconds(15)).until(() -> events(slow).stream()
                .anyMatch(e -> e.path("type").asText().equals("botMessage")));
    }

    @Test
    void thirtyChannelsTalkToTheAgentAtOnceBeyondTheHttpClientsDefaultTwentyConnections() {
        DIALOGFLOW.delayNext(FakeDialogflow.DETECT_INTENT, 30, Duration.ofMillis(1500));
        ExecutorService channels = Executors.newFixedThreadPool(30);
        try {
            List<CompletableFuture<GatewayClient.Response>> turns = IntStream.range(0, 30).mapToObj(i -> CompletableFuture
                    .supplyAsync(() -> post("shop", "many-" + UUID.randomUUID(), "hi"), channels)).toList();

            assertThat(turns).allSatisfy(turn -> assertThat(turn.join().status()).isEqualTo(200));
            assertThat(DIALOGFLOW.mostAtOnce(FakeDialogflow.DETECT_INTENT)).isGreaterThan(20);
        } finally {
            channels.shutdown();
        }
    }

    /** A handoff the operator ends, its resume event answered {@code status} {@code times}; the calls made before it. */
    int handOffAndClose(String id, int status, int times) {
        String chat = post("shop", id, "human").json().path("handoff").path("providerChatId").asText();
        int asked = DIALOGFLOW.count(FakeDialogflow.DETECT_INTENT);
        DIALOGFLOW.failNextEvent("handoff_ended", times, status);
        LIVECHAT.agentJoins(chat, OPERATOR, "Anna");
        LIVECHAT.agentCloses(chat, OPERATOR);
        return asked;
    }

    @Test
    void aRepeatedMessageIdGetsTheFirstAnswerWithoutAskingDialogflowAgain() {
        String id = "repeat-" + UUID.randomUUID();
        Map<String, Object> message = Map.of("messageId", "m-1", "text", "hi");
        GatewayClient.Response first = send("shop", id, message);
        int asked = DIALOGFLOW.detectIntentCalls().size();
        GatewayClient.Response repeat = send("shop", id, message);

        assertThat(repeat.status()).isEqualTo(200);
        assertThat(repeat.json()).isEqualTo(first.json());
        assertThat(DIALOGFLOW.detectIntentCalls()).hasSize(asked);
    }

    @Test
    void aLongConversationIdGetsAStableDigestSession() {
        String id = "customer:" + "x".repeat(60) + "@" + UUID.randomUUID();
        post("shop", id, "hi");
        post("shop", id, "something else");
        List<FakeDialogflow.DetectIntentCall> calls = DIALOGFLOW.detectIntentCalls();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).sessionId()).isEqualTo(DialogflowSessions.sessionId(id)).startsWith("h-").hasSizeLessThanOrEqualTo(36);
        assertThat(calls.get(1).sessionId()).isEqualTo(calls.get(0).sessionId());
    }

    @Test
    void aLongTextIsCutForDialogflowAndKeptWholeForTheOperator() {
        String id = "long-" + UUID.randomUUID();
        String longText = "operator " + "a".repeat(400);
        GatewayClient.Response answer = post("shop", id, longText);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(last(DIALOGFLOW.detectIntentCalls()).text()).hasSize(256);
        String chat = answer.json().path("handoff").path("providerChatId").asText();
        assertThat(LIVECHAT.eventsOf(chat)).extracting(e -> e.path("text").asText()).anySatisfy(t -> assertThat(t).contains(longText));
    }

    @Test
    void dialogflowUnavailableIsRetriedThenAnswered() {
        DIALOGFLOW.failNext(FakeDialogflow.DETECT_INTENT, 1, 503);
        GatewayClient.Response answer = post("shop", "retry-" + UUID.randomUUID(), "hi");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(texts(answer)).containsExactly("Hello! How can I help?");
    }

    @Test
    void dialogflowFailingForGoodIs503AndChangesNothing() {
        DIALOGFLOW.failNext(FakeDialogflow.DETECT_INTENT, 10, 503);
        String id = "down-" + UUID.randomUUID();
        GatewayClient.Response answer = post("shop", id, "hi");
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().path("type").asText()).isEqualTo("urn:handoff:problem:dialogflow-unavailable");
        assertThat(answer.text()).doesNotContain("Bearer").doesNotContain("PRIVATE");
        DIALOGFLOW.reset();
        assertThat(post("shop", id, "hi").status()).isEqualTo(200);
    }

    @Test
    void aRevokedTokenIsRenewedOnceAndTheCallMadeAgain() {
        String id = "token-" + UUID.randomUUID();
        assertThat(post("shop", id, "hi").status()).isEqualTo(200);
        int grants = DIALOGFLOW.count(FakeDialogflow.TOKEN);
        DIALOGFLOW.expireTokens(); // Dialogflow now answers 401 to the cached token

        GatewayClient.Response answer = post("shop", id, "hello");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(texts(answer)).containsExactly("Hello! How can I help?");
        assertThat(DIALOGFLOW.count(FakeDialogflow.TOKEN)).isEqualTo(grants + 1);
    }

    @Test
    void anErrorAnswerIsNotRetried() {
        DIALOGFLOW.failNext(FakeDialogflow.DETECT_INTENT, 1, 500);
        GatewayClient.Response answer = post("shop", "error-" + UUID.randomUUID(), "hi");
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.json().path("type").asText()).isEqualTo("urn:handoff:problem:dialogflow-error");
        assertThat(DIALOGFLOW.detectIntentCalls()).isEmpty(); // the failed call is the only one
    }

    @Test
    void metadataTheGatewayRefusesIsTheAgentsFault() {
        GatewayClient.Response answer = post("shop", "broken-" + UUID.randomUUID(), "broken");
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.json().path("detail").asText()).contains("shop").contains("nowhere");
    }

    @Test
    void unknownAgentIs404AndAFileWhileTheBotOwnsTheConversationIs409() {
        assertThat(post("nobody", "c-" + UUID.randomUUID(), "hi").status()).isEqualTo(404);
        GatewayClient.Response file = send("shop", "file-" + UUID.randomUUID(),
                Map.of("messageId", "f-1", "file", Map.of("url", "https://files.example.com/a.pdf")));
        assertThat(file.status()).isEqualTo(409);
        assertThat(file.json().path("type").asText()).isEqualTo("urn:handoff:problem:not-in-handoff");
        assertThat(DIALOGFLOW.detectIntentCalls()).isEmpty();
    }

    @Test
    void aConversationBoundToOneAgentIsRefusedByAnother() {
        String id = "bound-" + UUID.randomUUID();
        post("shop", id, "hi");
        GatewayClient.Response other = post("faq", id, "hi");
        assertThat(other.status()).isEqualTo(409);
    }

    @Test
    void badRequestsAre400AndWithoutAKey401() {
        GatewayClient.Response noId = send("shop", "bad-" + UUID.randomUUID(), Map.of("text", "hi"));
        assertThat(noId.status()).isEqualTo(400);
        GatewayClient.Response anonymous = new GatewayClient(port, null).post(
                "/api/v1/dialogflow/shop/conversations/x/messages", "{\"messageId\":\"1\",\"text\":\"hi\"}");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(DIALOGFLOW.detectIntentCalls()).isEmpty();
    }

    static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }
}
