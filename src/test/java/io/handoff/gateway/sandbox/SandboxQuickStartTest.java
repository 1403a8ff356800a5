package io.handoff.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/**
 * The README's sandbox curl sequence, over HTTP: a whole handoff through the LiveChat simulator with no account,
 * the operator acting through the console's API, the simulator's webhooks reaching the gateway.
 */
class SandboxQuickStartTest extends SandboxTestContext {

    @Test
    void theReadmeCurlSequencePlaysAWholeHandoff() {
        String id = newConversationId();

        // 1. the bot hands the conversation to the support destination (the LiveChat simulator)
        Response handoff = bot().post("/api/v1/handoffs", GatewayClient.json(Map.of(
                "conversationId", id,
                "customer", Map.of("name", "Ann"),
                "switch", Map.of("destination", "support", "firstMessage", "I was charged twice",
                        "sendMessagesToOperator", true, "closeChatPhrases", List.of("/close")),
                "history", List.of(Map.of("from", "client", "text", "hi"), Map.of("from", "bot", "text", "How can I help?")))));
        assertThat(handoff.status()).as(handoff.text()).isEqualTo(201);
        assertThat(handoff.json().path("state").asText()).isEqualTo("WAITING");
        assertThat(handoff.json().path("provider").asText()).isEqualTo("livechat");
        String chat = handoff.json().path("providerChatId").asText();

        // 2. the console lists the chat, with the bot's conversation id, and shows the transcript
        JsonNode listed = chatInList(chat);
        assertThat(listed.path("conversationId").asText()).isEqualTo(id);
        assertThat(listed.path("state").asText()).isEqualTo("waiting");
        assertThat(listed.path("customerName").asText()).isEqualTo("Ann");
        assertThat(customerTexts(chat)).containsExactly("hi", "Bot: How can I help?", "I was charged twice");

        // 3. the operator joins and replies: the bot gets operatorJoined and operatorMessage
        String path = "/chats/livechat/" + chat;
        assertThat(console(path + "/join", Map.of("operatorName", "Anna")).status()).isEqualTo(200);
        assertThat(console(path + "/messages", Map.of("operatorName", "Anna", "text", "Let me check")).status()).isEqualTo(200);
        JsonNode reply = awaitEvent(id, "operatorMessage");
        assertThat(reply.path("text").asText()).isEqualTo("Let me check");
        assertThat(reply.path("operator").path("name").asText()).isEqualTo("Anna");
        assertThat(state(id)).isEqualTo("OPERATOR");

        // 4. the client writes and sends a file link: the operator sees both, the file on the simulator's CDN
        Response said = bot().post("/api/v1/conversations/" + id + "/messages",
                GatewayClient.json(Map.of("messageId", "m-1", "text", "It was order 98765")));
        assertThat(said.status()).as(said.text()).isEqualTo(202);
        String sample = anonymous().baseUrl() + "/sandbox/livechat/cdn/sample/price-list.txt";
        Response file = bot().post("/api/v1/conversations/" + id + "/messages",
                GatewayClient.json(Map.of("messageId", "m-2", "file", Map.of("url", sample, "name", "receipt.txt"))));
        assertThat(file.status()).as(file.text()).isEqualTo(202);
        // stored at once (202), delivered by the client-message queue a moment later, in that order
        await().atMost(Duration.ofSeconds(10)).until(() -> messages(chat).stream().anyMatch(m -> m.path("type").asText().equals("file")));
        assertThat(customerTexts(chat)).endsWith("It was order 98765");
        JsonNode uploaded = messages(chat).stream().filter(m -> m.path("type").asText().equals("file")).findFirst().orElseThrow();
        assertThat(uploaded.path("from").asText()).isEqualTo("customer");
        assertThat(uploaded.path("url").asText()).contains("/sandbox/livechat/cdn/").isNotEqualTo(sample);
        Response download = anonymous().get(uploaded.path("url").asText().replaceFirst("^https?://[^/]+", ""));
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.text()).startsWith("Sandbox price list");

        // 5. the operator sends a file link and closes: operatorFile, then livechatFinished; the bot has it back
        assertThat(console(path + "/files", Map.of("operatorName", "Anna", "url", sample, "name", "price-list.txt")).status())
                .isEqualTo(200);
        JsonNode operatorFile = awaitEvent(id, "operatorFile");
        assertThat(operatorFile.path("url").asText()).isEqualTo(sample);
        assertThat(operatorFile.path("name").asText()).isEqualTo("price-list.txt");
        assertThat(console(path + "/close", Map.of("operatorName", "Anna")).status()).isEqualTo(200);
        assertThat(awaitEvent(id, "livechatFinished").path("reason").asText()).isEqualTo("operatorClosed");

