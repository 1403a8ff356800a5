package io.handoff.gateway.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.handoff.gateway.fakes.FakeLiveChat.AGENT_TOKEN;
import static io.handoff.gateway.fakes.FakeLiveChat.CLIENT_ID;
import static io.handoff.gateway.fakes.FakeLiveChat.ORGANIZATION_ID;
import static org.junit.jupiter.api.Assertions.*;

/** Checks that FakeLiveChat enforces the LiveChat protocol the gateway tests rely on. */
class FakeLiveChatSelfTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static FakeLiveChat fake;

    private record Answer(int status, JsonNode body) {
        String errorType() {
            return body.path("error").path("type").asText();
        }
    }

    @BeforeAll
    static void startFake() {
        fake = FakeLiveChat.start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    @Test
    void grantsAgentAndCustomerTokens() throws Exception {
        String refresh = "grant_type=refresh_token&refresh_token=" + FakeLiveChat.REFRESH_TOKEN + "&client_id=" + CLIENT_ID;
        Answer wrongSecret = send(form(fake.accountsUrl() + "/v2/token", refresh + "&client_secret=nope"));
        assertEquals(400, wrongSecret.status());
        assertEquals("invalid_grant", wrongSecret.body().path("error").asText());
        Answer agent = send(form(fake.accountsUrl() + "/v2/token", refresh + "&client_secret=" + FakeLiveChat.CLIENT_SECRET));
        String agentToken = agent.body().path("access_token").asText();

        Answer created = grant(agentToken, null);
        assertEquals(200, created.status());
        String entityId = created.body().path("entity_id").asText();
        assertEquals(ORGANIZATION_ID, created.body().path("organization_id").asText());
        Answer again = grant(agentToken, entityId);
        assertEquals(entityId, again.body().path("entity_id").asText());
        assertNotEquals(created.body().path("access_token"), again.body().path("access_token"));
        assertEquals("invalid_grant", grant(agentToken, "not-a-customer").body().path("oauth_exception").asText());
        assertEquals(1, fake.customers());
        assertEquals(2, fake.count("customer_token"));

        fake.expireAgentTokens();
        assertEquals("invalid_request", grant(agentToken, null).body().path("oauth_exception").asText());
    }

    @Test
    void checksOrganizationIdThenTokenThenContentType() throws Exception {
        String token = customerToken();
        String url = fake.apiUrl() + "/customer/action/list_chats";
        assertEquals("validation", send(request(url, token, "application/json", "{}")).errorType());
        url += "?organization_id=" + ORGANIZATION_ID;
        assertEquals(401, send(request(url, "dal:bogus", "application/json", "{}")).status());
        assertEquals("validation", send(request(url, token, "text/plain", "{}")).errorType());
        assertEquals(200, call("list_chats", token, "{}").status());

        fake.expireCustomerTokens();
        assertEquals("authentication", call("list_chats", token, "{}").errorType());
    }

    @Test
    void aLicenseInARegionRefusesCallsWithoutItsXRegionAsMisdirected() throws Exception {
        String token = customerToken();
        assertEquals(200, callInRegion(token, null).status()); // by default, any region or none
        fake.region("fra");

        for (String sent : new String[] {null, "dal"}) {
            Answer refused = callInRegion(token, sent);
            assertEquals(421, refused.status());
            assertEquals("{\"error\":{\"type\":\"misdirected_request\",\"message\":\"Wrong region\","
                    + "\"data\":{\"region\":\"fra\"}}}", refused.body().toString());
        }
        assertEquals(200, callInRegion(token, "fra").status());
        assertEquals(Arrays.asList(null, "dal"), fake.misdirected());
        assertEquals(2, fake.count("list_chats")); // the refused calls are not counted
        assertEquals(200, grant(AGENT_TOKEN, null).status()); // the accounts service answers from every region

        fake.reset();
        assertEquals(200, callInRegion(customerToken(), null).status());
        assertTrue(fake.misdirected().isEmpty());
    }

    private static Answer callInRegion(String token, String region) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(customerUrl("list_chats")))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        return send((region == null ? request : request.header("X-Region", region)).build());
    }

    @Test
    void startChatNeedsAnOnlineGroupAndAllowsOneChatPerCustomer() throws Exception {
        String token = customerToken();
        fake.groupStatus(1, "offline");
        String start = "{\"chat\":{\"access\":{\"group_ids\":[1]},\"thread\":{\"events\":"
                + "[{\"type\":\"message\",\"text\":\"hi\",\"custom_id\":\"m-1\"}]}}}";
        assertEquals("groups_offline", call("start_chat", token, start).errorType());
        assertEquals("validation", call("start_chat", token, "{\"chat\":{\"access\":{\"group_ids\":[\"1\"]}}}").errorType());

        fake.groupStatus(1, "online");
        Answer started = call("start_chat", token, start);
        String chatId = started.body().path("chat_id").asText();
        String threadId = started.body().path("thread_id").asText();
        assertEquals(threadId + "_1", started.body().path("event_ids").path(0).asText());
        JsonNode event = fake.eventsOf(chatId).get(0);
        assertEquals(fake.entityIdOfChat(chatId), event.path("author_id").asText());
        assertEquals("m-1", event.path("custom_id").asText());

        assertEquals(FakeLiveChat.CHAT_LIMIT_ERROR_TYPE, call("start_chat", token, start).errorType());
        JsonNode statuses = call("list_group_statuses", token, "{\"group_ids\":[1,9]}").body().path("groups_status");
        assertEquals("{\"1\":\"online\"}", statuses.toString());
    }

    @Test
    void resumesAfterDeactivateAndRejectsEventsOnInactiveChat() throws Exception {
        String token = customerToken();
        String chatId = call("start_chat", token, "{\"continuous\":true}").body().path("chat_id").asText();
        assertEquals(200, call("deactivate_chat", token, "{\"id\":\"" + chatId + "\"}").status());
        assertFalse(fake.isActive(chatId));

        String message = "{\"type\":\"message\",\"text\":\"back\"}";
        String sendEvent = "{\"chat_id\":\"" + chatId + "\",\"event\":" + message + "}";
        assertEquals("chat_inactive", call("send_event", token, sendEvent).errorType());
        String resume = "{\"chat\":{\"id\":\"" + chatId + "\"},\"continuous\":true}";
        String threadId = call("resume_chat", token, resume).body().path("thread_id").asText();
        assertEquals(FakeLiveChat.CHAT_ACTIVE_ERROR_TYPE, call("resume_chat", token, resume).errorType());
        assertEquals(threadId + "_1", call("send_event", token, sendEvent).body().path("event_id").asText());

        JsonNode chat = call("get_chat", token, "{\"chat_id\":\"" + chatId + "\"}").body();
        assertEquals(threadId, chat.path("thread").path("id").asText());
        assertTrue(chat.path("thread").path("active").asBoolean());
        assertEquals(2, fake.chat(chatId).orElseThrow().path("threads").size());
    }

    @Test
    void injectedFailureChangesNothingAndDownServerDropsConnections() throws Exception {
        String token = customerToken();
        fake.failNext("start_chat", 1, 503, "service_unavailable");
        Answer failed = call("start_chat", token, "{\"continuous\":true}");
        assertEquals(503, failed.status());
        assertEquals("service_unavailable", failed.errorType());
        assertEquals(0, call("list_chats", token, "{}").body().path("total_chats").asInt());
        assertEquals(200, call("start_chat", token, "{\"continuous\":true}").status());
        assertEquals(2, fake.count("start_chat"));

        fake.setDown(true);
        assertThrows(IOException.class, () -> call("list_chats", token, "{}"));
        fake.setDown(false);
        assertEquals(1, call("list_chats", token, "{}").body().path("total_chats").asInt());
    }

    @Test
    void onlyUploadedFilesCanBeSentAsFileEvents() throws Exception {
        String token = customerToken();
        String chatId = call("start_chat", token, "{\"continuous\":true}").body().path("chat_id").asText();
        String content = "%PDF-1.4 fake";
        String multipart = "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"doc 1.pdf\"\r\n"
                + "Content-Type: application/pdf\r\n\r\n" + content + "\r\n--b0undary--\r\n";
        String url = send(request(customerUrl("upload_file"), token, "multipart/form-data; boundary=b0undary", multipart))
                .body().path("url").asText();
        assertEquals(content, HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body());

        String foreign = "{\"chat_id\":\"" + chatId + "\",\"event\":{\"type\":\"file\",\"url\":\"https://example.com/x.pdf\"}}";
        assertEquals("validation", call("send_event", token, foreign).errorType());
        String file = "{\"chat_id\":\"" + chatId + "\",\"event\":{\"type\":\"file\",\"url\":\"" + url + "\"}}";
        assertEquals(200, call("send_event", token, file).status());
        JsonNode event = fake.eventsOf(chatId).get(0);
        assertEquals("doc 1.pdf", event.path("name").asText());
        assertEquals(content.length(), event.path("size").asInt());
    }

    @Test
    void sendsWebhooksToTheTarget() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/webhooks", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            fake.webhookTarget("http://127.0.0.1:" + receiver.getAddress().getPort() + "/webhooks", "s3cret");
            String token = customerToken();
            String chatId = call("start_chat", token, "{\"continuous\":true}").body().path("chat_id").asText();
            call("send_event", token, "{\"chat_id\":\"" + chatId + "\",\"event\":{\"type\":\"message\",\"text\":\"hi\"}}");
            JsonNode echo = JSON.readTree(received.poll(5, TimeUnit.SECONDS));
            assertEquals("incoming_event", echo.path("action").asText());
            assertEquals(fake.entityIdOfChat(chatId), echo.path("payload").path("event").path("author_id").asText());

            assertEquals(200, fake.agentJoins(chatId, "agent@example.com", "Ann"));
            JsonNode joined = JSON.readTree(received.poll(5, TimeUnit.SECONDS));
            assertEquals("user_added_to_chat", joined.path("action").asText());
            assertEquals("s3cret", joined.path("secret_key").asText());
            assertEquals(ORGANIZATION_ID, joined.path("organization_id").asText());
            assertEquals("agent", joined.path("payload").path("user").path("type").asText());
            assertEquals(200, fake.agentSays(chatId, "agent@example.com", "Hello, Ann here"));
            String said = received.poll(5, TimeUnit.SECONDS);
            assertEquals("Hello, Ann here", JSON.readTree(said).path("payload").path("event").path("text").asText());
            assertEquals(200, fake.resendLastWebhook());
            assertEquals(said, received.poll(5, TimeUnit.SECONDS));
            assertEquals(200, fake.agentCloses(chatId, "agent@example.com"));
            JsonNode closed = JSON.readTree(received.poll(5, TimeUnit.SECONDS));
            assertEquals("chat_deactivated", closed.path("action").asText());
            assertEquals(chatId, closed.path("payload").path("chat_id").asText());
            assertFalse(fake.isActive(chatId));
            assertEquals(200, fake.lastWebhookStatus());
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void registersListsAndUnregistersWebhooksWithinTheLimit() throws Exception {
        String register = webhook("incoming_event", "k", "https://gw.example/lc", "{\"author_type\":\"agent\"}");
        String registerUrl = fake.apiUrl() + "/configuration/action/register_webhook";
        assertEquals(401, send(request(registerUrl, "dal:bogus", "application/json", register)).status());
        assertEquals("validation", send(request(registerUrl, AGENT_TOKEN, "text/plain", register)).errorType());
        for (String invalid : new String[] {register.replace("incoming_event", "chat_closed"),
                register.replace("https:", "ftp:"), register.replace(CLIENT_ID, "other-app")}) {
            assertEquals("validation", configure("register_webhook", invalid).errorType(), invalid);
        }

        String first = configure("register_webhook", register).body().path("id").asText();
        assertFalse(first.isEmpty());
        assertEquals(200, configure("register_webhook", register).status());
        assertEquals(200, configure("register_webhook", register).status());
        assertEquals("limit_reached", configure("register_webhook", register).errorType());
        String otherAction = register.replace("incoming_event", "chat_deactivated");
        assertEquals(200, configure("register_webhook", otherAction).status());
        assertEquals(5, fake.count("register_webhook")); // the over-limit call counts, the invalid ones do not

        String owner = "{\"owner_client_id\":\"" + CLIENT_ID + "\"}";
        JsonNode listed = configure("list_webhooks", owner).body();
        assertEquals(4, listed.size());
        assertEquals(first, listed.path(0).path("id").asText());
        assertEquals("agent", listed.path(0).path("filters").path("author_type").asText());
        assertEquals(CLIENT_ID, listed.path(0).path("owner_client_id").asText());
        assertEquals(listed, JSON.valueToTree(fake.registeredWebhooks()));

        String unregister = "{\"id\":\"" + first + "\",\"owner_client_id\":\"" + CLIENT_ID + "\"}";
        assertEquals(200, configure("unregister_webhook", unregister).status());
        assertEquals(FakeLiveChat.WEBHOOK_NOT_FOUND_ERROR_TYPE, configure("unregister_webhook", unregister).errorType());
        assertEquals(200, configure("register_webhook", register).status());
        fake.failNext("list_webhooks", 1, 503, "service_unavailable");
        assertEquals(503, configure("list_webhooks", owner).status());
        assertEquals(4, fake.registeredWebhooks().size());
        fake.reset();
        assertTrue(fake.registeredWebhooks().isEmpty());
    }

    @Test
    void registeredWebhooksAlsoReceiveTheirActionsEvents() throws Exception {
        BlockingQueue<JsonNode> target = new LinkedBlockingQueue<>();
        BlockingQueue<JsonNode> registered = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            (exchange.getRequestURI().getPath().equals("/target") ? target : registered).add(body);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        String root = "http://127.0.0.1:" + receiver.getAddress().getPort();
        try {
            fake.webhookTarget(root + "/target", "s3cret");
            String agentsOnly = webhook("incoming_event", "reg", root + "/registered", "{\"author_type\":\"agent\"}");
            String id = configure("register_webhook", agentsOnly).body().path("id").asText();
            String token = customerToken();
            String chatId = call("start_chat", token, "{\"continuous\":true}").body().path("chat_id").asText();
            call("send_event", token, "{\"chat_id\":\"" + chatId + "\",\"event\":{\"type\":\"message\",\"text\":\"hi\"}}");
            assertEquals("hi", target.poll(5, TimeUnit.SECONDS).path("payload").path("event").path("text").asText());

            assertEquals(200, fake.agentSays(chatId, "agent@example.com", "Hello"));
            assertEquals("s3cret", target.poll(5, TimeUnit.SECONDS).path("secret_key").asText());
            JsonNode copy = registered.poll(5, TimeUnit.SECONDS);
            assertEquals("reg", copy.path("secret_key").asText());
            assertEquals(id, copy.path("webhook_id").asText());
            assertEquals("Hello", copy.path("payload").path("event").path("text").asText());
            assertNull(registered.poll(300, TimeUnit.MILLISECONDS)); // the customer's "hi" was filtered out

            // A registration of the target's own url and secret replaces the target: one delivery, registered id.
            String closeId = configure("register_webhook", webhook("chat_deactivated", "s3cret", root + "/target", null))
                    .body().path("id").asText();
            assertEquals(200, fake.agentCloses(chatId, "agent@example.com"));
            assertEquals(closeId, target.poll(5, TimeUnit.SECONDS).path("webhook_id").asText());
            assertNull(target.poll(300, TimeUnit.MILLISECONDS));
        } finally {
            fake.webhookTarget(null, null);
            receiver.stop(0);
        }
    }

    private static String webhook(String action, String secretKey, String url, String filters) {
        return "{\"action\":\"" + action + "\",\"secret_key\":\"" + secretKey + "\",\"url\":\"" + url
                + "\",\"owner_client_id\":\"" + CLIENT_ID + "\",\"type\":\"license\""
                + (filters == null ? "" : ",\"filters\":" + filters) + "}";
    }

    private static Answer configure(String method, String body) throws Exception {
        return send(request(fake.apiUrl() + "/configuration/action/" + method, AGENT_TOKEN, "application/json", body));
    }

    private static String customerToken() throws Exception {
        return grant(AGENT_TOKEN, null).body().path("access_token").asText();
    }

    private static Answer grant(String agentToken, String entityId) throws Exception {
        String entity = entityId == null ? "" : ",\"entity_id\":\"" + entityId + "\"";
        return send(request(fake.accountsUrl() + "/v2/customer/token", agentToken, "application/json",
                "{\"grant_type\":\"agent_token\",\"client_id\":\"" + CLIENT_ID + "\",\"response_type\":\"token\"" + entity + "}"));
    }

    private static Answer call(String method, String token, String body) throws Exception {
        return send(request(customerUrl(method), token, "application/json", body));
    }

    private static String customerUrl(String method) {
        return fake.apiUrl() + "/customer/action/" + method + "?organization_id=" + ORGANIZATION_ID;
    }

    private static HttpRequest request(String url, String bearer, String contentType, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpRequest form(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }
}
