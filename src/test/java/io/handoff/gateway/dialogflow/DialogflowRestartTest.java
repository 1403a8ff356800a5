package io.handoff.gateway.dialogflow;

import static io.handoff.gateway.fakes.FakeDialogflow.liveAgentHandoff;
import static io.handoff.gateway.fakes.FakeDialogflow.say;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.fakes.FakeDialogflow;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.GatewayClient;

/**
 * Restarts in the middle of a Dialogflow handoff (same H2 file database): the session binding, the handoff and a
 * resume that had not gone through yet survive, and the resume is stored once.
 */
class DialogflowRestartTest {

    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    static final FakeDialogflow DIALOGFLOW = FakeDialogflow.start();
    static final String AGENT_ID = "0b6c0f4e-1111-2222-3333-444455556666";
    final Path database = Path.of("target", "dialogflow-restart-" + UUID.randomUUID(), "handoff");

    static {
        DIALOGFLOW.cxAgent("shop-project", "global", AGENT_ID)
                .onText("hi", say("Hello!"))
                .onText("operator", say("Connecting you..."), liveAgentHandoff("{\"destination\": \"support\"}"))
                .onEvent("handoff_ended", say("Welcome back!"));
    }

    @AfterAll
    static void stopFakes() {
        LIVECHAT.close();
        DIALOGFLOW.close();
    }

    ConfigurableApplicationContext startGateway() {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--camel.main.name=dialogflow-restart-test",
                "--spring.jmx.enabled=false",
                "--spring.datasource.url=jdbc:h2:file:" + database.toAbsolutePath(),
                "--handoff.api.keys=k",
                "--handoff.livechat.webhook-secret=wh",
                "--handoff.destinations.support.provider=livechat",
                "--handoff.default-destination=support",
                "--handoff.destinations.support.group-ids=1",
                "--handoff.dialogflow.resume-poll-interval=200ms",
                "--handoff.dialogflow.agents.shop.edition=cx",
                "--handoff.dialogflow.agents.shop.project-id=shop-project",
                "--handoff.dialogflow.agents.shop.agent-id=" + AGENT_ID,
                "--handoff.dialogflow.agents.shop.language-code=en",
                "--handoff.dialogflow.agents.shop.api-url=" + DIALOGFLOW.apiUrl(),
                "--handoff.dialogflow.agents.shop.credentials=" + DIALOGFLOW.credentialsResource()));
        args.addAll(LIVECHAT.commandLine());
        return new SpringApplicationBuilder(HandoffGatewayApplication.class).run(args.toArray(String[]::new));
    }

    static GatewayClient client(ConfigurableApplicationContext gateway) {
        return new GatewayClient(((WebServerApplicationContext) gateway).getWebServer().getPort(), "k");
    }

    static GatewayClient.Response post(GatewayClient client, String id, String messageId, String text) {
        return client.post("/api/v1/dialogflow/shop/conversations/" + id + "/messages",
                GatewayClient.json(Map.of("messageId", messageId, "text", text)));
    }

    static List<String> types(GatewayClient client, String id) {
        List<String> types = new ArrayList<>();
        client.get("/api/v1/conversations/" + id + "/events").json().path("events").forEach(e -> types.add(e.path("type").asText()));
        return types;
    }

    /** Resume calls that were answered (refused ones are not among the detectIntent calls). */
    static long resumeCalls() {
        return DIALOGFLOW.detectIntentCalls().stream().filter(c -> "handoff_ended".equals(c.event())).count();
    }

    @Test
    void aHandoffAndAPendingResumeSurviveRestarts() {
        LIVECHAT.groupStatus(1, "online");
        String id = "restart-" + UUID.randomUUID();
        String chat;
        GatewayClient.Response hello;
        try (ConfigurableApplicationContext gateway = startGateway()) {
            GatewayClient client = client(gateway);
            hello = post(client, id, "m1", "hi");
            assertThat(hello.status()).isEqualTo(200);
            GatewayClient.Response handoff = post(client, id, "m2", "operator");
            assertThat(handoff.json().path("state").asText()).isEqualTo("WAITING");
            chat = handoff.json().path("handoff").path("providerChatId").asText();
        }

        try (ConfigurableApplicationContext gateway = startGateway()) {
            GatewayClient client = client(gateway);
            assertThat(post(client, id, "m1", "hi").json()).isEqualTo(hello.json()); // remembered across the restart
            assertThat(post(client, id, "m3", "are you there?").status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> LIVECHAT.eventsOf(chat).stream()
                    .anyMatch(e -> e.path("text").asText().equals("are you there?")));

            // Dialogflow is unavailable when the operator closes: the resume waits, retried in the background
            DIALOGFLOW.failNext(FakeDialogflow.DETECT_INTENT, 100, 503);
            LIVECHAT.webhookTarget(client.baseUrl() + "/webhooks/livechat", "wh");
            LIVECHAT.agentJoins(chat, "anna@example.com", "Anna");
            LIVECHAT.agentCloses(chat, "anna@example.com");
            await().atMost(Duration.ofSeconds(10)).until(() -> DIALOGFLOW.count(FakeDialogflow.DETECT_INTENT) >= 3);
            assertThat(types(client, id)).contains("livechatFinished").doesNotContain("botMessage");
        }

        DIALOGFLOW.reset(); // available again
        try (ConfigurableApplicationContext gateway = startGateway()) {
            GatewayClient client = client(gateway);
            await().atMost(Duration.ofSeconds(30)).until(() -> types(client, id).contains("botMessage"));
            List<String> types = types(client, id);
            assertThat(types.indexOf("botMessage")).isGreaterThan(types.indexOf("livechatFinished"));
            assertThat(types.stream().filter("botMessage"::equals)).hasSize(1);
            JsonNode view = client.get("/api/v1/conversations/" + id).json();
            assertThat(view.path("state").asText()).isEqualTo("BOT");

            GatewayClient.Response again = post(client, id, "m4", "hi");
            assertThat(again.json().path("replies").get(0).path("text").asText()).isEqualTo("Hello!");
            List<FakeDialogflow.DetectIntentCall> calls = DIALOGFLOW.detectIntentCalls();
            assertThat(calls.get(calls.size() - 1).sessionId()).isEqualTo(DialogflowSessions.sessionId(id));
            assertThat(resumeCalls()).isEqualTo(1);
        }
    }
}
