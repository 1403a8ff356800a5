package io.handoff.gateway.jaicp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
import io.handoff.gateway.conversation.ConversationCloser;
import io.handoff.gateway.ops.ManagedHandoffs;
import io.handoff.gateway.support.QueueWait;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.fakes.FakeLiveTex;
import io.handoff.gateway.support.FakeBot;
import io.handoff.gateway.support.FakeJaicp;
import io.handoff.gateway.support.GatewayClient;

/**
 * A JAICP bot hands off through the gateway with no bot code: JAICP calls the gateway's Operator API in
 * its order and gets the operator's events back on its webhook; one conversation ends on LiveChat, one
 * on LiveTex.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JaicpFrontDoorTest {

    static final String CHANNEL_KEY = "shop-channel-key";
    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    static final FakeLiveTex LIVETEX = FakeLiveTex.start();
    static final FakeBot BOT = FakeBot.start("cb");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> "bot-key");
        registry.add("handoff.destinations.support.provider", () -> "livechat");
        registry.add("handoff.default-destination", () -> "support");
        registry.add("handoff.destinations.support.group-ids", () -> "1");
        registry.add("handoff.destinations.support.description", () -> "First-line support");
        registry.add("handoff.destinations.sales.provider", () -> "livetex");
        registry.add("handoff.destinations.sales.group-ids", () -> "54321");
        registry.add("handoff.destinations.vip.provider", () -> "livechat");
        registry.add("handoff.destinations.vip.group-ids", () -> "2");
        registry.add("handoff.jaicp.channels.shop.key", () -> CHANNEL_KEY);
        registry.add("handoff.jaicp.channels.shop.destinations", () -> "support,sales");
        registry.add("handoff.jaicp.channels.strict.key", () -> "strict-channel-key");
        registry.add("handoff.jaicp.channels.strict.refuse-offline", () -> "true");
        registry.add("handoff.livechat.api-url", LIVECHAT::apiUrl);
        registry.add("handoff.livechat.accounts-url", LIVECHAT::accountsUrl);
        registry.add("handoff.livechat.client-id", () -> FakeLiveChat.CLIENT_ID);
        registry.add("handoff.livechat.agent-token", () -> FakeLiveChat.AGENT_TOKEN);
        registry.add("handoff.livechat.license-id", () -> FakeLiveChat.LICENSE_ID);
        registry.add("handoff.livechat.webhook-secret", () -> "lc");
        registry.add("handoff.livetex.api-url", LIVETEX::apiUrl);
        registry.add("handoff.livetex.key", () -> FakeLiveTex.KEY);
        registry.add("handoff.livetex.webhook-key", () -> "lt");
        registry.add("handoff.callback.url", BOT::callbackUrl); // the bot API's conversations
        registry.add("handoff.callback.secret", () -> "cb");
        // one push worker per target: a target that hangs would hold every worker if they were shared
        registry.add("handoff.callback.parallelism", () -> "1");
        // one call at a time per provider: a getDestinations that held a provider's slot while asking the next would block it
        registry.add("handoff.provider-calls.max-in-flight", () -> "1");
        registry.add("handoff.callback.initial-backoff", () -> "100ms");
        registry.add("handoff.callback.poll-interval", () -> "200ms");
        // LiveTex fetches the client's files itself; the gateway only checks the URL, and this test host has no DNS
        // files.example.com: the test machine has no DNS; 127.0.0.1: the fake JAICP's webhook (any port)
        registry.add("handoff.files.allowed-hosts", () -> "files.example.com,127.0.0.1");
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:jaicp;DB_CLOSE_DELAY=-1");
    }

    @LocalServerPort
    int port;
    @Autowired
    ClientQueue queue;
    @Autowired
    ConversationCloser closer;
    @Autowired
    ManagedHandoffs handoffs;
    FakeJaicp jaicp;

    @AfterEach
    void closeJaicp() {
        jaicp.close();
    }

    @BeforeEach
    void setUp() {
        LIVECHAT.reset();
        LIVECHAT.groupStatus(1, "online");
        LIVECHAT.webhookTarget("http://127.0.0.1:" + port + "/webhooks/livechat", "lc");
        LIVETEX.reset();
        LIVETEX.destination("54321", "Sales", true);
        LIVETEX.webhookTarget("http://127.0.0.1:" + port + "/webhooks/livetex", "lt");
        jaicp = FakeJaicp.start("http://127.0.0.1:" + port + "/jaicp/" + CHANNEL_KEY);
        assertThat(jaicp.setWebhook().status()).isEqualTo(200);
    }

    @Test
    void setWebhookRefusesAnInternalAddressTheGatewayWouldPostEveryEventTo() {
        for (String internal : new String[] {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/hook",
                "http://[::1]:8080/x", "http://2130706433/x", "file:///etc/passwd"}) {
            FakeJaicp.Answer refused = jaicp.post("setWebhook", Map.of("url", internal));
            assertThat(refused.status()).as(internal).isEqualTo(400);
        }
        assertThat(jaicp.setWebhook().status()).isEqualTo(200); // its own host is allow-listed here
    }

    @Test
    void getDestinationsListsTheChannelsDestinationsWithWhoIsOnline() {
        FakeJaicp.Answer answer = jaicp.getDestinations();

        assertThat(answer.status()).isEqualTo(200);
        JsonNode destinations = answer.body().path("destinations");
        assertThat(destinations).hasSize(2);
        assertThat(destinations.get(0).path("destinationId").asText()).isEqualTo("support");
        assertThat(destinations.get(0).path("name").asText()).isEqualTo("First-line support");
        assertThat(destinations.get(0).path("hasOnline").asBoolean()).isTrue();
        assertThat(destinations.get(1).path("destinationId").asText()).isEqualTo("sales");
        assertThat(destinations.get(1).path("hasOnline").asBoolean()).isTrue();
        assertThat(LIVECHAT.count("customer_token")).isZero(); // no tokens spent to look

        LIVECHAT.groupStatus(1, "offline");
        LIVETEX.destination("54321", "Sales", false);
        assertThat(jaicp.getDestinations().body().path("destinations")).allSatisfy(d -> assertThat(d.path("hasOnline").asBoolean()).isFalse());
    }

    @Test
    void getDestinationsReportsAProviderThatCannotBeAskedAsOfflineAndKeepsTheOthersAnswers() {
        LIVETEX.failNext("getDestinations", 1, 500, 500); // asked second: LiveChat's answer, already in, stays
        JsonNode destinations = jaicp.getDestinations().body().path("destinations");
        assertThat(destinations.get(0).path("hasOnline").asBoolean()).isTrue();
        assertThat(destinations.get(1).path("hasOnline").asBoolean()).isFalse();

        LIVECHAT.failNext("get_dynamic_configuration", 1, 500, "internal"); // asked first: LiveTex is still asked
        destinations = jaicp.getDestinations().body().path("destinations");
        assertThat(destinations.get(0).path("hasOnline").asBoolean()).isFalse();
        assertThat(destinations.get(1).path("hasOnline").asBoolean()).isTrue();
    }

    @Test
    void getDestinationsGivesEachProvidersSlotBackBeforeAskingTheNext() throws Exception {
        int asked = LIVETEX.count("getDestinations");
        LIVETEX.delayNext("getDestinations", 1, Duration.ofSeconds(5)); // asked second, after LiveChat answered
        CompletableFuture<FakeJaicp.Answer> listing = CompletableFuture.supplyAsync(() -> jaicp.getDestinations());
        await().atMost(Duration.ofSeconds(3)).until(() -> LIVETEX.count("getDestinations") > asked);

        // while LiveTex hangs, LiveChat's only slot is free: a switch to LiveChat goes through at once
        assertThat(handoffs.getInFlightByProvider()).containsEntry("livechat", 0).containsEntry("livetex", 1);
        String user = "u-" + UUID.randomUUID();
        assertThat(jaicp.selectDestination(user, "support", Map.of()).status()).isEqualTo(200);
        assertThat(listing.isDone()).isFalse();

        assertThat(listing.get(15, TimeUnit.SECONDS).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(3)).until(() -> handoffs.getInFlightByProvider().get("livetex") == 0);
    }

    @Test
    void aConversationOnLiveChatEndToEnd() {
        String user = "u-" + UUID.randomUUID();
        assertThat(jaicp.selectDestination(user, "support", Map.of("targetLine", "support")).status()).isEqualTo(200);
        String chat = new GatewayClient(port, "bot-key").get("/api/v1/conversations/jaicp:shop:" + user).json().path("providerChatId").asText();
        assertThat(jaicp.sendText(user, "I need help with my order").status()).isEqualTo(200);
        QueueWait.awaitDelivered(queue, "jaicp:shop:" + user);

        LIVECHAT.agentJoins(chat, "anna@example.com", "Anna");
        LIVECHAT.agentSays(chat, "anna@example.com", "Hello, how can I help?");
        LIVECHAT.agentSendsFile(chat, "anna@example.com", LIVECHAT.baseUrl() + "/cdn/x/manual.pdf", "manual.pdf", 1000);
        LIVECHAT.agentCloses(chat, "anna@example.com");

        await().atMost(Duration.ofSeconds(10)).until(() -> jaicp.eventsOf(user).size() == 3);
        assertThat(jaicp.eventsOf(user)).extracting(e -> e.path("type").asText()).containsExactly("TextMessage", "FileMessage", "Closed");
        JsonNode text = jaicp.eventsOf(user).get(0);
        assertThat(text.path("text").asText()).isEqualTo("Hello, how can I help?");
        assertThat(text.path("employee").path("firstName").asText()).isEqualTo("Anna");
        assertThat(jaicp.eventsOf(user)).extracting(e -> e.path("id").asText()).doesNotHaveDuplicates();
        assertThat(jaicp.eventsOf(user).get(1).path("url").asText()).endsWith("/manual.pdf");
        assertThat(LIVECHAT.eventsOf(chat)).extracting(e -> e.path("text").asText()).contains("I need help with my order");
    }

    @Test
    void aConversationOnLiveTexEndToEndClosedByTheClient() {
        String user = "u-" + UUID.randomUUID();
        assertThat(jaicp.selectDestination(user, "sales", Map.of("order", "98765")).status()).isEqualTo(200);
        String livetexUser = "jaicp:shop:" + user;
        assertThat(LIVETEX.bodies("selectDestination").get(0).path("attributes").path("order").asText()).isEqualTo("98765");
        assertThat(jaicp.sendText(user, "price for 10 units?").status()).isEqualTo(200);
        assertThat(jaicp.sendFile(user, "https://files.example.com/spec.pdf", "spec.pdf").status()).isEqualTo(200);

        LIVETEX.operatorSays(livetexUser, "7", "Oleg", "10% off");
        await().atMost(Duration.ofSeconds(10)).until(() -> jaicp.eventsOf(user).size() == 1);
        assertThat(jaicp.eventsOf(user).get(0).path("text").asText()).isEqualTo("10% off");

        assertThat(jaicp.closeChat(user, "thanks, bye").status()).isEqualTo(200);
        QueueWait.awaitDelivered(queue, livetexUser); // the conversation's id is the JAICP one, which LiveTex's user id carries
        assertThat(LIVETEX.messagesOf(livetexUser)).extracting(m -> m.path("text").asText(m.path("url").asText()))
                .containsExactly("price for 10 units?", "https://files.example.com/spec.pdf", "thanks, bye");
        // the operator's Closed that follows is answered once the gateway has stored whatever it makes of it
        assertThat(LIVETEX.operatorCloses(livetexUser, "7", "Oleg")).isEqualTo(200);
        GatewayClient bot = new GatewayClient(port, "bot-key");
        assertThat(bot.get("/api/v1/conversations/" + livetexUser).json().path("state").asText()).isEqualTo("BOT");
        assertThat(bot.get("/api/v1/conversations/" + livetexUser + "/events").json().path("events"))
                .extracting(e -> e.path("type").asText() + ":" + e.path("reason").asText())
                .containsExactly("operatorJoined:", "operatorMessage:", "livechatFinished:clientClosed");

        // a later event of the same conversation reaches JAICP only after every earlier one was settled (in seq
        // order): when it is there, nothing else was sent before it. JAICP closed the chat itself: no Closed.
        assertThat(jaicp.selectDestination(user, "sales", Map.of()).status()).isEqualTo(200);
        assertThat(LIVETEX.operatorSays(livetexUser, "7", "Oleg", "welcome back")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> jaicp.eventsOf(user).size() >= 2);
        assertThat(jaicp.eventsOf(user)).extracting(e -> e.path("type").asText() + ":" + e.path("text").asText())
                .containsExactly("TextMessage:10% off", "TextMessage:welcome back");
    }

    @Test
    void aCloseJaicpDidNotAskForIsPushedToItAsClosed() {
        String user = "u-" + UUID.randomUUID();
        String id = "jaicp:shop:" + user;
        assertThat(jaicp.selectDestination(user, "support", Map.of()).status()).isEqualTo(200);
        String chat = new GatewayClient(port, "bot-key").get("/api/v1/conversations/" + id).json().path("providerChatId").asText();
        LIVECHAT.agentSays(chat, "anna@example.com", "Hello");

        // operations end it (the JMX close runs this same route): JAICP must hand the user back to its bot
        assertThat(closer.close(id)).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> jaicp.eventsOf(user).size() == 2);
        assertThat(jaicp.eventsOf(user)).extracting(e -> e.path("type").asText()).containsExactly("TextMessage", "Closed");
        QueueWait.awaitDelivered(queue, id);
        assertThat(LIVECHAT.isActive(chat)).isFalse();
    }

    @Test
    void eventsWaitForJaicpAndUnknownKeysOrDestinationsAreRefused() {
        String user = "u-" + UUID.randomUUID();
        jaicp.selectDestination(user, "support", Map.of());
        String chat = new GatewayClient(port, "bot-key").get("/api/v1/conversations/jaicp:shop:" + user).json().path("providerChatId").asText();
        jaicp.failWith(503);
        LIVECHAT.agentSays(chat, "anna@example.com", "one");
        LIVECHAT.agentSays(chat, "anna@example.com", "two");
        // JAICP refused the first event and the gateway tried it again: the second waits behind it
        await().atMost(Duration.ofSeconds(10)).until(() -> jaicp.refusedOf(user).size() >= 2);
        assertThat(jaicp.refusedOf(user)).extracting(e -> e.path("text").asText()).containsOnly("one");
        assertThat(jaicp.eventsOf(user)).isEmpty();
        jaicp.failWith(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> jaicp.eventsOf(user).size() == 2);
        assertThat(jaicp.eventsOf(user)).extracting(e -> e.path("text").asText()).containsExactly("one", "two");

        try (FakeJaicp stranger = FakeJaicp.start("http://127.0.0.1:" + port + "/jaicp/not-a-key");
             FakeJaicp strictChannel = FakeJaicp.start("http://127.0.0.1:" + port + "/jaicp/strict-channel-key")) {
            assertThat(stranger.getDestinations().status()).isEqualTo(404);
            LIVECHAT.groupStatus(1, "offline");
            assertThat(jaicp.selectDestination("u-offline", "support", Map.of()).status()).isEqualTo(200); // JAICP decided
            FakeJaicp.Answer strict = strictChannel.selectDestination("u-offline", "support", Map.of());
            assertThat(strict.status()).isEqualTo(409);
            assertThat(strict.body().path("event").asText()).isEqualTo("noLivechatOperatorsOnline");
        }
        FakeJaicp.Answer vip = jaicp.selectDestination("u2", "vip", Map.of());
        assertThat(vip.status()).isEqualTo(422);
        assertThat(vip.body().path("knownDestinations").toString()).contains("support", "sales").doesNotContain("vip");
    }

    @Test
    void aBotCallbackThatHangsHoldsUpOnlyItsOwnConversationsNotTheChannels() {
        GatewayClient api = new GatewayClient(port, "bot-key");
        String apiConversation = "api-" + UUID.randomUUID();
        GatewayClient.Response handoff = api.post("/api/v1/handoffs", GatewayClient.json(Map.of(
                "conversationId", apiConversation, "switch", Map.of("destination", "support"))));
        assertThat(handoff.status()).as(handoff.text()).isEqualTo(201);
        String apiChat = handoff.json().path("providerChatId").asText();
        String user = "u-" + UUID.randomUUID();
        assertThat(jaicp.selectDestination(user, "support", Map.of()).status()).isEqualTo(200);
        String jaicpChat = api.get("/api/v1/conversations/jaicp:shop:" + user).json().path("providerChatId").asText();

        BOT.delay(Duration.ofSeconds(5));
        try {
            LIVECHAT.agentSays(apiChat, "anna@example.com", "to the callback");
            await().atMost(Duration.ofSeconds(3)).until(() -> BOT.inFlight(apiConversation) > 0); // its worker is held
            LIVECHAT.agentSays(jaicpChat, "anna@example.com", "to JAICP");

            await().atMost(Duration.ofSeconds(3)).until(() -> jaicp.eventsOf(user).stream()
                    .anyMatch(e -> e.path("text").asText().equals("to JAICP")));
            assertThat(BOT.inFlight(apiConversation)).isPositive(); // delivered during the hang
        } finally {
            BOT.delay(Duration.ZERO);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> BOT.eventsOf(apiConversation).stream()
                .anyMatch(e -> e.path("text").asText().equals("to the callback")));
    }
}
