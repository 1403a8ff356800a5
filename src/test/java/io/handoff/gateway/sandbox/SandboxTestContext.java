package io.handoff.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/**
 * The gateway as `./mvnw spring-boot:run` starts it (the sandbox profile, its simulators and console), on a
 * random port and an in-memory H2. Every sandbox test class extends this, so they share one Spring context.
 */
@CamelSpringBootTest
@ActiveProfiles("sandbox")
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:sandbox;DB_CLOSE_DELAY=-1")
abstract class SandboxTestContext {

    /** The sandbox profile's bot API key, as the README's curl lines use it. */
    static final String API_KEY = "dev-key-change-me";

    @LocalServerPort
    int port;

    GatewayClient bot() {
        return new GatewayClient(port, API_KEY);
    }

    /** The console's and simulators' endpoints take no API key. */
    GatewayClient anonymous() {
        return new GatewayClient(port, null);
    }

    static String newConversationId() {
        return "sandbox-test:" + UUID.randomUUID();
    }

    Response console(String path, Map<String, Object> body) {
        return anonymous().post("/sandbox/console/api" + path, GatewayClient.json(body));
    }

    List<JsonNode> events(String conversationId) {
        List<JsonNode> list = new ArrayList<>();
        bot().get("/api/v1/conversations/" + conversationId + "/events?after=0").json().path("events").forEach(list::add);
        return list;
    }

    List<String> eventTypes(String conversationId) {
        return events(conversationId).stream().map(event -> event.path("type").asText()).toList();
    }

    /** Waits until the bot has an event of this type (the simulators' webhooks are asynchronous). */
    JsonNode awaitEvent(String conversationId, String type) {
        await().atMost(Duration.ofSeconds(10)).until(() -> eventTypes(conversationId).contains(type));
        return events(conversationId).stream().filter(event -> event.path("type").asText().equals(type))
                .reduce((first, second) -> second).orElseThrow();
    }

    String state(String conversationId) {
        Response view = bot().get("/api/v1/conversations/" + conversationId);
        assertThat(view.status()).as(view.text()).isEqualTo(200);
        return view.json().path("state").asText();
    }
}
