package io.handoff.gateway.dialogflow;

import static io.handoff.gateway.fakes.FakeDialogflow.liveAgentHandoff;
import static io.handoff.gateway.fakes.FakeDialogflow.say;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.handoff.gateway.fakes.FakeDialogflow;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayProcess;

/**
 * The door's answers are kept with their messageId in the H2 file before they leave, as the answers of the bot
 * API are (api.H2GroupWrite): killed as by {@code kill -9} right after answering, the gateway gives a repeated
 * messageId its first answer after the restart, not {@code 409 message-in-progress} for the five minutes a
 * claim of a crashed instance is held. Both kinds of answer: one the door forwards from the client-message
 * route (a 202 during the handoff) and a problem of the door's own (a file while the bot owns the conversation).
 */
class DialogflowDoorKilledH2Test {

    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    static final FakeDialogflow DIALOGFLOW = FakeDialogflow.start();
    static final String AGENT_ID = "0b6c0f4e-1111-2222-3333-444455556666";
    static final String API_KEY = "door-killed-key";
    final Path database = Path.of("target", "door-killed-h2-" + UUID.randomUUID(), "handoff");

    static {
        DIALOGFLOW.cxAgent("shop-project", "global", AGENT_ID)
                .onText("operator", say("Connecting you to a person..."), liveAgentHandoff("{\"destination\": \"support\"}"))
                .fallback(say("Type \"operator\" to reach a person."));
    }

    @AfterAll
    static void stopFakes() {
        LIVECHAT.close();
        DIALOGFLOW.close();
    }

    GatewayProcess startGateway() {
        String shop = "--handoff.dialogflow.agents.shop.";
        List<String> args = new ArrayList<>(LIVECHAT.commandLine());
        args.addAll(List.of(
                "--spring.datasource.url=jdbc:h2:file:" + database.toAbsolutePath(),
                "--spring.main.banner-mode=off",
                "--handoff.api.keys=" + API_KEY,
                "--handoff.destinations.support.provider=livechat",
                "--handoff.default-destination=support",
                "--handoff.destinations.support.group-ids=1",
                shop + "edition=cx",
                shop + "project-id=shop-project",
                shop + "agent-id=" + AGENT_ID,
                shop + "language-code=en",
                shop + "api-url=" + DIALOGFLOW.apiUrl(),
                shop + "credentials=" + DIALOGFLOW.credentialsResource()));
        return GatewayProcess.start("door-killed-gateway", args, API_KEY, Duration.ofSeconds(120));
    }

    static GatewayClient.Response send(GatewayClient bot, String conversationId, Map<String, Object> message) {
        return bot.post("/api/v1/dialogflow/shop/conversations/" + conversationId + "/messages", GatewayClient.json(message));
    }

    @Test
    void answersGivenJustBeforeAKill9AreGivenAgainToRepeatsAfterIt() {
        LIVECHAT.reset();
        LIVECHAT.groupStatus(1, "online");
        Map<String, Object> toOperator = Map.of("messageId", "m-2", "text", "my order 42 is late");
        Map<String, Object> fileToTheBot = Map.of("messageId", "f-1", "file", Map.of("url", "https://files.example.com/a.pdf"));
        GatewayClient.Response forwarded;
        GatewayClient.Response refused;
        try (GatewayProcess gateway = startGateway()) {
            GatewayClient bot = new GatewayClient(gateway.port(), API_KEY);
            GatewayClient.Response handoff = send(bot, "in-handoff", Map.of("messageId", "m-1", "text", "operator"));
            assertThat(handoff.json().path("state").asText()).as(handoff.text()).isEqualTo("WAITING");
            refused = send(bot, "with-the-bot", fileToTheBot);
            assertThat(refused.json().path("type").asText()).as(refused.text()).isEqualTo("urn:handoff:problem:not-in-handoff");
            forwarded = send(bot, "in-handoff", toOperator);
            assertThat(forwarded.status()).as(forwarded.text()).isEqualTo(202);
            gateway.kill(); // at once: no shutdown hook, nothing flushed on the way out
        }

        try (GatewayProcess gateway = startGateway()) {
            GatewayClient bot = new GatewayClient(gateway.port(), API_KEY);
            GatewayClient.Response forwardedAgain = send(bot, "in-handoff", toOperator);
            assertThat(forwardedAgain.status()).as(forwardedAgain.text()).isEqualTo(202);
            assertThat(forwardedAgain.json()).isEqualTo(forwarded.json());
            GatewayClient.Response refusedAgain = send(bot, "with-the-bot", fileToTheBot);
            assertThat(refusedAgain.status()).as(refusedAgain.text()).isEqualTo(409);
            assertThat(refusedAgain.json()).isEqualTo(refused.json());
        }
    }
}
