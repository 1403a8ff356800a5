package io.handoff.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.FakeBot;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/**
 * What an operator of the ESB sees: Camel's and the gateway's MBeans read over a real JMX connection
 * (RMI on 127.0.0.1) while handoffs run, the health groups, the Prometheus scrape and the log lines.
 *
 * <p>The only test context with JMX on (Camel JMX via {@code @DisableJmx(false)}, Spring JMX via
 * {@code spring.jmx.enabled}), so the production names {@code org.apache.camel:context=handoff-gateway}
 * and {@code handoff:type=...} are what it checks. Another such context in this JVM would need its own
 * {@code camel.main.name} and {@code handoff.ops.jmx-domain}.
 */
@CamelSpringBootTest
@DisableJmx(false)
@AutoConfigureObservability(tracing = false)
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.jmx.enabled=true")
@ExtendWith(OutputCaptureExtension.class)
class OperationsTest {

    static final String API_KEY = "ops-bot-key";
    /** A bot callback that refuses everything, so stored events wait for delivery. */
    static final FakeBot REFUSING_BOT = FakeBot.start("ops-callback-secret");
    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    static final String CAMEL = "org.apache.camel:context=handoff-gateway,";

    static JMXConnectorServer jmxServer;
    static JMXConnector jmxClient;
    static MBeanServerConnection jmx;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> API_KEY);
        registry.add("handoff.destinations.support.provider", () -> "livechat");
        registry.add("handoff.default-destination", () -> "support");
        registry.add("handoff.destinations.support.group-ids", () -> "1");
        registry.add("handoff.livechat.api-url", LIVECHAT::apiUrl);
        registry.add("handoff.livechat.accounts-url", LIVECHAT::accountsUrl);
        registry.add("handoff.livechat.client-id", () -> FakeLiveChat.CLIENT_ID);
        registry.add("handoff.livechat.refresh-token", () -> FakeLiveChat.REFRESH_TOKEN);
        registry.add("handoff.livechat.client-secret", () -> FakeLiveChat.CLIENT_SECRET);
        registry.add("handoff.retry.initial-delay", () -> "20");
        registry.add("handoff.retry.max-delay", () -> "100");
        registry.add("handoff.ops.provider-check.cache-for", () -> "200ms");
        registry.add("handoff.livechat.webhook-secret", () -> "ops-webhook-secret");
        registry.add("handoff.callback.url", REFUSING_BOT::callbackUrl);
        registry.add("handoff.callback.initial-backoff", () -> "1h"); // waiting events stay pending
        REFUSING_BOT.failWith(503);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:operations;DB_CLOSE_DELAY=-1");
    }

    /** A JMX connector on the platform MBean server, reached like jconsole would: over RMI on loopback. */
    @BeforeAll
    static void connectJmx() throws Exception {
        if (System.getProperty("java.rmi.server.hostname") == null) {
            System.setProperty("java.rmi.server.hostname", "127.0.0.1");
        }
        jmxServer = JMXConnectorServerFactory.newJMXConnectorServer(new JMXServiceURL("service:jmx:rmi://127.0.0.1"),
                null, ManagementFactory.getPlatformMBeanServer());
        jmxServer.start();
        jmxClient = JMXConnectorFactory.connect(jmxServer.getAddress());
        jmx = jmxClient.getMBeanServerConnection();
    }

    @AfterAll
    static void disconnect() throws Exception {
        jmxClient.close();
        jmxServer.stop();
        LIVECHAT.close();
    }

    @LocalServerPort
    int port;
    GatewayClient bot;

    @BeforeEach
    void onlineGroup() {
        LIVECHAT.groupStatus(1, "online");
        bot = new GatewayClient(port, API_KEY);
    }

    Response handoff(String conversationId, String firstMessage) {
        return bot.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", conversationId,
                "switch", Map.of("firstMessage", firstMessage))));
    }

    static String newConversationId() {
        return "ops-" + UUID.randomUUID();
    }

    static Object attribute(String objectName, String attribute) throws Exception {
        return jmx.getAttribute(new ObjectName(objectName), attribute);
    }

    static long number(String objectName, String attribute) throws Exception {
        return ((Number) attribute(objectName, attribute)).longValue();
    }

    static Object invoke(String objectName, String operation, String... arguments) throws Exception {
        String[] signature = new String[arguments.length];
        Arrays.fill(signature, String.class.getName());
        return jmx.invoke(new ObjectName(objectName), operation, arguments, signature);
    }

    static Set<String> names(String pattern) throws Exception {
        return jmx.queryNames(new ObjectName(pattern), null).stream()
                .map(n -> ObjectName.unquote(n.getKeyProperty("name")))
                .collect(Collectors.toSet());
    }

    @Test
    void camelIsInJmxWithAStableNameExtendedStatisticsAndEveryRouteAndOutboundCallByItsId() throws Exception {
        String context = CAMEL + "type=context,name=\"handoff-gateway\"";
        assertThat(attribute(context, "State")).isEqualTo("Started");
        assertThat(String.valueOf(attribute(context, "ManagementStatisticsLevel"))).isEqualTo("Extended");

        Set<String> routes = names(CAMEL + "type=routes,*");
        assertThat(routes).contains("start-handoff", "get-conversation", "api-doc", "switch-intake",
                "destination-router", "livechat-handoff", "conversation-view", "livechat-agent-token",
                "livechat-customer-token", "livechat-start-chat", "livechat-resume-chat", "livechat-send-event");
        assertThat(routes).noneMatch(id -> id.matches("route\\d+"));

        // each call that leaves the gateway is a processor named after the provider method it calls
        Set<String> processors = names(CAMEL + "type=processors,*");
        assertThat(processors).contains("livechat-token-refresh", "livechat-customer-grant",
                "livechat-get_dynamic_configuration", "livechat-list_group_statuses", "livechat-update_customer",
                "livechat-start_chat", "livechat-resume_chat", "livechat-send_event", "livechat-deactivate_chat",
                "livechat-list_webhooks", "livechat-register_webhook", "livetex-getDestinations", "livetex-sendText");
        assertThat(attribute(CAMEL + "type=processors,name=\"livechat-start_chat\"", "RouteId"))
                .isEqualTo("livechat-start-chat");
        // two routes call send_event: the handoff's transcript has its own step id, each in its own route
        assertThat(attribute(CAMEL + "type=processors,name=\"livechat-send_event\"", "RouteId"))
                .isEqualTo("livechat-send-event");
        assertThat(attribute(CAMEL + "type=processors,name=\"livechat-initial-send_event\"", "RouteId"))
                .isEqualTo("livechat-send-initial-event");
    }

    @Test
    void theGatewayMBeansCountHandoffsConversationsEventsAndTokensWhileTrafficFlows() throws Exception {
        String handoffs = "handoff:type=Handoffs";
        String conversations = "handoff:type=Conversations";
        String events = "handoff:type=EventDelivery";
        String tokens = "handoff:type=TokenCache,provider=livechat";
        String startChatRoute = CAMEL + "type=routes,name=\"livechat-start-chat\"";
        long started = number(handoffs, "Started");
        long waiting = number(conversations, "Waiting");
        long grants = number(tokens, "CustomerGrants");
        long completedStartChats = number(startChatRoute, "ExchangesCompleted");

        // three parallel handoffs held inside LiveChat's start_chat while JMX is read
        LIVECHAT.delayNext("start_chat", 3, Duration.ofMillis(1500));
        ExecutorService bots = Executors.newFixedThreadPool(3);
        List<CompletableFuture<Response>> inFlight = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = newConversationId();
            inFlight.add(CompletableFuture.supplyAsync(() -> handoff(id, "hello"), bots));
        }
        bots.shutdown();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> number(startChatRoute, "ExchangesInflight") >= 1);
        assertThat(number(CAMEL + "type=routes,name=\"switch-intake\"", "ExchangesInflight")).isPositive();
        assertThat(number(conversations, "Bot")).isGreaterThanOrEqualTo(1); // taken, not yet started
        for (CompletableFuture<Response> handoff : inFlight) {
            assertThat(handoff.get().status()).isEqualTo(201);
        }

        assertThat(number(handoffs, "Started")).isEqualTo(started + 3);
        assertThat(number(conversations, "Waiting")).isEqualTo(waiting + 3);
        @SuppressWarnings("unchecked")
        Map<String, Long> byStateAndProvider = (Map<String, Long>) attribute(conversations, "ByStateAndProvider");
        assertThat(byStateAndProvider.get("WAITING/livechat")).isEqualTo(waiting + 3);
        assertThat(number(tokens, "CustomerGrants")).isEqualTo(grants + 3);
        assertThat(number(tokens, "AgentRefreshes")).isPositive();
        assertThat(number(startChatRoute, "ExchangesCompleted")).isEqualTo(completedStartChats + 3);
        assertThat(number(startChatRoute, "MaxProcessingTime")).isGreaterThanOrEqualTo(1500);

        // nobody online: a refusal, and the noLivechatOperatorsOnline event waits for delivery
        long refused = number(handoffs, "RefusedOffline");
        long pending = number(events, "Pending");
        LIVECHAT.groupStatus(1, "offline");
        assertThat(handoff(newConversationId(), "anyone?").status()).isEqualTo(409);
        assertThat(number(handoffs, "RefusedOffline")).isEqualTo(refused + 1);
        assertThat(number(events, "Pending")).isEqualTo(pending + 1);
        assertThat(number(events, "OldestPendingAgeSeconds")).isNotNegative();

        // LiveChat failing beyond the retries: a failed handoff
        LIVECHAT.groupStatus(1, "online");
        long failed = number(handoffs, "Failed");
        LIVECHAT.failNext("start_chat", 4, 500, "internal");
        assertThat(handoff(newConversationId(), "hi").status()).isEqualTo(502);
        assertThat(number(handoffs, "Failed")).isEqualTo(failed + 1);

        // a webhook with a wrong secret is counted as a rejection of its provider
        long rejected = number("handoff:type=Webhooks", "Rejected");
        Response forged = bot.send(bot.request("/webhooks/livechat").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"action\":\"chat_deactivated\",\"secret_key\":\"guess\",\"payload\":{\"chat_id\":\"X\"}}")));
        assertThat(forged.status()).isEqualTo(401);
        assertThat(number("handoff:type=Webhooks", "Rejected")).isEqualTo(rejected + 1);
        @SuppressWarnings("unchecked")
        Map<String, Long> byProvider = (Map<String, Long>) attribute("handoff:type=Webhooks", "RejectedByProvider");
        assertThat(byProvider.get("livechat")).isEqualTo(rejected + 1);
    }

    @Test
    void operationsDropTheTokenCacheCloseAConversationAndRetryDeliveries() throws Exception {
        String tokens = "handoff:type=TokenCache,provider=livechat";
        assertThat(handoff(newConversationId(), "hi").status()).isEqualTo(201);
        int refreshes = LIVECHAT.count("token");

        assertThat((String) invoke(tokens, "dropCachedTokens")).matches("Dropped [1-9]\\d* cached LiveChat token\\(s\\)");
        assertThat(handoff(newConversationId(), "hi again").status()).isEqualTo(201);
        assertThat(LIVECHAT.count("token")).isEqualTo(refreshes + 1); // the agent token was obtained afresh

        assertThat((String) invoke("handoff:type=Conversations", "close", "any-conversation"))
                .startsWith("Not closed");
        String open = newConversationId();
        assertThat(handoff(open, "close me").status()).isEqualTo(201);
        assertThat((String) invoke("handoff:type=Conversations", "close", open)).startsWith("Closed");
        assertThat(bot.get("/api/v1/conversations/" + open).json().path("state").asText()).isEqualTo("BOT");

        long pending = number("handoff:type=EventDelivery", "Pending");
        assertThat(pending).isPositive(); // at least the livechatFinished of the close, refused by the callback
        assertThat((String) invoke("handoff:type=EventDelivery", "retryPendingNow")).matches("\\d+ pending event\\(s\\) made due now");
    }

    @Test
    void healthHasLivenessAndReadinessAndReadinessFollowsTheProviderWithoutSpendingTokens() {
        GatewayClient actuator = new GatewayClient(port, null);
        Response liveness = actuator.get("/actuator/health/liveness");
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(liveness.json().path("components").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("livenessState", "camelLivenessState");

        Response readiness = actuator.get("/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.json().path("components").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("readinessState", "camelReadinessState", "db", "providers", "requestPool");
        assertThat(readiness.json().at("/components/providers/components/livechat/status").asText()).isEqualTo("UP");
        assertThat(readiness.json().at("/components/providers/components/livechat/details/api/url").asText())
                .isEqualTo(LIVECHAT.apiUrl());

        int tokenCalls = LIVECHAT.count("token") + LIVECHAT.count("customer_token");
        LIVECHAT.setDown(true);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> actuator.get("/actuator/health/readiness").status() == 503);
            Response down = actuator.get("/actuator/health/readiness");
            assertThat(down.json().at("/components/providers/components/livechat/status").asText()).isEqualTo("DOWN");
            assertThat(down.json().at("/components/db/status").asText()).isEqualTo("UP");
            assertThat(actuator.get("/actuator/health/liveness").status()).isEqualTo(200); // not a reason to restart
        } finally {
            LIVECHAT.setDown(false);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> actuator.get("/actuator/health/readiness").status() == 200);
        assertThat(LIVECHAT.count("token") + LIVECHAT.count("customer_token")).isEqualTo(tokenCalls);
    }

    @Test
    void prometheusHasCamelRouteMetricsAndTheGatewayCounters() {
        assertThat(handoff(newConversationId(), "hi").status()).isEqualTo(201);

        Response scrape = new GatewayClient(port, null).get("/actuator/prometheus");

        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.text()).contains(
                "camel_exchanges_total{camelContext=\"handoff-gateway\",eventType=\"route\",kind=\"CamelRoute\",routeId=\"switch-intake\"}",
                "camel_route_policy_seconds_count{",
                "routeId=\"livechat-start-chat\"",
                "handoff_handoffs_started_total{destination=\"support\",provider=\"livechat\"}",
                "handoff_handoffs_refused_offline_total{destination=\"support\",provider=\"livechat\"}",
                "handoff_conversations{provider=\"livechat\",state=\"WAITING\"}",
                "handoff_events_pending ",
                "handoff_events_pending_oldest_age_seconds ",
                "handoff_tokens_cache_hits_total{provider=\"livechat\"}",
                "handoff_tokens_grants_total{provider=\"livechat\"}",
                "handoff_tokens_refreshes_total{provider=\"livechat\"}",
                "handoff_tokens_authentication_failures_total{provider=\"livechat\"}",
                "handoff_webhooks_rejected_total{provider=\"livechat\"}");
    }

    @Test
    void logsHaveALinePerHandoffAndEventWithTheConversationIdAndNeverTheTexts(CapturedOutput output) {
        String started = newConversationId();
        String refused = newConversationId();
        String text = "my card number is " + UUID.randomUUID();

        assertThat(handoff(started, text).status()).isEqualTo(201);
        LIVECHAT.groupStatus(1, "offline");
        assertThat(handoff(refused, text).status()).isEqualTo(409);

        assertThat(output.getOut()).contains("conversation=" + started + " handoff started destination=support")
                .contains("conversation=" + refused + " event stored seq=1 type=noLivechatOperatorsOnline")
                .contains("conversation=" + refused + " refused: 409 no-operators-online")
                .doesNotContain(text);
    }
}
