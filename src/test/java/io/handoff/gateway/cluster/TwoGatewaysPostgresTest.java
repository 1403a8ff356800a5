package io.handoff.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.conversation.ClientQueue;
import io.handoff.gateway.conversation.DatabaseNotifications;
import io.handoff.gateway.delivery.BotDelivery;
import io.handoff.gateway.conversation.InstanceId;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.provider.livechat.LiveChatTokens;
import io.handoff.gateway.relay.ClientMessageDelivery;
import io.handoff.gateway.support.FakeBot;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;
import io.handoff.gateway.support.GatewayProcess;
import io.handoff.gateway.support.Postgres;

/**
 * Several instances on one PostgreSQL schema (gateway-api.md §8): two gateways in this JVM (A and B, two
 * Spring contexts) and a third in a JVM of its own (C), which one test kills as {@code kill -9} would.
 * Every check is made through the public surface: the bot API, the operator webhooks, the fakes.
 */
@EnabledIf("io.handoff.gateway.support.Postgres#reachable")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoGatewaysPostgresTest {

    static final String API_KEY = "cluster-test-bot-key";
    static final String WEBHOOK_SECRET = "cluster-webhook-secret";
    static final String CALLBACK_SECRET = "cluster-callback-secret";
    static final String AGENT = "agent-7";
    /** Short, so the take-over of a killed instance's push is seen in seconds; longer than a (slow) push. */
    static final Duration LEASE = Duration.ofSeconds(5);
    static final Duration SLOW_BOT = Duration.ofSeconds(2);

    final FakeLiveChat livechat = FakeLiveChat.start();
    final FakeBot bot = FakeBot.start(CALLBACK_SECRET);
    final String url = Postgres.freshSchemaUrl("cluster");
    final String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());

    ConfigurableApplicationContext contextA;
    ConfigurableApplicationContext contextB;
    GatewayProcess processC;
    GatewayClient a;
    GatewayClient b;
    GatewayClient c;

    @BeforeAll
    void startGateways() {
        // C in its own JVM looks at the database for missed events only once a minute: what wakes its
        // long-polls within 2 s is the NOTIFY of the instance that stored the event
        contextA = inProcess(arguments("300ms")); // first and alone: it creates the schema
        CompletableFuture<Void> startingC = CompletableFuture.runAsync(this::startC);
        contextB = inProcess(arguments("300ms"));
        a = client(contextA);
        b = client(contextB);
        startingC.join();
    }

    /** C looks at the database for missed events only once a minute (see above). */
    void startC() {
        processC = GatewayProcess.start("cluster-gateway-c", arguments("60s"), API_KEY, Duration.ofSeconds(120));
        c = new GatewayClient(processC.port(), API_KEY);
    }

    /** A test that kills C starts with a live one. */
    void aliveC() {
        if (!processC.alive()) {
            startC();
        }
    }

    @AfterAll
    void stopGateways() {
        if (processC != null) {
            processC.close();
        }
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {contextA, contextB}) {
            if (context != null) {
                context.close();
            }
        }
        livechat.close();
        bot.close();
    }

    @BeforeEach
    void fresh() {
        livechat.reset();
        livechat.groupStatus(FakeLiveChat.DEFAULT_GROUP, "online");
        bot.failWith(0);
        bot.delay(Duration.ZERO);
    }

    List<String> arguments(String pollInterval) {
        List<String> arguments = new ArrayList<>(livechat.commandLine());
        arguments.addAll(List.of(
                "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + Postgres.USER,
                "--spring.flyway.default-schema=" + schema,
                "--spring.flyway.create-schemas=true",
                "--spring.jmx.enabled=false",              // three gateways, one MBean server in this JVM
                "--camel.main.jmx-enabled=false",
                "--spring.main.banner-mode=off",
                "--handoff.api.keys=" + API_KEY,
                "--handoff.destinations.support.provider=livechat",
                "--handoff.default-destination=support",
                "--handoff.destinations.support.group-ids=" + FakeLiveChat.DEFAULT_GROUP,
                "--handoff.livechat.organization-id=" + FakeLiveChat.ORGANIZATION_ID,
                "--handoff.livechat.webhook-secret=" + WEBHOOK_SECRET,
                "--handoff.callback.url=" + bot.callbackUrl(),
                "--handoff.callback.secret=" + CALLBACK_SECRET,
                "--handoff.callback.initial-backoff=100ms",
                "--handoff.callback.max-backoff=400ms",
                "--handoff.callback.poll-interval=" + pollInterval,
                "--handoff.delivery.lease=" + LEASE.toSeconds() + "s",
                "--handoff.retry.initial-delay=20"));
        return arguments;
    }

    static ConfigurableApplicationContext inProcess(List<String> arguments) {
        // command-line arguments, as for the process: they outrank application.yaml, as the test needs
        List<String> withPort = new ArrayList<>(arguments);
        withPort.add("--server.port=0");
        return new SpringApplicationBuilder(HandoffGatewayApplication.class).run(withPort.toArray(String[]::new));
    }

    static GatewayClient client(ConfigurableApplicationContext context) {
        return new GatewayClient(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")), API_KEY);
    }

    static String newConversationId() {
        return "cluster-" + UUID.randomUUID();
    }

    String startHandoff(GatewayClient gateway, String id) {
        Response answer = gateway.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", id,
                "switch", Map.of("firstMessage", "I need a human"))));
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return answer.json().path("providerChatId").asText();
    }

    /** The fake LiveChat sends its webhooks to this gateway from now on. */
    void webhooksTo(GatewayClient gateway) {
        livechat.webhookTarget(gateway.baseUrl() + "/webhooks/livechat", WEBHOOK_SECRET);
    }

    static List<Long> seqs(List<JsonNode> events) {
        return events.stream().map(e -> e.path("seq").asLong()).toList();
    }

    @Test
    @Order(1)
    void aHandoffOnOneAndItsWebhooksOnTheOther() {
        String id = newConversationId();
        String chat = startHandoff(a, id);
        webhooksTo(b);

        assertThat(livechat.agentJoins(chat, AGENT, "Olga")).isEqualTo(200);
        assertThat(livechat.agentSays(chat, AGENT, "Hello, how can I help?")).isEqualTo(200);

        Response view = a.get("/api/v1/conversations/" + id);
        assertThat(view.json().path("state").asText()).isEqualTo("OPERATOR");
        assertThat(view.json().path("operator").path("name").asText()).isEqualTo("Olga");
        assertThat(a.events(id, 0)).extracting(e -> e.path("type").asText()).containsExactly("operatorJoined", "operatorMessage");
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.eventsOf(id).size() >= 2);
        assertThat(bot.eventsOf(id)).extracting(e -> e.path("type").asText()).containsExactly("operatorJoined", "operatorMessage");

        webhooksTo(a);
        assertThat(livechat.agentCloses(chat, AGENT)).isEqualTo(200);
        assertThat(b.get("/api/v1/conversations/" + id).json().path("state").asText()).isEqualTo("BOT");
    }

    @Test
    @Order(2)
    void theSameRequestIdPostedToBothAtOnceOpensOneChat() throws Exception {
        String id = newConversationId();
        // the first try is still talking to LiveChat when the second arrives
        livechat.delayNext("customer_token", 2, Duration.ofMillis(500));
        String body = GatewayClient.json(Map.of("conversationId", id, "requestId", "req-1",
                "switch", Map.of("firstMessage", "once, please")));

        List<Response> answers = atOnce(() -> a.post("/api/v1/handoffs", body), () -> b.post("/api/v1/handoffs", body));

        assertThat(answers).extracting(Response::status).allMatch(status -> status == 201 || status == 409)
                .contains(201);
        assertThat(livechat.count("start_chat")).isEqualTo(1);
        String chat = answers.stream().filter(r -> r.status() == 201).findFirst().orElseThrow()
                .json().path("providerChatId").asText();
        // a repeat on either instance afterwards gets the first answer and starts nothing
        for (GatewayClient gateway : List.of(a, b)) {
            Response again = gateway.post("/api/v1/handoffs", body);
            assertThat(again.status()).isEqualTo(201);
            assertThat(again.json().path("providerChatId").asText()).isEqualTo(chat);
        }
        assertThat(livechat.count("start_chat")).isEqualTo(1);
    }

    @Test
    @Order(8)
    void theSameMessageIdPostedToBothAtOnceReachesTheOperatorOnce() throws Exception {
        String id = newConversationId();
        String chat = startHandoff(a, id);
        livechat.delayNext("send_event", 1, Duration.ofMillis(500));
        String once = GatewayClient.json(Map.of("messageId", "m-1", "text", "said once"));

        List<Response> answers = atOnce(() -> a.post("/api/v1/conversations/" + id + "/messages", once),
                () -> b.post("/api/v1/conversations/" + id + "/messages", once));
        assertThat(answers).extracting(Response::status).allMatch(status -> status >= 200 && status < 300);

        // a later message arrives after it (acceptance order), so when it is there, any repeat would be too
        assertThat(b.post("/api/v1/conversations/" + id + "/messages",
                GatewayClient.json(Map.of("messageId", "m-2", "text", "said after"))).status()).isBetween(200, 299);
        await().atMost(Duration.ofSeconds(10)).until(() -> texts(chat).contains("said after"));
        assertThat(texts(chat)).filteredOn("said once"::equals).hasSize(1);
    }

    @Test
    @Order(9)
    void theSameWebhookPostedToBothAtOnceIsRecordedOnce() throws Exception {
        String id = newConversationId();
        String chat = startHandoff(a, id);
        livechat.webhookTarget("http://127.0.0.1:1/webhooks/livechat", WEBHOOK_SECRET); // unreachable: the bodies are kept
        livechat.agentSays(chat, AGENT, "Said once");
        List<JsonNode> sent = livechat.webhooksSent();
        String webhook = sent.get(sent.size() - 1).toString();

        // LiveChat's retry lands on the other instance while the first delivery is being recorded
        List<Response> answers = atOnce(() -> a.post("/webhooks/livechat", webhook), () -> b.post("/webhooks/livechat", webhook));

        assertThat(answers).extracting(Response::status).containsOnly(200);
        assertThat(b.events(id, 0)).extracting(e -> e.path("type").asText()).containsExactly("operatorJoined", "operatorMessage");
        assertThat(a.post("/webhooks/livechat", webhook).status()).isEqualTo(200);
        assertThat(a.events(id, 0)).hasSize(2);
    }

    @Test
    @Order(10)
    void theSameClosePhrasePostedToBothAtOnceClosesOnce() throws Exception {
        String id = newConversationId();
        Response started = a.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", id,
                "switch", Map.of("firstMessage", "I need a human", "closeChatPhrases", List.of("bye")))));
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        String chat = started.json().path("providerChatId").asText();
        String bye = GatewayClient.json(Map.of("messageId", "c-1", "text", "bye"));

        List<Response> answers = atOnce(() -> a.post("/api/v1/conversations/" + id + "/messages", bye),
                () -> b.post("/api/v1/conversations/" + id + "/messages", bye));

        // both get the close's answer; one closed
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            assertThat(answer.json().path("closed").asBoolean()).isTrue();
        });
        assertThat(a.post("/api/v1/conversations/" + id + "/messages", bye).status()).isEqualTo(200); // later: the same
        ClientQueue queue = contextA.getBean(ClientQueue.class); // one table for all instances
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.heads(id, 10).isEmpty()); // every close queued is delivered
        assertThat(livechat.count("deactivate_chat")).isEqualTo(1);
        assertThat(livechat.isActive(chat)).isFalse();
        assertThat(b.events(id, 0)).extracting(e -> e.path("type").asText()).containsExactly("livechatFinished");
    }

    @Test
    @Order(3)
    void messagesAlternatingBetweenTheInstancesReachTheOperatorInTheOrderAccepted() {
        String id = newConversationId();
        String chat = startHandoff(a, id);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String text = "message " + i;
            // each is accepted (answered) before the next is posted: the acceptance order is this one
            assertThat((i % 2 == 0 ? a : b).say(id, "m-" + i, text).status()).isBetween(200, 299);
            sent.add(text);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> texts(chat).contains("message 9"));
        assertThat(texts(chat)).filteredOn(sent::contains).containsExactlyElementsOf(sent);
    }

    @Test
    @Order(4)
    void aLongPollOnOneWakesWithinTwoSecondsOnAnEventStoredByAnother() {
        String id = newConversationId();
        String chat = startHandoff(a, id);
        CompletableFuture<Response> waiting = CompletableFuture.supplyAsync(
                () -> c.get("/api/v1/conversations/" + id + "/events?after=0&wait=25"));
        await().atMost(Duration.ofSeconds(10)).until(() -> parkedLongPolls(c) == 1);

        webhooksTo(b);
        assertThat(livechat.agentSays(chat, AGENT, "are you there?")).isEqualTo(200);
        long stored = System.nanoTime();

        Response woken = waiting.join();
        assertThat(Duration.ofNanos(System.nanoTime() - stored)).isLessThan(Duration.ofSeconds(2));
        // the operator's first message: they joined, then spoke (the join alone wakes the poll)
        assertThat(woken.json().path("events").path(0).path("type").asText()).isEqualTo("operatorJoined");
    }

    @Test
    @Order(5)
    void eachEventIsPushedByOneInstanceAtATimeInSeqOrder() {
        String id = newConversationId();
        String chat = startHandoff(a, id);
        bot.delay(Duration.ofMillis(100)); // pushes overlap with the next events' storing on both instances
        for (int i = 0; i < 10; i++) {
            webhooksTo(i % 2 == 0 ? a : b);
            assertThat(livechat.agentSays(chat, AGENT, "message " + i)).isEqualTo(200);
        }

        // the operator's first message also made them join: 11 events
        await().atMost(Duration.ofSeconds(20)).until(() -> bot.eventsOf(id).size() >= 11);
        assertThat(seqs(bot.eventsOf(id))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(bot.mostAtOnce(id)).isEqualTo(1);
    }

    @Test
    @Order(101) // after C is killed: C, not told to drop its tokens, could deliver with the one it has cached
    void aConversationsCustomerTokenIsGrantedOnceAcrossTheInstances() throws Exception {
        String id = newConversationId();
        String chat = startHandoff(a, id);
        assertThat(livechat.count("customer_token")).isEqualTo(1);

        assertThat(b.say(id, "m-1", "sent by the other").status()).isBetween(200, 299);
        await().atMost(Duration.ofSeconds(10)).until(() -> texts(chat).contains("sent by the other"));
        assertThat(livechat.count("customer_token")).isEqualTo(1); // B used the token A was granted

        // no instance has one (dropped by operations), both need it at once: one grants, the other waits for it
        contextA.getBean(LiveChatTokens.class).dropAll();
        contextB.getBean(LiveChatTokens.class).dropAll();
        livechat.delayNext("customer_token", 1, Duration.ofMillis(500));
        List<Response> answers = atOnce(() -> a.say(id, "m-2", "to A"), () -> b.say(id, "m-3", "to B"));
        assertThat(answers).extracting(Response::status).allMatch(status -> status >= 200 && status < 300);
        await().atMost(Duration.ofSeconds(10)).until(() -> texts(chat).containsAll(List.of("to A", "to B")));
        assertThat(livechat.count("customer_token")).isEqualTo(2);
    }

    @Test
    @Order(7)
    void aListeningConnectionThatDiesIsReplacedAndHearsTheOtherInstancesAgain() throws Exception {
        DatabaseNotifications listening = contextA.getBean(DatabaseNotifications.class);
        DatabaseNotifications sending = contextB.getBean(DatabaseNotifications.class);
        List<String> heard = new CopyOnWriteArrayList<>();
        listening.listen("cluster_test", heard::add);
        // a new channel is listened to within half a second: until then a notification is not heard
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            sending.notify("cluster_test", "before");
            return heard.contains("before");
        });
        Integer pid = listeningPid(listening.applicationName());

        assertThat(sql("select pg_terminate_backend(pid) from pg_stat_activity where application_name = ?",
                listening.applicationName())).isEqualTo("t");

        await().atMost(Duration.ofSeconds(15)).until(() -> {
            Integer now = listeningPid(listening.applicationName());
            return now != null && !now.equals(pid);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            sending.notify("cluster_test", "after");
            return heard.contains("after");
        });
    }

    @Test
    @Order(100) // kills C (the tests after it start another)
    void anInstanceKilledMidPushHasItsPushFinishedByAnotherWithinTheLease() throws Exception {
        aliveC();
        bot.delay(SLOW_BOT);
        String id = newConversationId();
        String chat = startHandoff(a, id);
        // A and B push nothing while C stores the events and starts pushing (else the fastest of the three
        // would take the push, which in this JVM is seldom C)
        List<BotDelivery> others = List.of(contextA.getBean(BotDelivery.class), contextB.getBean(BotDelivery.class));
        others.forEach(BotDelivery::stop);
        try {
            webhooksTo(c);
            assertThat(livechat.agentSays(chat, AGENT, "still there?")).isEqualTo(200); // operatorJoined, operatorMessage
            await().atMost(Duration.ofSeconds(10)).until(() -> bot.inFlight(id) == 1);
        } finally {
            others.forEach(BotDelivery::start);
        }
        assertThat(leaseOwner(id, 1)).isNotNull().isNotIn(contextA.getBean(InstanceId.class).value(),
                contextB.getBean(InstanceId.class).value());

        processC.kill();
        long killedAt = System.currentTimeMillis();

        await().atMost(LEASE.plus(SLOW_BOT).plusSeconds(3)).until(() -> deliveredAt(id, 1) != null);
        assertThat(deliveredAt(id, 1) - killedAt).isLessThan(LEASE.plus(SLOW_BOT).plusSeconds(1).toMillis());
        await().atMost(SLOW_BOT.plusSeconds(5)).until(() -> deliveredAt(id, 2) != null);
        List<Long> pushed = seqs(bot.eventsOf(id));
        assertThat(pushed).containsSubsequence(1L, 2L);
        assertThat(pushed.get(pushed.size() - 1)).isEqualTo(2L); // nothing of seq 1 after seq 2
    }

    @Test
    @Order(99) // kills C (the tests after it start another)
    void anInstanceKilledMidClientMessageHasItDeliveredByAnotherWithinTheLease() throws Exception {
        aliveC();
        String id = newConversationId();
        String chat = startHandoff(a, id);
        // C's send_event reaches LiveChat and hangs there: C dies before it hears that it was delivered
        livechat.delayNext("send_event", 1, Duration.ofSeconds(30));
        List<ClientMessageDelivery> others = List.of(contextA.getBean(ClientMessageDelivery.class),
                contextB.getBean(ClientMessageDelivery.class));
        others.forEach(ClientMessageDelivery::stop); // so that C is the one delivering it
        try {
            assertThat(c.say(id, "m-1", "sent while C dies").status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> texts(chat).contains("sent while C dies"));
        } finally {
            others.forEach(ClientMessageDelivery::start);
        }

        processC.kill();
        long killedAt = System.currentTimeMillis();
        assertThat(a.say(id, "m-2", "sent after").status()).isEqualTo(202);

        await().atMost(LEASE.plusSeconds(5)).until(() -> texts(chat).contains("sent after"));
        assertThat(System.currentTimeMillis() - killedAt).isLessThan(LEASE.plusSeconds(3).toMillis());
        // the call C made may have reached LiveChat (it did here): the one that took over sent it again, and
        // the next message came after it. Nothing acknowledged was sent twice
        List<String> texts = texts(chat);
        assertThat(texts.lastIndexOf("sent while C dies")).isLessThan(texts.indexOf("sent after"));
        assertThat(texts).filteredOn("sent after"::equals).hasSize(1);
    }

    /** Runs both calls at the same moment (as far as two threads can) and returns both answers. */
    @SafeVarargs
    static List<Response> atOnce(Supplier<Response>... calls) throws Exception {
        CyclicBarrier start = new CyclicBarrier(calls.length);
        List<CompletableFuture<Response>> answers = new ArrayList<>();
        for (Supplier<Response> call : calls) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return call.get();
            }));
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    List<String> texts(String chat) {
        return livechat.eventsOf(chat).stream().map(e -> e.path("text").asText()).toList();
    }

    static int parkedLongPolls(GatewayClient gateway) {
        return gateway.get("/actuator/health").json().path("components").path("requestPool").path("details")
                .path("parkedLongPolls").asInt(-1);
    }

    Integer listeningPid(String applicationName) throws SQLException {
        String pid = sql("select pid from pg_stat_activity where application_name = ?", applicationName);
        return pid == null ? null : Integer.valueOf(pid);
    }

    String leaseOwner(String id, long seq) throws SQLException {
        return column("lease_owner", id, seq);
    }

    Long deliveredAt(String id, long seq) throws SQLException {
        String value = column("delivered_at", id, seq);
        return value == null ? null : Long.valueOf(value);
    }

    private String column(String column, String id, long seq) throws SQLException {
        return sql("select " + column + " from conversation_event where conversation_id = ? and seq = ?", id, seq);
    }

    /** The first column of the first row, as text; null without a row. */
    private String sql(String query, Object... parameters) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, Postgres.USER, "");
             PreparedStatement statement = connection.prepareStatement(query)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }
}
