package io.handoff.gateway.delivery;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Issue 10: waiting pulls ({@code events?wait=S}) hold no thread, are capped per instance, and handoffs and
 * webhooks work whatever they do. The request pool is deliberately smaller than the cap (16 threads, 20
 * long-polls), so a long-poll that held a thread could not be parked 20 times. All over HTTP on 127.0.0.1.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LongPollTest {

    static final String API_KEY = "long-poll-bot-key";
    static final String WEBHOOK_SECRET = "long-poll-webhook-secret";
    static final String AGENT = "anna@example.com";
    static final int CAP = 20;
    static final int POOL = 16;
    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> API_KEY);
        registry.add("handoff.api.max-long-polls", () -> CAP);
        registry.add("spring.task.execution.pool.core-size", () -> POOL);
        registry.add("spring.task.execution.pool.max-size", () -> POOL);
        registry.add("handoff.destinations.support.provider", () -> "livechat");
        registry.add("handoff.default-destination", () -> "support");
        registry.add("handoff.destinations.support.group-ids", () -> "1");
        LIVECHAT.configure(registry, WEBHOOK_SECRET);
        registry.add("handoff.ops.provider-check.cache-for", () -> "200ms");
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:long-poll;DB_CLOSE_DELAY=-1");
    }

    @AfterAll
    static void stop() {
        LIVECHAT.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry meters;
    GatewayClient bot;
    GatewayClient actuator;
    /** Its own client, HTTP/1.1: one connection per waiting pull, as many bots would have. */
    final HttpClient polls = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void connect() {
        LIVECHAT.reset();
        LIVECHAT.groupStatus(1, "online");
        LIVECHAT.webhookTarget("http://127.0.0.1:" + port + "/webhooks/livechat", WEBHOOK_SECRET);
        bot = new GatewayClient(port, API_KEY);
        actuator = new GatewayClient(port, null);
    }

    static String newConversationId() {
        return "poll-" + UUID.randomUUID();
    }

    String startHandoff(String id) {
        Response answer = bot.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", id,
                "switch", Map.of("firstMessage", "a human, please"))));
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return answer.json().path("providerChatId").asText();
    }

    CompletableFuture<HttpResponse<String>> poll(String id, int waitSeconds) {
        HttpRequest request = bot.request("/api/v1/conversations/" + id + "/events?after=0&wait=" + waitSeconds)
                .timeout(Duration.ofSeconds(waitSeconds + 20)).GET().build();
        return polls.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    JsonNode requestPool() {
        return actuator.get("/actuator/health").json().at("/components/requestPool");
    }

    int parkedLongPolls() {
        return requestPool().at("/details/parkedLongPolls").asInt();
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new IllegalStateException(response.body(), e);
        }
    }

    @Test
    void twiceTheCapOfWaitingPullsParksTheCapRefusesTheRestAndHandoffsAndWebhooksKeepWorking() {
        String first = newConversationId();
        String many = newConversationId();
        String firstChat = startHandoff(first);
        String manyChat = startHandoff(many);

        // one poll of the first conversation surely parked, then 2 × cap - 1 of the other
        CompletableFuture<HttpResponse<String>> firstPoll = poll(first, 30);
        await().atMost(Duration.ofSeconds(10)).until(() -> parkedLongPolls() == 1);
        List<CompletableFuture<HttpResponse<String>>> manyPolls = new ArrayList<>();
        for (int i = 0; i < 2 * CAP - 1; i++) {
            manyPolls.add(poll(many, 30));
        }

        // beyond the cap: refused at once, not after the wait
        await().atMost(Duration.ofSeconds(15))
                .until(() -> manyPolls.stream().filter(CompletableFuture::isDone).count() >= CAP);
        List<HttpResponse<String>> refused = manyPolls.stream().filter(CompletableFuture::isDone)
                .map(CompletableFuture::join).toList();
        assertThat(refused).hasSize(CAP);
        for (HttpResponse<String> response : refused) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json(response).path("type").asText()).isEqualTo("urn:handoff:problem:too-many-long-polls");
            assertThat(response.headers().firstValue("Retry-After")).hasValueSatisfying(
                    seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
        }
        JsonNode pool = requestPool();
        assertThat(pool.at("/details/parkedLongPolls").asInt()).isEqualTo(CAP);
        assertThat(pool.at("/details/maxLongPolls").asInt()).isEqualTo(CAP);
        assertThat(pool.at("/details/maxThreads").asInt()).isEqualTo(POOL);
        assertThat(pool.at("/status").asText()).isEqualTo("UP"); // long-polls at their cap are no reason to stop traffic

        // meanwhile, with more parked polls than the pool has threads: a handoff, its webhook, reads
        String other = newConversationId();
        String otherChat = startHandoff(other);
        assertThat(LIVECHAT.agentJoins(otherChat, AGENT, "Anna")).isEqualTo(200);
        Response view = bot.get("/api/v1/conversations/" + other);
        assertThat(view.status()).isEqualTo(200);
        assertThat(view.json().path("state").asText()).isEqualTo("OPERATOR");
        Response now = bot.get("/api/v1/conversations/" + other + "/events?after=0&wait=0");
        assertThat(now.status()).isEqualTo(200);
        assertThat(now.json().at("/events/0/type").asText()).isEqualTo("operatorJoined");
        assertThat(firstPoll).isNotDone();

        // an event of a parked poll's conversation answers it, long before its 30 s
        assertThat(LIVECHAT.agentSays(firstChat, AGENT, "Hello, I am Anna")).isEqualTo(200);
        HttpResponse<String> woken = await().atMost(Duration.ofSeconds(5)).until(
                () -> firstPoll.isDone() ? firstPoll.join() : null, response -> response != null);
        assertThat(woken.statusCode()).isEqualTo(200);
        // the first event stored answers it: the operatorJoined the message implies, maybe the message too
        assertThat(json(woken).at("/events/0/seq").asLong()).isEqualTo(1);
        assertThat(json(woken).at("/events/0/conversationId").asText()).isEqualTo(first);
        JsonNode all = bot.get("/api/v1/conversations/" + first + "/events?after=0").json().path("events");
        assertThat(all.at("/1/type").asText()).isEqualTo("operatorMessage");
        assertThat(all.at("/1/text").asText()).isEqualTo("Hello, I am Anna");

        // and the others' event answers all of them; the count goes back to 0
        assertThat(LIVECHAT.agentJoins(manyChat, AGENT, "Anna")).isEqualTo(200);
        List<CompletableFuture<HttpResponse<String>>> parked = manyPolls.stream()
                .filter(future -> !refused.contains(future.getNow(null))).toList();
        assertThat(parked).hasSize(CAP - 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> parked.stream().allMatch(CompletableFuture::isDone));
        for (CompletableFuture<HttpResponse<String>> future : parked) {
            assertThat(future.join().statusCode()).isEqualTo(200);
            assertThat(json(future.join()).at("/events/0/type").asText()).isEqualTo("operatorJoined");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> parkedLongPolls() == 0);
    }

    @Test
    void aPollWaitsItsSecondsAndIsAnsweredEmptyAndOneWithEventsIsAnsweredAtOnce() {
        String id = newConversationId();
        String chat = startHandoff(id);

        long started = System.nanoTime();
        HttpResponse<String> empty = poll(id, 1).join();
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(json(empty).path("events")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));

        assertThat(LIVECHAT.agentJoins(chat, AGENT, "Anna")).isEqualTo(200);
        HttpResponse<String> there = poll(id, 30).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(there.statusCode()).isEqualTo(200);
        assertThat(json(there).at("/events/0/seq").asLong()).isEqualTo(1);
        assertThat(parkedLongPolls()).isZero();
    }

    @Test
    void waitingPullsAreServedWithoutTheRouteAndTheOthersByIt() {
        String id = newConversationId();
        startHandoff(id);
        double routed = routeExchanges("conversation-events");

        assertThat(bot.get("/api/v1/conversations/" + id + "/events?after=0").status()).isEqualTo(200);
        assertThat(bot.get("/api/v1/conversations/" + id + "/events?after=0&wait=0").status()).isEqualTo(200);
        assertThat(routeExchanges("conversation-events")).isEqualTo(routed + 2);

        assertThat(poll(id, 1).join().statusCode()).isEqualTo(200);
        assertThat(routeExchanges("conversation-events")).isEqualTo(routed + 2);
    }

    /** Exchanges the route completed, from Camel's own route metrics. */
    double routeExchanges(String routeId) {
        return meters.find("camel.exchanges.total").tag("routeId", routeId).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    @Test
    void bothPathsRefuseTheSameWay() {
        String id = newConversationId();
        startHandoff(id);
        String events = "/api/v1/conversations/" + id + "/events";
        for (String query : List.of("?wait=31", "?wait=abc", "?wait=-1", "?after=-1&wait=5", "?after=x&wait=0", "?wait=0x")) {
            Response refused = bot.get(events + query);
            assertThat(refused.status()).as(query).isEqualTo(400);
            assertThat(refused.contentType()).as(query).isEqualTo("application/problem+json");
            assertThat(refused.type()).as(query).isEqualTo("urn:handoff:problem:invalid-request");
        }
        for (String query : List.of("?wait=5", "?wait=0", "")) {
            Response unknown = bot.get("/api/v1/conversations/never-seen/events" + query);
            assertThat(unknown.status()).as(query).isEqualTo(404);
            assertThat(unknown.type()).as(query).isEqualTo("urn:handoff:problem:not-found");
        }
        Response noKey = new GatewayClient(port, "wrong-key").get(events + "?wait=5");
        assertThat(noKey.status()).isEqualTo(401);
    }

    @Test
    void aFullRequestPoolAnswers503WithRetryAfterAndReadinessSaysSoWhileMessagesReadsAndLongPollsGoOn() {
        String waiting = newConversationId();
        String waitingChat = startHandoff(waiting);

        // every pool thread inside a handoff that LiveChat holds
        LIVECHAT.delayNext("start_chat", POOL, Duration.ofSeconds(8));
        ExecutorService bots = Executors.newFixedThreadPool(POOL);
        List<CompletableFuture<Response>> handoffs = new ArrayList<>();
        for (int i = 0; i < POOL; i++) {
            String id = newConversationId();
            handoffs.add(CompletableFuture.supplyAsync(() -> bot.post("/api/v1/handoffs",
                    GatewayClient.json(Map.of("conversationId", id, "switch", Map.of("firstMessage", "hi")))), bots));
        }
        bots.shutdown();
        CompletableFuture<HttpResponse<String>> poll;
        try {
            poll = whileThePoolIsFullAWaitingPullParks(waiting);
        } finally {
            handoffs.forEach(CompletableFuture::join); // the next test gets a free pool
        }
        for (CompletableFuture<Response> handoff : handoffs) {
            assertThat(handoff.join().status()).isEqualTo(201);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> actuator.get("/actuator/health/readiness").status() == 200);
        assertThat(LIVECHAT.agentJoins(waitingChat, AGENT, "Anna")).isEqualTo(200);
        assertThat(poll.orTimeout(10, TimeUnit.SECONDS).join().statusCode()).isEqualTo(200);
    }

    CompletableFuture<HttpResponse<String>> whileThePoolIsFullAWaitingPullParks(String waiting) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> requestPool().at("/details/activeThreads").asInt() == POOL);

        // a call that needs the pool (it may wait for a provider) is refused before anything is done
        HttpResponse<String> busy = polls.sendAsync(bot.request("/api/v1/handoffs").POST(HttpRequest.BodyPublishers.ofString(
                        GatewayClient.json(Map.of("conversationId", newConversationId(), "switch", Map.of("firstMessage", "hi")))))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString()).join();
        assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
        assertThat(busy.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(busy).path("type").asText()).isEqualTo("urn:handoff:problem:gateway-busy");
        Response readiness = actuator.get("/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(503);
        assertThat(readiness.json().at("/components/requestPool/status").asText()).isEqualTo("OUT_OF_SERVICE");
        assertThat(actuator.get("/actuator/health/liveness").status()).isEqualTo(200);

        // the paths of handoff.api.server-thread-paths need none: the client's messages and reads go on
        Response message = bot.post("/api/v1/conversations/" + waiting + "/messages",
                GatewayClient.json(Map.of("messageId", "while-busy", "text", "still there?")));
        assertThat(message.status()).as(message.text()).isEqualTo(202);
        assertThat(bot.get("/api/v1/conversations/" + waiting).status()).isEqualTo(200);
        assertThat(bot.get("/api/v1/conversations/" + waiting + "/events?after=0").status()).isEqualTo(200);

        // a long-poll needs no pool thread
        CompletableFuture<HttpResponse<String>> poll = poll(waiting, 30);
        await().atMost(Duration.ofSeconds(5)).until(() -> parkedLongPolls() == 1);
        return poll;
    }
}