        assertThat(eventTypes(id)).containsExactly("operatorJoined", "operatorMessage", "operatorFile", "livechatFinished");
        assertThat(state(id)).isEqualTo("BOT");
        assertThat(chatInList(chat).path("state").asText()).isEqualTo("closed");
    }

    @Test
    void theSalesDestinationPlaysAWholeHandoffOnTheLiveTexSimulator() {
        String id = newConversationId();
        Response handoff = bot().post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", id,
                "customer", Map.of("name", "Ivan"), "switch", Map.of("destination", "sales", "firstMessage", "a discount?"))));
        assertThat(handoff.status()).as(handoff.text()).isEqualTo(201);
        assertThat(handoff.json().path("provider").asText()).isEqualTo("livetex");
        String user = handoff.json().path("providerChatId").asText();

        String path = "/chats/livetex/" + user;
        assertThat(console(path + "/messages", Map.of("operatorName", "Oleg", "text", "10% off")).status()).isEqualTo(200);
        assertThat(awaitEvent(id, "operatorMessage").path("text").asText()).isEqualTo("10% off");
        assertThat(state(id)).isEqualTo("OPERATOR");
        assertThat(console(path + "/close", Map.of("operatorName", "Oleg")).status()).isEqualTo(200);
        assertThat(awaitEvent(id, "livechatFinished").path("reason").asText()).isEqualTo("operatorClosed");
        assertThat(state(id)).isEqualTo("BOT");
    }

    @Test
    void aReturningClientResumesItsChatAndTheBotCanCloseIt() {
        String id = newConversationId();
        String chat = startHandoff(id, "first time");
        console("/chats/livechat/" + chat + "/close", Map.of("operatorName", "Anna"));
        awaitEvent(id, "livechatFinished");

        // LiveChat allows one chat per customer: the second handoff resumes it
        assertThat(startHandoff(id, "me again")).isEqualTo(chat);
        assertThat(customerTexts(chat)).containsExactly("first time", "me again");
        Response close = bot().post("/api/v1/conversations/" + id + "/close", GatewayClient.json(Map.of("text", "Thanks, bye")));
        assertThat(close.status()).as(close.text()).isEqualTo(200);
        // the close reaches LiveChat through the client-message queue, after the answer
        await().atMost(Duration.ofSeconds(5)).until(() -> chatInList(chat).path("state").asText().equals("closed"));
        assertThat(customerTexts(chat)).endsWith("Thanks, bye");
        assertThat(events(id).get(events(id).size() - 1).path("reason").asText()).isEqualTo("clientClosed");
    }

    @Test
    void withNobodyOnlineASwitchIsAnsweredNoOperatorsOnline() {
        String id = newConversationId();
        assertThat(operatorsOnline(false).status()).isEqualTo(200);
        try {
            Response refused = bot().post("/api/v1/handoffs", GatewayClient.json(Map.of(
                    "conversationId", id, "switch", Map.of("destination", "support", "firstMessage", "anyone?"))));
            assertThat(refused.status()).as(refused.text()).isEqualTo(409);
            assertThat(refused.json().path("event").asText()).isEqualTo("noLivechatOperatorsOnline");
            assertThat(anonymous().get("/sandbox/console/api/settings").json().path("operatorsOnline").asBoolean()).isFalse();
        } finally {
            operatorsOnline(true);
        }
    }

    @Test
    void theConsolePageAndItsSettingsAreServed() {
        Response page = anonymous().get("/sandbox/console");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.text()).contains("id=\"client-pane\"", "id=\"operator-pane\"");
        assertThat(anonymous().get("/sandbox/console/assets/console.js").status()).isEqualTo(200);
        assertThat(anonymous().get("/sandbox/console/assets/application.yaml").status()).isEqualTo(404);

        JsonNode settings = anonymous().get("/sandbox/console/api/settings").json();
        assertThat(settings.path("apiKey").asText()).isEqualTo(API_KEY);
        assertThat(settings.path("defaultDestination").asText()).isEqualTo("support");
        assertThat(settings.path("destinations").findValuesAsText("name")).containsExactly("support", "sales");
        assertThat(settings.path("destinations").findValuesAsText("provider")).containsExactly("livechat", "livetex");
    }

    Response operatorsOnline(boolean online) {
        return anonymous().send(anonymous().request("/sandbox/console/api/operators-online")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"online\":" + online + "}")));
    }

    String startHandoff(String id, String firstMessage) {
        Response handoff = bot().post("/api/v1/handoffs", GatewayClient.json(Map.of(
                "conversationId", id, "switch", Map.of("destination", "support", "firstMessage", firstMessage))));
        assertThat(handoff.status()).as(handoff.text()).isEqualTo(201);
        return handoff.json().path("providerChatId").asText();
    }

    JsonNode chatInList(String chatId) {
        JsonNode chats = anonymous().get("/sandbox/console/api/chats").json().path("chats");
        for (JsonNode chat : chats) {
            if (chat.path("id").asText().equals(chatId)) {
                return chat;
            }
        }
        throw new AssertionError("chat " + chatId + " is not listed: " + chats);
    }

    List<JsonNode> messages(String chatId) {
        Response chat = anonymous().get("/sandbox/console/api/chats/livechat/" + chatId);
        assertThat(chat.status()).as(chat.text()).isEqualTo(200);
        List<JsonNode> list = new ArrayList<>();
        chat.json().path("messages").forEach(list::add);
        return list;
    }

    List<String> customerTexts(String chatId) {
        return messages(chatId).stream()
                .filter(m -> m.path("from").asText().equals("customer") && m.path("type").asText().equals("message"))
                .map(m -> m.path("text").asText()).toList();
    }
}
