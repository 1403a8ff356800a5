package io.handoff.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/**
 * The simulators speak the platforms' contracts, refusals included, so routes developed against the sandbox
 * work against the real LiveChat and LiveTex. Here they are called directly, as the gateway's routes call them.
 */
class SandboxSimulatorsTest extends SandboxTestContext {

    static final String LIVECHAT = "/sandbox/livechat";
    static final String LIVETEX = "/sandbox/livetex/1.0/";

    // ---------------------------------------------------------------- LiveChat

    @Test
    void liveChatChecksTokensOrganizationAndBodiesAsLiveChatDoes() {
        Response refusedGrant = post(LIVECHAT + "/accounts/v2/customer/token", "Bearer wrong-agent-token",
                "{\"grant_type\":\"agent_token\",\"client_id\":\"sandbox-client-id\",\"response_type\":\"token\"}");
        assertThat(refusedGrant.status()).isEqualTo(401);
        assertThat(refusedGrant.json().path("oauth_exception").asText()).isEqualTo("invalid_request");

        String token = customerToken();
        String action = LIVECHAT + "/v3.6/customer/action/";
        String organization = "?organization_id=" + SandboxLiveChat.ORGANIZATION_ID;
        assertThat(errorType(post(action + "start_chat", "Bearer " + token, "{}"))).isEqualTo("validation"); // no organization_id
        Response unauthenticated = post(action + "start_chat" + organization, "Bearer nope", "{}");
        assertThat(unauthenticated.status()).isEqualTo(401);
        assertThat(errorType(unauthenticated)).isEqualTo("authentication");
        assertThat(errorType(post(action + "start_chat" + organization, "Bearer " + token, "[1]"))).isEqualTo("validation");
        assertThat(errorType(post(action + "start_chat" + organization, "Bearer " + token,
                "{\"chat\":{\"access\":{\"group_ids\":[77]}}}"))).isEqualTo("group_not_found");

        Response started = post(action + "start_chat" + organization, "Bearer " + token,
                "{\"chat\":{\"access\":{\"group_ids\":[1]},\"thread\":{\"events\":[{\"type\":\"message\",\"text\":\"hello\"}]}}}");
        assertThat(started.status()).as(started.text()).isEqualTo(200);
        assertThat(started.json().path("event_ids")).hasSize(1);
        String chatId = started.json().path("chat_id").asText();
        assertThat(errorType(post(action + "start_chat" + organization, "Bearer " + token, "{}")))
                .as("one chat per customer").isEqualTo(SandboxLiveChat.CHAT_LIMIT_ERROR_TYPE);
        assertThat(errorType(post(action + "send_event" + organization, "Bearer " + token,
                "{\"chat_id\":\"" + chatId + "\",\"event\":{\"type\":\"file\",\"url\":\"https://example.com/x.png\"}}")))
                .as("files must be on LiveChat's CDN").isEqualTo("validation");
        assertThat(post(action + "deactivate_chat" + organization, "Bearer " + token, "{\"id\":\"" + chatId + "\"}").status())
                .isEqualTo(200);
        assertThat(errorType(post(action + "send_event" + organization, "Bearer " + token,
                "{\"chat_id\":\"" + chatId + "\",\"event\":{\"type\":\"message\",\"text\":\"late\"}}"))).isEqualTo("chat_inactive");
    }

    @Test
    void liveChatHasTheGatewaysWebhooksRegisteredLikeAnAppInTheDeveloperConsole() {
        Response listed = post(LIVECHAT + "/v3.6/configuration/action/list_webhooks", "Bearer " + SandboxLiveChat.AGENT_TOKEN,
                "{\"owner_client_id\":\"" + SandboxLiveChat.CLIENT_ID + "\"}");
        assertThat(listed.status()).as(listed.text()).isEqualTo(200);
        assertThat(listed.json().findValuesAsText("action"))
                .containsExactlyInAnyOrder("incoming_event", "user_added_to_chat", "chat_deactivated", "chat_transferred");
        assertThat(listed.json().findValuesAsText("url")).allSatisfy(url -> assertThat(url).endsWith("/webhooks/livechat"));
        assertThat(listed.json().findValuesAsText("secret_key")).containsOnly("sandbox-livechat-webhook-secret");
    }

    @Test
    void liveChatDynamicConfigurationGivesTheOrganization() {
        Response configuration = anonymous().get(LIVECHAT + "/v3.6/customer/action/get_dynamic_configuration?license_id="
                + SandboxLiveChat.LICENSE_ID + "&group_id=0");
        assertThat(configuration.status()).isEqualTo(200);
        assertThat(configuration.json().path("organization_id").asText()).isEqualTo(SandboxLiveChat.ORGANIZATION_ID);
        assertThat(anonymous().get(LIVECHAT + "/v3.6/customer/action/get_dynamic_configuration?license_id=1").status())
                .isEqualTo(404);
    }

    // ---------------------------------------------------------------- LiveTex

