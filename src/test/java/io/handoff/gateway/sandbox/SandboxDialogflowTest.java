package io.handoff.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/**
 * The sandbox's Dialogflow agent {@code demo} through the front door, against the built-in simulator (a key written at
 * start-up, its JWT-bearer grant verified): greeting, handoff to support, the operator closes, the bot welcomes back.
 */
class SandboxDialogflowTest extends SandboxTestContext {

    Response say(String conversationId, String messageId, String text) {
        return bot().post("/api/v1/dialogflow/demo/conversations/" + conversationId + "/messages",
                GatewayClient.json(Map.of("messageId", messageId, "text", text)));
    }

    @Test
    void greetingHandoffCloseAndWelcomeBack() {
        String id = newConversationId();
        Response hello = say(id, "1", "hi");
        assertThat(hello.status()).as(hello.text()).isEqualTo(200);
        assertThat(hello.json().path("replies").get(0).path("text").asText()).startsWith("Hello!");

        Response unknown = say(id, "2", "what is the weather");
        assertThat(unknown.json().path("replies").get(0).path("text").asText()).contains("\"operator\"");

        Response handoff = say(id, "3", "I want a person");
        assertThat(handoff.json().path("state").asText()).isEqualTo("WAITING");
        assertThat(handoff.json().path("handoff").path("destination").asText()).isEqualTo("support");
        String chat = handoff.json().path("handoff").path("providerChatId").asText();

        Response close = console("/chats/livechat/" + chat + "/close", Map.of("operatorName", "Anna"));
        assertThat(close.status()).as(close.text()).isEqualTo(200);
        JsonNode welcome = awaitEvent(id, "botMessage");
        assertThat(welcome.path("replies").get(0).path("text").asText()).startsWith("Welcome back!");
        assertThat(state(id)).isEqualTo("BOT");
    }

    @Test
    void theTokenEndpointRefusesAnAssertionItCannotVerify() {
        Response refused = anonymous().send(HttpRequest.newBuilder(URI.create(anonymous().baseUrl() + "/sandbox/dialogflow/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
                        + "&assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl")));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").asText()).isEqualTo("invalid_grant");
        Response noToken = anonymous().post("/sandbox/dialogflow/v3/projects/p/locations/global/agents/demo/sessions/s:detectIntent",
                "{\"queryInput\": {\"text\": {\"text\": \"hi\"}, \"languageCode\": \"en\"}}");
        assertThat(noToken.status()).isEqualTo(401);
    }
}
