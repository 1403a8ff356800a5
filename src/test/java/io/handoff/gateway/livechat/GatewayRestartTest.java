package io.handoff.gateway.livechat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/** A restarted gateway (same H2 file database) still knows its conversations and its answers. */
class GatewayRestartTest {

    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    final Path database = Path.of("target", "restart-test-" + UUID.randomUUID(), "handoff");

    @AfterAll
    static void stopFake() {
        LIVECHAT.close();
    }

    ConfigurableApplicationContext startGateway() {
        // command-line arguments, as an ESB host would pass them: they win over application.yaml
        return new SpringApplicationBuilder(HandoffGatewayApplication.class).run(
                "--server.port=0",
                "--camel.main.name=restart-test",
                "--spring.jmx.enabled=false",
                "--spring.datasource.url=jdbc:h2:file:" + database.toAbsolutePath(),
                "--handoff.api.keys=k",
                "--handoff.livechat.api-url=" + LIVECHAT.apiUrl(),
                "--handoff.livechat.accounts-url=" + LIVECHAT.accountsUrl(),
                "--handoff.livechat.client-id=" + FakeLiveChat.CLIENT_ID,
                "--handoff.livechat.agent-token=" + FakeLiveChat.AGENT_TOKEN,
                "--handoff.destinations.support.group-ids=1");
    }

    static GatewayClient bot(ConfigurableApplicationContext gateway) {
        return new GatewayClient(((WebServerApplicationContext) gateway).getWebServer().getPort(), "k");
    }

    @Test
    void conversationsAndRememberedAnswersSurviveARestart() {
        LIVECHAT.groupStatus(1, "online");
        String body = GatewayClient.json(Map.of("conversationId", "restart-1", "requestId", "r1",
                "switch", Map.of("firstMessage", "hello")));
        Response first;
        try (ConfigurableApplicationContext gateway = startGateway()) {
            first = bot(gateway).post("/api/v1/handoffs", body);
            assertThat(first.status()).isEqualTo(201);
        }

        try (ConfigurableApplicationContext gateway = startGateway()) {
            GatewayClient bot = bot(gateway);
            Response view = bot.get("/api/v1/conversations/restart-1");
            assertThat(view.json().path("state").asText()).isEqualTo("WAITING");
            assertThat(view.json().path("providerChatId").asText()).isEqualTo(first.json().path("providerChatId").asText());
            assertThat(bot.post("/api/v1/handoffs", body).json()).isEqualTo(first.json());
            assertThat(LIVECHAT.count("start_chat")).isEqualTo(1);
        }
    }
}