    @Test
    void liveTexAnswersWithItsErrorCodes() {
        assertThat(errorCode(livetex("getDestinations", null, ""))).isEqualTo(1);
        assertThat(errorCode(livetex("getDestinations", "wrong", ""))).isEqualTo(2);
        assertThat(errorCode(livetex("sendText", SandboxLiveTex.KEY, ""))).isEqualTo(3);
        assertThat(errorCode(livetex("sendText", SandboxLiveTex.KEY, "{nope"))).isEqualTo(4);
        assertThat(errorCode(livetex("setWebhook", SandboxLiveTex.KEY, "{\"url\":\"ftp://x\",\"webhook_key\":\"k\"}"))).isEqualTo(5);
        assertThat(errorCode(livetex("noSuchMethod", SandboxLiveTex.KEY, "{}"))).isEqualTo(6);
        assertThat(errorCode(livetex("selectDestination", SandboxLiveTex.KEY,
                "{\"user_id\":\"u\",\"destination_type\":\"Department\",\"destination_id\":\"404\"}"))).isEqualTo(9);
        Response wrongVerb = anonymous().get(LIVETEX + "sendText?key=" + SandboxLiveTex.KEY);
        assertThat(wrongVerb.status()).isEqualTo(404);
        assertThat(wrongVerb.json().path("error_code").asInt()).isEqualTo(6);
    }

    @Test
    void liveTexTakesAnAppealThatTheOperatorAnswersAndClosesInTheConsole() {
        Response destinations = livetex("getDestinations", SandboxLiveTex.KEY, "");
        assertThat(destinations.status()).isEqualTo(200);
        JsonNode sales = destinations.json().path("destinations").get(0);
        assertThat(sales.path("destination_id").asText()).isEqualTo("54321");
        assertThat(sales.path("destination_type").asText()).isEqualTo("Department");
        assertThat(sales.path("has_online").asBoolean()).isTrue();
        assertThat(livetex("getWebhookSettings", SandboxLiveTex.KEY, "").json().path("url").asText())
                .isEqualTo(anonymous().baseUrl() + "/webhooks/livetex");

        String user = "livetex-user-" + System.nanoTime();
        assertThat(livetex("selectDestination", SandboxLiveTex.KEY, GatewayClient.json(Map.of("user_id", user,
                "destination_type", "Department", "destination_id", "54321", "name", "Bob",
                "attributes", Map.of("orderId", "98765")))).status()).isEqualTo(200);
        Response sent = livetex("sendText", SandboxLiveTex.KEY, GatewayClient.json(Map.of("user_id", user, "text", "price?")));
        assertThat(sent.status()).isEqualTo(200);
        assertThat(sent.json().path("message_id").asText()).isNotBlank();

        String path = "/chats/livetex/" + user;
        assertThat(console(path + "/messages", Map.of("operatorName", "Anna", "text", "10 EUR")).status()).isEqualTo(200);
        JsonNode chat = anonymous().get("/sandbox/console/api" + path).json();
        assertThat(chat.path("customerName").asText()).isEqualTo("Bob");
        assertThat(chat.path("state").asText()).isEqualTo("talking");
        assertThat(chat.path("attributes").path("orderId").asText()).isEqualTo("98765");
        assertThat(chat.path("messages").findValuesAsText("text")).contains("price?", "10 EUR");

        assertThat(console(path + "/close", Map.of("operatorName", "Anna")).status()).isEqualTo(200);
        assertThat(anonymous().get("/sandbox/console/api" + path).json().path("state").asText()).isEqualTo("closed");
        assertThat(errorCode(console(path + "/messages", Map.of("text", "after the close"))))
                .as("an operator needs an open appeal").isEqualTo(9);
    }

    // ---------------------------------------------------------------- helpers

    String customerToken() {
        Response grant = post(LIVECHAT + "/accounts/v2/customer/token", "Bearer " + SandboxLiveChat.AGENT_TOKEN,
                "{\"grant_type\":\"agent_token\",\"client_id\":\"" + SandboxLiveChat.CLIENT_ID + "\",\"response_type\":\"token\"}");
        assertThat(grant.status()).as(grant.text()).isEqualTo(200);
        assertThat(grant.json().path("organization_id").asText()).isEqualTo(SandboxLiveChat.ORGANIZATION_ID);
        return grant.json().path("access_token").asText();
    }

    Response post(String path, String authorization, String body) {
        return anonymous().send(anonymous().request(path).header("Authorization", authorization)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response livetex(String method, String key, String body) {
        HttpRequest.Builder request = anonymous().request(LIVETEX + method + (key == null ? "" : "?key=" + key))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        return anonymous().send(request);
    }

    static String errorType(Response response) {
        assertThat(response.status()).as(response.text()).isBetween(400, 499);
        return response.json().path("error").path("type").asText();
    }

    static int errorCode(Response response) {
        assertThat(response.status()).as(response.text()).isBetween(400, 499);
        assertThat(response.json().path("success").asBoolean()).isFalse();
        return response.json().path("error_code").asInt();
    }
}
