package io.handoff.gateway.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * JAICP on 127.0.0.1, as far as its Operator API goes (reference §1.4): it calls the gateway's
 * {@code {apiUrl}/setWebhook, getDestinations, selectDestination, sendText, sendFile, closeChat} the way
 * JAICP does, and receives operator events on its {@code /chatadapter/chatapi/webhook/operatorapi/{apiKey}}.
 */
public final class FakeJaicp implements AutoCloseable {

    /** One HTTP answer of the gateway. */
    public record Answer(int status, JsonNode body) {
    }

    public static final String API_KEY = "jaicp-api-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<JsonNode> events = new ArrayList<>();
    private final List<JsonNode> refused = new ArrayList<>();
    private final String apiUrl;
    private volatile int failWith;

    private FakeJaicp(String gatewayApiUrl) throws IOException {
        this.apiUrl = gatewayApiUrl;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/chatadapter/chatapi/webhook/operatorapi/", this::event);
        server.start();
    }

    /** A JAICP project whose operator channel has API URL {@code gatewayApiUrl} ({base}/jaicp/{channelKey}). */
    public static FakeJaicp start(String gatewayApiUrl) {
        try {
            return new FakeJaicp(gatewayApiUrl);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String webhookUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/chatadapter/chatapi/webhook/operatorapi/" + API_KEY;
    }

    public Answer setWebhook() {
        return post("setWebhook", Map.of("url", webhookUrl()));
    }

    public Answer getDestinations() {
        return send(HttpRequest.newBuilder(URI.create(apiUrl + "/getDestinations")).GET());
    }

    public Answer selectDestination(String userId, String destinationId, Map<String, String> attributes) {
        return post("selectDestination", Map.of("userId", userId, "destinationId", destinationId, "userName", "Client " + userId,
                "attributes", attributes, "hiddenAttributes", Map.of("jaicpSession", "s-" + userId), "customData", Map.of()));
    }

    public Answer sendText(String userId, String text) {
        return post("sendText", Map.of("userId", userId, "text", text));
    }

    public Answer sendFile(String userId, String url, String fileName) {
        return post("sendFile", Map.of("userId", userId, "url", url, "fileName", fileName, "size", 1024));
    }

    public Answer closeChat(String userId, String text) {
        return post("closeChat", Map.of("userId", userId, "text", text));
    }

    /** Answer every event with this status from now on (0 = accept). */
    public void failWith(int status) {
        failWith = status;
    }

    public synchronized List<JsonNode> events() {
        return List.copyOf(events);
    }

    public synchronized List<JsonNode> eventsOf(String userId) {
        return events.stream().filter(e -> userId.equals(e.path("userId").asText())).toList();
    }

    /** Events of the user that reached this webhook while it was answering {@link #failWith} an error, in order. */
    public synchronized List<JsonNode> refusedOf(String userId) {
        return refused.stream().filter(e -> userId.equals(e.path("userId").asText())).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** Any Operator API call with any body, as JAICP would send it. */
    public Answer post(String method, Object body) {
        try {
            return send(HttpRequest.newBuilder(URI.create(apiUrl + "/" + method)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void event(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean ourKey = exchange.getRequestURI().getPath().endsWith("/" + API_KEY);
            int failure = failWith;
            if (failure != 0 || !ourKey) {
                if (ourKey) {
                    synchronized (this) {
                        refused.add(JSON.readTree(body));
                    }
                }
                exchange.sendResponseHeaders(ourKey ? failure : 404, -1);
                return;
            }
            synchronized (this) {
                events.add(JSON.readTree(body));
            }
            exchange.sendResponseHeaders(200, -1);
        }
    }
}
