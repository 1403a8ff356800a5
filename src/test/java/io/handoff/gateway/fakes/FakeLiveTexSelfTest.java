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
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.handoff.gateway.fakes.FakeLiveTex.KEY;
import static org.junit.jupiter.api.Assertions.*;

/** Checks that FakeLiveTex enforces the LiveTex Messaging API protocol the gateway tests rely on. */
class FakeLiveTexSelfTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String SELECT = "{\"user_id\":\"u1\",\"destination_type\":\"Department\","
            + "\"destination_id\":\"54321\",\"name\":\"Ann\",\"attributes\":{\"order\":\"98765\"}}";
    private static FakeLiveTex fake;

    private record Answer(int status, JsonNode body) {}

    @BeforeAll
    static void startFake() {
        fake = FakeLiveTex.start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
        fake.destination("54321", "Support", true);
    }

    @Test
    void refusesBadKeysRoutesBodiesAndData() throws Exception {
        assertError(400, 1, send(post(fake.apiUrl() + "/getDestinations", "application/json", "")));
        assertError(401, 2, send(post(fake.apiUrl() + "/getDestinations?key=wrong", "application/json", "")));
        assertError(404, 6, call("closeChat", "{}"));
        assertError(404, 6, send(HttpRequest.newBuilder(URI.create(url("getDestinations"))).GET().build()));
        assertError(400, 3, call("sendText", ""));
        assertError(400, 4, send(post(url("sendText"), "text/plain", "{\"user_id\":\"u1\",\"text\":\"hi\"}")));
        assertError(400, 4, call("sendText", "{\"user_id\":\"u1\","));
        assertError(400, 4, call("sendText", "{\"user_id\":\"u1\",\"text\":\"hi\"} trailing"));
        assertError(400, 9, call("sendText", "{\"user_id\":\"u1\"}"));
        assertError(400, 9, call("sendText", "{\"user_id\":42,\"text\":\"hi\"}"));
        assertError(400, 9, call("selectDestination", SELECT.replace("Department", "Group")));
        assertError(400, 9, call("selectDestination", SELECT.replace("\"98765\"", "98765")));
        assertError(400, 5, call("setWebhook", "{\"url\":\"ftp://example.com/hook\",\"webhook_key\":\"k\"}"));
        assertEquals(0, fake.count("sendText") + fake.count("selectDestination"));

        // An unknown destination is a state check: the call is counted, then refused.
        assertError(400, 9, call("selectDestination", SELECT.replace("54321", "999")));
        assertEquals(1, fake.count("selectDestination"));
        assertTrue(fake.currentDestination("u1").isEmpty());
    }

    @Test
    void routesMessagesAndKeepsThoseSentBeforeADestination() throws Exception {
        Answer destinations = call("getDestinations", "");
        assertEquals(200, destinations.status());
        assertEquals(JSON.readTree("{\"success\":true,\"destinations\":[{\"destination_type\":\"Department\","
                + "\"destination_id\":\"54321\",\"name\":\"Support\",\"has_online\":true}]}"), destinations.body());
        assertEquals(KEY, fake.queries("getDestinations").get(0).get("key"));
        JsonNode queued = call("sendText", "{\"user_id\":\"u1\",\"text\":\"hello\"}").body();
        assertTrue(queued.path("success").asBoolean() && queued.path("timestamp").asLong() > 0);
        assertEquals(200, call("selectDestination", SELECT).status());
        assertEquals("54321", fake.currentDestination("u1").orElseThrow());
        assertEquals(Map.of("order", "98765"), fake.attributesOf("u1"));
        String file = "{\"user_id\":\"u1\",\"url\":\"https://cdn.example.com/a.pdf\",\"size\":12}";
        assertError(400, 9, call("sendFile", file.replace("12", "\"12\"")));
        String fileId = call("sendFile", file).body().path("message_id").asText();

        var messages = fake.messagesOf("u1");
        assertEquals(2, messages.size());
        assertEquals(queued.path("message_id"), messages.get(0).path("message_id"));
        assertEquals("hello", messages.get(0).path("text").asText());
        assertTrue(messages.get(0).path("destination").isNull());
        assertEquals(fileId, messages.get(1).path("message_id").asText());
        assertEquals("file|12", messages.get(1).path("type").asText() + "|" + messages.get(1).path("size").asLong());
        assertEquals("54321", messages.get(1).path("destination").asText());
    }

    @Test
    void deliversOperatorWebhooksToTheSetWebhookUrl() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/livetex", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/livetex";
            assertEquals(200, call("setWebhook", "{\"url\":\"" + hook + "\",\"webhook_key\":\"wk\"}").status());
            assertEquals(hook, call("getWebhookSettings", "").body().path("url").asText());
            call("selectDestination", SELECT);

            assertEquals(200, fake.operatorSays("u1", "7", "Anna", "Hello!"));
            String said = received.poll(5, TimeUnit.SECONDS);
            JsonNode text = JSON.readTree(said);
            assertEquals("TextMessage", text.path("type").asText());
            assertEquals("wk", text.path("webhook_key").asText());
            assertEquals("u1", text.path("user_id").asText());
            assertEquals("{\"employee_id\":\"7\",\"first_name\":\"Anna\"}", text.path("employee").toString());
            assertEquals("Hello!", text.path("text").asText());
            assertEquals("Employee", text.path("from").asText());
            assertTrue(text.path("timestamp").asLong() > 0);
            assertEquals(200, fake.resendLastWebhook());
            assertEquals(said, received.poll(5, TimeUnit.SECONDS));

            assertEquals(200, fake.operatorCloses("u1", "7", "Anna"));
            JsonNode closed = JSON.readTree(received.poll(5, TimeUnit.SECONDS));
            assertEquals("Closed", closed.path("type").asText());
            assertEquals(FakeLiveTex.TOUCH_POINT_ID, closed.path("touch_point_id").asText());
            assertNotEquals(text.path("id"), closed.path("id"));
            assertTrue(fake.currentDestination("u1").isEmpty());
            assertThrows(IllegalStateException.class, () -> fake.operatorSays("u1", "7", "Anna", "late"));

            assertEquals(200, fake.askToSelectDestination("u1"));
            JsonNode ask = JSON.readTree(received.poll(5, TimeUnit.SECONDS)).path("destinations").path(0);
            assertEquals("54321", ask.path("destination_id").asText());
            assertFalse(ask.has("has_online"));
            assertEquals(4, fake.webhooksSent().size());

            fake.webhookTarget(null, null);
            assertEquals(0, fake.holdMessage("u1", "wait please"));
        } finally {
            receiver.stop(0);
        }
        fake.webhookTarget("http://127.0.0.1:" + receiver.getAddress().getPort() + "/livetex", "wk");
        assertEquals(-1, fake.holdMessage("u1", "wait please"));
    }

    @Test
    void injectedFailureChangesNothingAndDownServerDropsConnections() throws Exception {
        fake.failNext("selectDestination", 1, 500, 7);
        Answer failed = call("selectDestination", SELECT);
        assertError(500, 7, failed);
        assertEquals("injected", failed.body().path("error_message").asText());
        assertTrue(fake.currentDestination("u1").isEmpty());
        assertEquals(200, call("selectDestination", SELECT).status());
        assertEquals(2, fake.count("selectDestination"));
        fake.delayNext("getDestinations", 1, Duration.ofMillis(300));
        long started = System.nanoTime();
        assertEquals(200, call("getDestinations", "").status());
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(300).toNanos());

        fake.setDown(true);
        assertThrows(IOException.class, () -> call("getDestinations", ""));
        fake.setDown(false);
        assertEquals(200, call("getDestinations", "").status());
    }

    private static void assertError(int status, int code, Answer answer) {
        assertEquals(status, answer.status(), answer.body()::toString);
        assertEquals(code, answer.body().path("error_code").asInt(), answer.body()::toString);
        assertFalse(answer.body().path("success").asBoolean(true));
    }

    private static String url(String method) {
        return fake.apiUrl() + "/" + method + "?key=" + KEY;
    }

    private static Answer call(String method, String body) throws Exception {
        return send(post(url(method), "application/json", body));
    }

    private static HttpRequest post(String url, String contentType, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }
}
