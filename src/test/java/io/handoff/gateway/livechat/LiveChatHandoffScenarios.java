package io.handoff.gateway.livechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.conversation.ConversationState;
import io.handoff.gateway.conversation.ConversationStore;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.provider.livechat.LiveChatProperties;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;
import io.handoff.gateway.support.TestClock;

/**
 * The backbone's user-visible behaviour, end to end over HTTP on 127.0.0.1: a bot posts switches to
 * the gateway, the gateway talks to a fake LiveChat that checks what the real one checks. Subclasses
 * run it on each database.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
@Import(TestClock.Configuration.class)
abstract class LiveChatHandoffScenarios {

    static final String API_KEY = "test-bot-key";
    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();

    /** LiveChat settings shared by the subclasses: refreshed agent token, organization id learned from the grant. */
    static void liveChatProperties(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> API_KEY);
        registry.add("handoff.destinations.support.provider", () -> "livechat");
        registry.add("handoff.destinations.support.group-ids", () -> "1");
        registry.add("handoff.destinations.billing.provider", () -> "livechat");
        registry.add("handoff.destinations.billing.group-ids", () -> "2,3");
        registry.add("handoff.destinations.legacy.provider", () -> "zendesk");
        registry.add("handoff.destinations.legacy.group-ids", () -> "9");
        registry.add("handoff.planned-providers", () -> "zendesk"); // not built: its destination answers 501
        registry.add("handoff.default-destination", () -> "support");
        registry.add("handoff.livechat.api-url", LIVECHAT::apiUrl);
        registry.add("handoff.livechat.accounts-url", LIVECHAT::accountsUrl);
        registry.add("handoff.livechat.client-id", () -> FakeLiveChat.CLIENT_ID);
        registry.add("handoff.livechat.refresh-token", () -> FakeLiveChat.REFRESH_TOKEN);
        registry.add("handoff.livechat.client-secret", () -> FakeLiveChat.CLIENT_SECRET);
        registry.add("handoff.livechat.license-id", () -> FakeLiveChat.LICENSE_ID);
        registry.add("handoff.retry.initial-delay", () -> "20");
        registry.add("handoff.retry.max-delay", () -> "100");
    }

    @LocalServerPort
    int port;
    @Autowired
    ConversationStore conversations;
    @Autowired
    TestClock clock;
    @Autowired
    LiveChatProperties livechatConfig;
    @Autowired
    JdbcTemplate jdbc;
    GatewayClient bot;

    @BeforeEach
    void freshLiveChat() {
        LIVECHAT.reset();
        LIVECHAT.groupStatus(1, "online");
        LIVECHAT.groupStatus(2, "offline");
        LIVECHAT.groupStatus(3, "online_for_queue");
        bot = new GatewayClient(port, API_KEY);
        availabilitySeenEarlierIsStale();
    }

    /** What earlier tests saw of the groups no longer spares a list_group_statuses (handoff.livechat.availability-ttl). */
    void availabilitySeenEarlierIsStale() {
        clock.advance(livechatConfig.availabilityTtl().plusSeconds(1));
    }

    static String newConversationId() {
        return "conv-" + UUID.randomUUID();
    }

    Response handoff(String conversationId, Map<String, Object> switchData) {
        return bot.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", conversationId, "switch", switchData)));
    }

    /** The bot closes the handoff, and the queued close reaches LiveChat: the chat is no longer active. */
    void closeAndAwaitChatClosed(String conversationId, String chat) {
        assertThat(bot.post("/api/v1/conversations/" + conversationId + "/close", "").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !LIVECHAT.isActive(chat));
    }

    @Test
    void firstHandoffGrantsACustomerChecksTheGroupAndStartsTheChatWithTheTranscript() {
        String id = newConversationId();
        Response answer = bot.post("/api/v1/handoffs", GatewayClient.json(Map.of(
                "conversationId", id,
                "customer", Map.of("name", "Ann Client", "email", "ann@example.com"),
                "switch", Map.of("destination", "billing", "sendMessagesToOperator", true, "sendMessageHistoryAmount", 2,
                        "attributes", Map.of("orderId", "98765"), "closeChatPhrases", List.of("/close")),
                "history", List.of(
                        Map.of("from", "client", "text", "hello"),
                        Map.of("from", "bot", "text", "How can I help?"),
                        Map.of("from", "client", "text", "I was charged twice")))));

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().path("conversationId").asText()).isEqualTo(id);
        assertThat(answer.json().path("state").asText()).isEqualTo("WAITING");
        assertThat(answer.json().path("destination").asText()).isEqualTo("billing");
        assertThat(answer.json().path("provider").asText()).isEqualTo("livechat");
        String chatId = answer.json().path("providerChatId").asText();
        assertThat(LIVECHAT.isActive(chatId)).isTrue();

        // one agent token refresh, one customer grant (a new customer), one availability check, one chat call
        assertThat(LIVECHAT.count("token")).isEqualTo(1);
        assertThat(LIVECHAT.count("customer_token")).isEqualTo(1);
        assertThat(LIVECHAT.bodies("customer_token").get(0).has("entity_id")).isFalse();
        assertThat(LIVECHAT.bodies("list_group_statuses").get(0).path("group_ids").toString()).isEqualTo("[2,3]");
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(1);

        JsonNode start = LIVECHAT.bodies("start_chat").get(0);
        assertThat(start.path("chat").path("access").path("group_ids").toString()).isEqualTo("[2,3]");
        // the last two history lines (sendMessageHistoryAmount); firstMessage, the last client text, is among them: once
        assertThat(LIVECHAT.eventsOf(chatId)).extracting(e -> e.path("text").asText())
                .containsExactly("Bot: How can I help?", "I was charged twice");

        JsonNode customer = LIVECHAT.bodies("update_customer").get(0);
        assertThat(customer.path("name").asText()).isEqualTo("Ann Client");
        assertThat(customer.path("email").asText()).isEqualTo("ann@example.com");
        assertThat(customer.path("session_fields").toString()).contains("\"orderId\":\"98765\"");

        Response view = bot.get("/api/v1/conversations/" + id);
        assertThat(view.status()).isEqualTo(200);
        assertThat(view.json().path("state").asText()).isEqualTo("WAITING");
        assertThat(view.json().path("providerChatId").asText()).isEqualTo(chatId);
    }

    @Test
    void aReturningClientIsTheSameCustomerAndItsChatIsResumed() {
        String id = newConversationId();
        String chatId = handoff(id, Map.of("firstMessage", "first time")).json().path("providerChatId").asText();
        String entityId = LIVECHAT.entityIdOfChat(chatId);
        LIVECHAT.agentCloses(chatId, "agent@example.com");
        assertThat(conversations.transition(id, ConversationState.WAITING, ConversationState.BOT)).isTrue();
        LIVECHAT.expireCustomerTokens(); // a client that comes back hours later: its old token is gone

        Response again = handoff(id, Map.of("firstMessage", "I am back"));

        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().path("providerChatId").asText()).isEqualTo(chatId);
        assertThat(LIVECHAT.customers()).isEqualTo(1);
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(1);
        assertThat(LIVECHAT.count("resume_chat")).isEqualTo(1);
        assertThat(LIVECHAT.bodies("customer_token")).last()
                .satisfies(grant -> assertThat(grant.path("entity_id").asText()).isEqualTo(entityId));
        assertThat(LIVECHAT.isActive(chatId)).isTrue();
        assertThat(LIVECHAT.eventsOf(chatId)).extracting(e -> e.path("text").asText()).contains("first time", "I am back");
    }

    @Test
    void aDestinationSeenOnlineWithinTheTtlCostsAGrantAndTheChatAndAReturningClientOneCall() {
        assertThat(handoff(newConversationId(), Map.of("firstMessage", "checks the group")).status()).isEqualTo(201);
        assertThat(LIVECHAT.count("list_group_statuses")).isEqualTo(1);
        int before = LIVECHAT.totalCount();

        // a new client of the same destination within handoff.livechat.availability-ttl: grant, start_chat
        String id = newConversationId();
        assertThat(handoff(id, Map.of("firstMessage", "new client")).status()).isEqualTo(201);
        assertThat(LIVECHAT.totalCount() - before).isEqualTo(2);
        assertThat(LIVECHAT.count("customer_token")).isEqualTo(2);
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(2);
        assertThat(LIVECHAT.count("list_group_statuses")).isEqualTo(1);
        assertThat(LIVECHAT.count("get_dynamic_configuration")).isZero(); // the organization id came with the first grant

        // the same client back while its token is valid: resume_chat only
        backToTheBot(id);
        int beforeReturn = LIVECHAT.totalCount();
        assertThat(handoff(id, Map.of("firstMessage", "back again")).status()).isEqualTo(201);
        assertThat(LIVECHAT.totalCount() - beforeReturn).isEqualTo(1);
        assertThat(LIVECHAT.count("resume_chat")).isEqualTo(1);

        // past the TTL the group is asked again; an ignoreOffline switch never asks
        availabilitySeenEarlierIsStale();
        assertThat(handoff(newConversationId(), Map.of("firstMessage", "later")).status()).isEqualTo(201);
        assertThat(LIVECHAT.count("list_group_statuses")).isEqualTo(2);
        availabilitySeenEarlierIsStale();
        assertThat(handoff(newConversationId(), Map.of("firstMessage", "anyway", "ignoreOffline", true)).status()).isEqualTo(201);
        assertThat(LIVECHAT.count("list_group_statuses")).isEqualTo(2);
    }

    @Test
    void aGroupGoneOfflineWithinTheTtlIsRefusedByStartChatAndAskedAgainNextTime() {
        assertThat(handoff(newConversationId(), Map.of("firstMessage", "seen online")).status()).isEqualTo(201);
        LIVECHAT.groupStatus(1, "offline");

        String id = newConversationId();
        Response refused = handoff(id, Map.of("firstMessage", "anyone?"));

        // start_chat (continuous: false) found nobody: the same refusal as list_group_statuses gives
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.type()).isEqualTo("urn:handoff:problem:no-operators-online");
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(2);
        assertThat(bot.get("/api/v1/conversations/" + id).json().path("state").asText()).isEqualTo("BOT");
        assertThat(bot.get("/api/v1/conversations/" + id + "/events").json().path("events").get(0).path("type").asText())
                .isEqualTo("noLivechatOperatorsOnline");

        // the next switch asks the group again (nothing is remembered of an offline group)
        assertThat(handoff(newConversationId(), Map.of("firstMessage", "still nobody?")).status()).isEqualTo(409);
        assertThat(LIVECHAT.count("list_group_statuses")).isEqualTo(2);
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(2);
    }

    @Test
    void aOneTimeMessageReachesTheGroupAndTheBotKeepsTheConversation() {
        String id = newConversationId();

        Response once = handoff(id, Map.of("firstMessage", "FYI: the client asked about refunds", "oneTimeMessage", true));

        assertThat(once.status()).isEqualTo(201);
        assertThat(once.json().path("state").asText()).isEqualTo("BOT");
        String chat = once.json().path("providerChatId").asText();
        assertThat(LIVECHAT.eventsOf(chat)).extracting(e -> e.path("text").asText()).containsExactly("FYI: the client asked about refunds");
        assertThat(bot.get("/api/v1/conversations/" + id).json().path("state").asText()).isEqualTo("BOT");

        // a real switch later: the chat is still open (one chat per customer), so the first message goes into it
        Response handoff = handoff(id, Map.of("firstMessage", "now I need a human"));
        assertThat(handoff.status()).isEqualTo(201);
        assertThat(handoff.json().path("state").asText()).isEqualTo("WAITING");
        assertThat(handoff.json().path("providerChatId").asText()).isEqualTo(chat);
        assertThat(LIVECHAT.count("resume_chat")).isEqualTo(1);
        assertThat(LIVECHAT.eventsOf(chat)).extracting(e -> e.path("text").asText()).endsWith("now I need a human");
    }

    @Test
    void tokensAreReusedAcrossHandoffsAndCallsCarryTheOrganizationId() {
        String first = newConversationId();
        String second = newConversationId();
        handoff(first, Map.of("firstMessage", "one"));
        handoff(second, Map.of("firstMessage", "two"));
        String chat = conversations.find(first).orElseThrow().providerChatId();
        LIVECHAT.agentCloses(chat, "agent@example.com");
        conversations.transition(first, ConversationState.WAITING, ConversationState.BOT);
        handoff(first, Map.of("firstMessage", "three"));

        // one agent refresh for everything, one grant per conversation, none for the returning one
        assertThat(LIVECHAT.count("token")).isEqualTo(1);
        assertThat(LIVECHAT.count("customer_token")).isEqualTo(2);
        assertThat(LIVECHAT.count("get_dynamic_configuration")).isZero();
        assertThat(LIVECHAT.headers("start_chat")).allSatisfy(h ->
                assertThat(h.get("authorization")).startsWith("Bearer dal:cust-"));
    }

    @Test
    void aTokenLiveChatRefusesIsDroppedAndTheCallRetriedOnceWithAFreshOne() {
        String first = newConversationId();
        handoff(first, Map.of("firstMessage", "one"));
        String chat = conversations.find(first).orElseThrow().providerChatId();
        LIVECHAT.agentCloses(chat, "agent@example.com");
        conversations.transition(first, ConversationState.WAITING, ConversationState.BOT);
        LIVECHAT.expireCustomerTokens();
        LIVECHAT.expireAgentTokens();

        Response again = handoff(first, Map.of("firstMessage", "after expiry"));

        assertThat(again.status()).isEqualTo(201);
        assertThat(LIVECHAT.count("customer_token")).isEqualTo(2);
        assertThat(LIVECHAT.count("token")).isEqualTo(2);
    }

    @Test
    void aCustomerTokenIsRenewedShortlyBeforeItExpires() {
        LIVECHAT.customerTokenTtlSeconds(600); // renewed 5 minutes (token-renew-before) ahead: 300 s after the grant
        String id = newConversationId();
        assertThat(handoff(id, Map.of("firstMessage", "one")).status()).isEqualTo(201);
        backToTheBot(id);

        clock.advance(Duration.ofSeconds(290)); // 10 s before the renewal point: the token is still used
        assertThat(handoff(id, Map.of("firstMessage", "two")).status()).isEqualTo(201);
        assertThat(LIVECHAT.count("customer_token")).isEqualTo(1);
        backToTheBot(id);

        clock.advance(Duration.ofSeconds(20)); // 10 s past it: a fresh token for the same customer
        assertThat(handoff(id, Map.of("firstMessage", "three")).status()).isEqualTo(201);
        assertThat(LIVECHAT.count("customer_token")).isEqualTo(2);
        assertThat(LIVECHAT.bodies("customer_token").get(1).path("entity_id").asText())
                .isEqualTo(LIVECHAT.entityIdOfChat(conversations.find(id).orElseThrow().providerChatId()));
    }

    /** The operator closes the chat and the conversation is the bot's again, ready for another switch. */
    void backToTheBot(String id) {
        LIVECHAT.agentCloses(conversations.find(id).orElseThrow().providerChatId(), "agent@example.com");
        assertThat(conversations.transition(id, ConversationState.WAITING, ConversationState.BOT)).isTrue();
    }

    @Test
    void anOfflineGroupRefusesTheSwitchUnlessItSaysIgnoreOffline() {
        String id = newConversationId();
        LIVECHAT.groupStatus(1, "offline");

        Response refused = handoff(id, Map.of("destination", "support", "firstMessage", "anyone?"));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("event").asText()).isEqualTo("noLivechatOperatorsOnline");
        assertThat(refused.type()).isEqualTo("urn:handoff:problem:no-operators-online");
        assertThat(LIVECHAT.count("start_chat")).isZero();
        assertThat(bot.get("/api/v1/conversations/" + id).json().path("state").asText()).isEqualTo("BOT");
        JsonNode events = bot.get("/api/v1/conversations/" + id + "/events").json().path("events");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("type").asText()).isEqualTo("noLivechatOperatorsOnline");
        assertThat(events.get(0).path("destination").asText()).isEqualTo("support");

        Response forced = handoff(id, Map.of("destination", "support", "firstMessage", "anyone?", "ignoreOffline", true));

        assertThat(forced.status()).isEqualTo(201);
        assertThat(LIVECHAT.bodies("start_chat").get(0).path("continuous").asBoolean()).isTrue();
    }

    @Test
    void anUnknownDestinationIsRefusedWithTheKnownOnesAndNothingIsRecorded() {
        String id = newConversationId();
        Response answer = handoff(id, Map.of("destination", "nowhere"));

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.type()).isEqualTo("urn:handoff:problem:unknown-destination");
        assertThat(answer.json().path("knownDestinations").toString()).contains("support", "billing", "legacy");
        assertThat(LIVECHAT.count("customer_token")).isZero();
        // like a 400, the refusal is about the input: the conversation stays unknown
        assertThat(bot.get("/api/v1/conversations/" + id).status()).isEqualTo(404);
    }

    @Test
    void aDestinationOnAProviderNotBuiltYetIs501() {
        Response answer = handoff(newConversationId(), Map.of("destination", "legacy"));

        assertThat(answer.status()).isEqualTo(501);
        assertThat(answer.type()).isEqualTo("urn:handoff:problem:not-implemented");
        assertThat(answer.json().path("detail").asText()).contains("zendesk");
    }

    @Test
    void aRepeatedRequestIdGetsTheFirstAnswerAndStartsNothing() {
        String id = newConversationId();
        String body = GatewayClient.json(Map.of("conversationId", id, "requestId", "req-1",
                "switch", Map.of("firstMessage", "hi")));

        Response first = bot.post("/api/v1/handoffs", body);
        Response repeat = bot.post("/api/v1/handoffs", body);

        assertThat(first.status()).isEqualTo(201);
        assertThat(repeat.status()).isEqualTo(201);
        assertThat(repeat.json()).isEqualTo(first.json());
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(1);

        Response otherRequest = bot.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", id,
                "requestId", "req-2", "switch", Map.of("firstMessage", "hi"))));
        assertThat(otherRequest.status()).isEqualTo(409);
        assertThat(otherRequest.type()).isEqualTo("urn:handoff:problem:already-in-handoff");
    }

    @Test
    void aProviderThatFailsTwiceIsRetriedAndTheHandoffSucceeds() {
        LIVECHAT.failNext("start_chat", 2, 503, "service_unavailable");

        Response answer = handoff(newConversationId(), Map.of("firstMessage", "hi"));

        assertThat(answer.status()).isEqualTo(201);
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(3); // the fake counts the injected failures too
    }

    @Test
    void aStartChatWhoseAnswerWasLostIsFoundByTheRetryAndTheHandoffGoesOnInItsChat() {
        String id = newConversationId();
        LIVECHAT.loseAnswerNext("start_chat", 1); // LiveChat opened the chat; the answer never arrived

        // the redelivered start_chat meets LiveChat's one chat per customer; the chat it lists holds this
        // switch's first event, so it is this handoff's chat
        Response answer = handoff(id, Map.of("firstMessage", "I need a human"));
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        String chat = answer.json().path("providerChatId").asText();
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(2);
        assertThat(LIVECHAT.count("list_chats")).isEqualTo(1);
        assertThat(LIVECHAT.count("get_chat")).isEqualTo(1);
        assertThat(LIVECHAT.isActive(chat)).isTrue();
        assertThat(LIVECHAT.eventsOf(chat)).extracting(e -> e.path("text").asText()).containsOnlyOnce("I need a human");
        assertThat(bot.get("/api/v1/conversations/" + id).json().path("state").asText()).isEqualTo("WAITING");

        // a customer whose chat is known is not looked up again
        closeAndAwaitChatClosed(id, chat);
        assertThat(handoff(id, Map.of("firstMessage", "once more")).status()).isEqualTo(201);
        assertThat(LIVECHAT.count("list_chats")).isEqualTo(1);
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(2);
    }

    @Test
    void aStartChatWhoseAnswersAreAllLostDoesNotLockTheCustomerOutOfItsChat() {
        String id = newConversationId();
        LIVECHAT.loseAnswerNext("start_chat", 4); // the first opened the chat; every retry's answer is lost too

        Response first = handoff(id, Map.of("firstMessage", "I need a human"));
        // no answer came back at all: this switch fails...
        assertThat(first.status()).as(first.text()).isEqualTo(503);
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(4);
        assertThat(bot.get("/api/v1/conversations/" + id).json().path("state").asText()).isEqualTo("BOT");

        // ...and the next one finds the chat the lost answer opened, and goes on in it
        Response again = handoff(id, Map.of("firstMessage", "still there?"));
        assertThat(again.status()).as(again.text()).isEqualTo(201);
        String chat = again.json().path("providerChatId").asText();
        assertThat(LIVECHAT.count("list_chats")).isEqualTo(1);
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(4);
        assertThat(LIVECHAT.isActive(chat)).isTrue();
        assertThat(LIVECHAT.eventsOf(chat)).extracting(e -> e.path("text").asText())
                .containsSubsequence("I need a human", "still there?");

        // a customer whose start was answered is not looked up again
        closeAndAwaitChatClosed(id, chat);
        assertThat(handoff(id, Map.of("firstMessage", "once more")).status()).isEqualTo(201);
        assertThat(LIVECHAT.count("list_chats")).isEqualTo(1);
    }

    @Test
    void aTranscriptPostedIntoAStillActiveChatStopsAtAFailedEventAndLeavesNoHole() {
        String id = newConversationId();
        LIVECHAT.loseAnswerNext("start_chat", 4); // the chat is open, and the gateway does not know it yet
        assertThat(handoff(id, Map.of("firstMessage", "first")).status()).isEqualTo(503);

        // the next switch finds the chat still active and posts its transcript into it; LiveChat refuses the first line
        LIVECHAT.failNext("send_event", 1, 400, "validation");
        Response refused = bot.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", id,
                "switch", Map.of("firstMessage", "third", "sendMessagesToOperator", true, "sendMessageHistoryAmount", 2),
                "history", List.of(Map.of("from", "client", "text", "one"), Map.of("from", "client", "text", "two")))));

        assertThat(refused.status()).as(refused.text()).isEqualTo(502);
        assertThat(LIVECHAT.count("send_event")).isEqualTo(1); // not the lines after the refused one
        String chat = jdbc.queryForObject("select chat_id from provider_account where conversation_id = ?", String.class, id);
        assertThat(LIVECHAT.eventsOf(chat)).extracting(e -> e.path("text").asText()).doesNotContain("two", "third");
    }

    @Test
    void aCustomerWithAChatTheGatewayDoesNotKnowGetsTheRefusalAndTheNextSwitchResumesIt() {
        String id = newConversationId();
        Response first = handoff(id, Map.of("firstMessage", "first"));
        String chat = first.json().path("providerChatId").asText();
        closeAndAwaitChatClosed(id, chat);
        // the gateway lost what it knew of the customer's chat (a restored backup, say)
        jdbc.update("update provider_account set chat_id = null where conversation_id = ?", id);

        // LiveChat refuses a second chat; the one it lists holds no event of this switch: the refusal is reported
        Response refused = handoff(id, Map.of("firstMessage", "second"));
        assertThat(refused.status()).as(refused.text()).isEqualTo(502);
        assertThat(LIVECHAT.count("list_chats")).isEqualTo(1);
        assertThat(LIVECHAT.count("get_chat")).isEqualTo(1);
        assertThat(LIVECHAT.eventsOf(chat)).extracting(e -> e.path("text").asText()).doesNotContain("second");

        // the chat list_chats found is kept: the next switch resumes it
        assertThat(handoff(id, Map.of("firstMessage", "third")).status()).isEqualTo(201);
        assertThat(LIVECHAT.count("resume_chat")).isEqualTo(1);
        assertThat(LIVECHAT.count("list_chats")).isEqualTo(1);
        assertThat(LIVECHAT.eventsOf(chat)).extracting(e -> e.path("text").asText()).contains("third");
    }

    @Test
    void aProviderThatStaysDownIsReportedAndTheConversationStaysWithTheBot() {
        String id = newConversationId();
        String body = GatewayClient.json(Map.of("conversationId", id, "requestId", "r-down",
                "switch", Map.of("firstMessage", "hi")));
        LIVECHAT.setDown(true);
        Response down;
        try {
            down = bot.post("/api/v1/handoffs", body);
        } finally {
            LIVECHAT.setDown(false);
        }
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.type()).isEqualTo("urn:handoff:problem:provider-unavailable");
        assertThat(bot.get("/api/v1/conversations/" + id).json().path("state").asText()).isEqualTo("BOT");

        LIVECHAT.failNext("start_chat", 4, 500, "internal"); // the first try and its 3 redeliveries
        Response failing = bot.post("/api/v1/handoffs", body);
        assertThat(failing.status()).isEqualTo(502);
        assertThat(failing.type()).isEqualTo("urn:handoff:problem:provider-error");
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(4);

        // a failed (5xx) first try is not remembered: the same requestId tries again
        Response retried = bot.post("/api/v1/handoffs", body);
        assertThat(retried.status()).isEqualTo(201);
    }

    @Test
    void secretsNeverReachTheLogsOrTheAnswers(CapturedOutput output) {
        LIVECHAT.failNext("start_chat", 10, 500, "internal");
        Response failed = handoff(newConversationId(), Map.of("firstMessage", "hi"));
        handoff(newConversationId(), Map.of("firstMessage", "hi"));

        assertThat(failed.text()).doesNotContain("dal:", FakeLiveChat.CLIENT_SECRET, FakeLiveChat.REFRESH_TOKEN);
        assertThat(output.getAll()).doesNotContain("dal:agent-", "dal:cust-", FakeLiveChat.CLIENT_SECRET,
                FakeLiveChat.REFRESH_TOKEN, API_KEY);
    }

    /**
     * One row of the bad-input matrix: a request the gateway must refuse with a problem and without
     * recording anything. {@code send} gets the test and a fresh conversation id.
     */
    record BadInput(String name, BiFunction<LiveChatHandoffScenarios, String, Response> send, int status, String slug,
                    String mentioned) {

        static BadInput body(String name, String template, String mentioned) {
            return new BadInput(name, (test, id) -> test.bot.post("/api/v1/handoffs", template.replace("$ID", id)),
                    400, "invalid-request", mentioned);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BadInput> badInputs() {
        return Stream.of(
                BadInput.body("JSON cut short", "{\"conversationId\": \"$ID\", \"switch\": {", "not valid JSON"),
                BadInput.body("an array, not an object", "[1, 2]", "must be a JSON object"),
                BadInput.body("no conversationId", "{\"switch\": {}}", "conversationId"),
                BadInput.body("no switch", "{\"conversationId\": \"$ID\"}", "switch"),
                BadInput.body("conversationId with spaces", "{\"conversationId\": \"has spaces\", \"switch\": {}}", "conversationId"),
                BadInput.body("conversationId of 129 characters", "{\"conversationId\": \"" + "c".repeat(129) + "\", \"switch\": {}}",
                        "is longer than 128 characters"),
                BadInput.body("ignoreOffline as text", "{\"conversationId\": \"$ID\", \"switch\": {\"ignoreOffline\": \"yes\"}}",
                        "switch.ignoreOffline"),
                BadInput.body("closeChatPhrases not an array", "{\"conversationId\": \"$ID\", \"switch\": {\"closeChatPhrases\": \"stop\"}}",
                        "switch.closeChatPhrases"),
                BadInput.body("history from nobody",
                        "{\"conversationId\": \"$ID\", \"switch\": {}, \"history\": [{\"from\": \"nobody\", \"text\": \"x\"}]}",
                        "history[0].from"),
                BadInput.body("501 history entries", "{\"conversationId\": \"$ID\", \"switch\": {}, \"history\": ["
                        + String.join(", ", java.util.Collections.nCopies(501, "{\"from\": \"client\", \"text\": \"x\"}")) + "]}",
                        "has more than 500 entries"),
                BadInput.body("firstMessage of 16001 characters",
                        "{\"conversationId\": \"$ID\", \"switch\": {\"firstMessage\": \"" + "x".repeat(16_001) + "\"}}",
                        "switch.firstMessage"),
                BadInput.body("negative sendMessageHistoryAmount",
                        "{\"conversationId\": \"$ID\", \"switch\": {\"sendMessageHistoryAmount\": -1}}", "sendMessageHistoryAmount"),
                BadInput.body("duplicate key", "{\"conversationId\": \"$ID\", \"conversationId\": \"x\", \"switch\": {}}",
                        "not valid JSON"),
                new BadInput("body over max-body-bytes", (test, id) -> test.bot.post("/api/v1/handoffs",
                        "{\"conversationId\": \"" + id + "\", \"switch\": {\"firstMessage\": \"" + "x".repeat(1_100_000) + "\"}}"),
                        413, "payload-too-large", null),
                new BadInput("no API key", (test, id) -> new GatewayClient(test.port, null).post("/api/v1/handoffs",
                        GatewayClient.json(Map.of("conversationId", id, "switch", Map.of()))), 401, "unauthorized", null),
                new BadInput("a wrong API key", (test, id) -> new GatewayClient(test.port, "wrong-key").post("/api/v1/handoffs",
                        GatewayClient.json(Map.of("conversationId", id, "switch", Map.of()))), 401, "unauthorized", null),
                new BadInput("text/plain body", (test, id) -> test.bot.send(test.bot.request("/api/v1/handoffs")
                        .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                GatewayClient.json(Map.of("conversationId", id, "switch", Map.of()))))),
                        415, "unsupported-media-type", null),
                new BadInput("unknown path", (test, id) -> test.bot.get("/api/v1/nothing-here"), 404, null, null),
                new BadInput("DELETE on handoffs", (test, id) -> test.bot.send(test.bot.request("/api/v1/handoffs").DELETE()),
                        405, null, null));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badInputs")
    void badInputIsRefusedWithAProblemAndRecordsNothing(BadInput input) {
        String id = newConversationId();

        Response answer = input.send().apply(this, id);

        assertThat(answer.status()).as(answer.text()).isEqualTo(input.status());
        assertThat(answer.contentType()).startsWith("application/problem+json");
        if (input.slug() != null) {
            assertThat(answer.type()).isEqualTo("urn:handoff:problem:" + input.slug());
        }
        if (input.mentioned() != null) {
            assertThat(answer.text()).contains(input.mentioned());
        }
        assertThat(bot.get("/api/v1/conversations/" + id).status()).isEqualTo(404);
        assertThat(LIVECHAT.totalCount()).as("calls to LiveChat").isZero();
    }

    @Test
    void thirtyHandoffsAtOnceWaitForLiveChatTogetherNotInTurn() {
        // nothing between the bots and LiveChat (request pool, HTTP connections, database) holds them to 20 or fewer
        LIVECHAT.delayNext("start_chat", 30, Duration.ofMillis(1500));
        ExecutorService bots = Executors.newFixedThreadPool(30);
        try {
            List<CompletableFuture<Response>> handoffs = IntStream.range(0, 30).mapToObj(i -> CompletableFuture
                    .supplyAsync(() -> handoff(newConversationId(), Map.of()), bots)).toList();

            assertThat(handoffs).allSatisfy(h -> assertThat(h.join().status()).as(h.join().text()).isEqualTo(201));
            assertThat(LIVECHAT.mostAtOnce("start_chat")).isGreaterThan(20);
        } finally {
            bots.shutdown();
        }
    }
}
