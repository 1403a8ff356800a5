package io.handoff.gateway.dialogflow;

import static io.handoff.gateway.fakes.FakeDialogflow.say;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.fakes.FakeDialogflow;
import io.handoff.gateway.support.GatewayClient;

/**
 * A detectIntent that outlives the HTTP response timeout (camel.component.http.response-timeout, short here): the
 * channel gets 503 dialogflow-unavailable at the timeout, and the call is not made again, since Dialogflow may have
 * acted on it (detectIntent is not idempotent: gateway-api.md §7). Over HTTP on 127.0.0.1, H2.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DialogflowTimeoutTest {

    static final String AGENT_ID = "0b6c0f4e-7777-8888-9999-444455556666";
    static final FakeDialogflow DIALOGFLOW = FakeDialogflow.start();

    static {
        DIALOGFLOW.cxAgent("slow-project", "global", AGENT_ID).onText("hi", say("Hello!"));
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> "bot-key");
        String agent = "handoff.dialogflow.agents.slow.";
        registry.add(agent + "edition", () -> "cx");
        registry.add(agent + "project-id", () -> "slow-project");
        registry.add(agent + "agent-id", () -> AGENT_ID);
        registry.add(agent + "language-code", () -> "en");
        registry.add(agent + "api-url", DIALOGFLOW::apiUrl);
        registry.add(agent + "credentials", DIALOGFLOW::credentialsResource);
        registry.add("handoff.retry.initial-delay", () -> "10");
        registry.add("camel.component.http.response-timeout", () -> "1500");
        registry.add("camel.component.http.so-timeout", () -> "1500");
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:dialogflow-timeout;DB_CLOSE_DELAY=-1");
    }

    @AfterAll
    static void stop() {
        DIALOGFLOW.close();
    }

    @LocalServerPort
    int port;

    @Test
    void aDetectIntentLongerThanTheResponseTimeoutIs503AndIsNotMadeAgain() throws InterruptedException {
        GatewayClient channel = new GatewayClient(port, "bot-key");
        String id = "slow-" + UUID.randomUUID();
        assertThat(post(channel, id, "hi").status()).isEqualTo(200); // the token granted, the session bound
        int asked = DIALOGFLOW.detectIntentCalls().size();
        DIALOGFLOW.delayNext(FakeDialogflow.DETECT_INTENT, 1, Duration.ofSeconds(4));

        long started = System.nanoTime();
        GatewayClient.Response late = post(channel, id, "hi");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(late.status()).as(late.text()).isEqualTo(503);
        assertThat(late.type()).isEqualTo("urn:handoff:problem:dialogflow-unavailable");
        assertThat(late.contentType()).startsWith("application/problem+json");
        assertThat(late.text()).doesNotContain("Bearer").doesNotContain("PRIVATE");
        assertThat(tookMillis).as("answered at the response timeout, not when Dialogflow answered").isLessThan(3_500);

        Thread.sleep(3_000); // past the delayed answer: the gateway has not asked again meanwhile
        assertThat(DIALOGFLOW.detectIntentCalls()).hasSize(asked + 1);
        assertThat(channel.get("/api/v1/conversations/" + id).json().path("state").asText()).isEqualTo("BOT");

        GatewayClient.Response next = post(channel, id, "hi"); // Dialogflow is prompt again: so is the door
        assertThat(next.status()).as(next.text()).isEqualTo(200);
        assertThat(next.json().path("replies").findValuesAsText("text")).isEqualTo(List.of("Hello!"));
    }

    static GatewayClient.Response post(GatewayClient channel, String conversationId, String text) {
        return channel.post("/api/v1/dialogflow/slow/conversations/" + conversationId + "/messages",
                GatewayClient.json(Map.of("messageId", UUID.randomUUID().toString(), "text", text)));
    }
}
