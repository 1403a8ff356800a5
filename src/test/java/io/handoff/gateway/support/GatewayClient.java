package io.handoff.gateway.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** What a bot does: real HTTP calls to the gateway on 127.0.0.1. */
public final class GatewayClient {

    /** A response with its body parsed as JSON when it is JSON. */
    public record Response(int status, String contentType, String text, JsonNode json) {

        public String type() {
            return json.path("type").asText();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String apiKey;

    public GatewayClient(int port, String apiKey) {
        this.baseUrl = "http://127.0.0.1:" + port;
        this.apiKey = apiKey;
    }

    public Response post(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            JsonNode json = MissingNode.getInstance();
            if (contentType.contains("json") && !response.body().isBlank()) {
                json = JSON.readTree(response.body());
            }
            return new Response(response.statusCode(), contentType, response.body(), json);
        } catch (IOException e) {
            throw new IllegalStateException("gateway call failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The client's text message: {@code POST /api/v1/conversations/{id}/messages}. */
    public Response say(String conversationId, String messageId, String text) {
        return post("/api/v1/conversations/" + conversationId + "/messages",
                json(Map.of("messageId", messageId, "text", text)));
    }

    /** The conversation's events with a seq above {@code after}, oldest first; anything but 200 fails the test. */
    public List<JsonNode> events(String conversationId, long after) {
        Response page = get("/api/v1/conversations/" + conversationId + "/events?after=" + after);
        if (page.status() != 200) {
            throw new AssertionError("events of " + conversationId + " answered " + page.status() + ": " + page.text());
        }
        List<JsonNode> events = new ArrayList<>();
        page.json().path("events").forEach(events::add);
        return events;
    }

    /** All the conversation's events, oldest first (the first page). */
    public List<JsonNode> events(String conversationId) {
        return events(conversationId, 0);
    }

    /** A request to the gateway with the bot's API key. */
    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path));
        return apiKey == null ? builder : builder.header("Authorization", "Bearer " + apiKey);
    }

    public String baseUrl() {
        return baseUrl;
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
