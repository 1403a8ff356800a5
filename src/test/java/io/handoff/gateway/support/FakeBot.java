package io.handoff.gateway.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.handoff.gateway.delivery.CallbackSigner;

/**
 * The bot's side on 127.0.0.1: a callback receiving the gateway's pushed events (checking their
 * signature) that can be made to fail, and a file server for the client's files.
 */
public final class FakeBot implements AutoCloseable {

    /** One push as received. */
    public record Push(JsonNode event, boolean signatureValid) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final byte[] secret;
    private final List<Push> received = new ArrayList<>();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile int failWith; // 0 = accept
    private final Map<String, Integer> failingConversations = new ConcurrentHashMap<>();
    private volatile long delayMillis;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> mostAtOnce = new ConcurrentHashMap<>();

    private FakeBot(String secret) throws IOException {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/events", this::event);
        server.createContext("/files/", this::file);
        server.start();
    }

    public static FakeBot start(String secret) {
        try {
            return new FakeBot(secret);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String callbackUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
    }

    /** Serves {@code bytes} and returns their URL. */
    public String serveFile(String name, byte[] bytes) {
        files.put(name, bytes);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/files/" + name;
    }

    /** Answer every push with this status from now on (0 = accept with 200). */
    public void failWith(int status) {
        failWith = status;
    }

    /** Refuse the pushes of one conversation only (0 = accept again). */
    public void failFor(String conversationId, int status) {
        if (status == 0) {
            failingConversations.remove(conversationId);
        } else {
            failingConversations.put(conversationId, status);
        }
    }

    /** Hold every push this long before answering (0 = answer at once), as a slow bot would. */
    public void delay(java.time.Duration delay) {
        delayMillis = delay.toMillis();
    }

    /** Pushes of the conversation being handled now (received, not yet answered). */
    public int inFlight(String conversationId) {
        AtomicInteger count = inFlight.get(conversationId);
        return count == null ? 0 : count.get();
    }

    /** The most pushes of the conversation that were being handled at the same time. */
    public int mostAtOnce(String conversationId) {
        AtomicInteger most = mostAtOnce.get(conversationId);
        return most == null ? 0 : most.get();
    }

    public int attempts() {
        return attempts.get();
    }

    /** Events accepted (2xx), in the order they arrived. */
    public synchronized List<Push> received() {
        return List.copyOf(received);
    }

    public synchronized List<JsonNode> eventsOf(String conversationId) {
        return received.stream().map(Push::event)
                .filter(e -> conversationId.equals(e.path("conversationId").asText())).toList();
    }

    public synchronized void clear() {
        received.clear();
        attempts.set(0);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void event(HttpExchange exchange) throws IOException {
        try (exchange) {
            attempts.incrementAndGet();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode event = JSON.readTree(body);
            String conversationId = event.path("conversationId").asText();
            AtomicInteger handling = inFlight.computeIfAbsent(conversationId, id -> new AtomicInteger());
            mostAtOnce.computeIfAbsent(conversationId, id -> new AtomicInteger()).accumulateAndGet(handling.incrementAndGet(), Math::max);
            try {
                answer(exchange, body, event);
            } finally {
                handling.decrementAndGet();
            }
        }
    }

    private void answer(HttpExchange exchange, String body, JsonNode event) throws IOException {
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis); // the slow bot of a test: the gateway's call is held open meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int status = failingConversations.getOrDefault(event.path("conversationId").asText(), failWith);
        if (status != 0) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        String signature = exchange.getRequestHeaders().getFirst("X-Handoff-Signature");
        boolean valid = ("sha256=" + CallbackSigner.hmac(secret, body)).equals(signature);
        synchronized (this) {
            received.add(new Push(event, valid));
        }
        exchange.sendResponseHeaders(204, -1);
    }

    private void file(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] bytes = files.get(exchange.getRequestURI().getPath().substring("/files/".length()));
            if (bytes == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
