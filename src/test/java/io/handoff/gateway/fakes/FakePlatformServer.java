package io.handoff.gateway.fakes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.handoff.gateway.sandbox.platform.Refusal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The plumbing {@link FakeLiveChat} and {@link FakeLiveTex} share: a JDK HttpServer on 127.0.0.1 with an ephemeral
 * port, call recording, injected faults and delays, being down, and webhook delivery with its history. A subclass
 * routes requests ({@link #operationOf}, {@link #dispatch}) to its platform's model, and lets the model call
 * {@link #accept} once a call has passed the platform's auth and validation: only then is the call counted and may
 * it consume a fault, so an injected failure never changes state.
 *
 * <p>All state, here and in the subclass, is guarded by {@link #lock}, which is never held while sleeping or sending
 * a webhook.
 */
abstract class FakePlatformServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    static {
        // The JDK server writes headers and body separately; with Nagle's algorithm and delayed ACKs every response
        // then takes ~40 ms. The property is read once, when the first JDK HttpServer in the JVM starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    final Object lock = new Object();
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient webhookClient;
    private final Set<String> methods;
    private final Duration webhookTimeout;
    private volatile boolean down;

    // Everything below is guarded by lock.
    private final Map<String, List<Call>> calls = new HashMap<>();
    private final Map<String, Deque<ApiError>> faults = new HashMap<>();
    private final Map<String, Deque<Duration>> delays = new HashMap<>();
    private final Map<String, Integer> lostAnswers = new HashMap<>();
    /** Calls of each operation being answered now, and the most at once since the last reset. */
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final Map<String, Integer> mostAtOnce = new HashMap<>();
    private List<Webhook> lastWebhooks = List.of();
    private int lastWebhookStatus;
    private final List<JsonNode> webhooksSent = new ArrayList<>();

    /**
     * Binds the port without serving yet: the subclass calls {@link #serve} at the end of its constructor.
     *
     * @param methods        the method names that failNext, delayNext and the inspection methods accept
     * @param webhookTimeout how long the platform waits for a webhook receiver
     */
    FakePlatformServer(String threadName, Set<String> methods, Duration webhookTimeout) throws IOException {
        this.methods = methods;
        this.webhookTimeout = webhookTimeout;
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        webhookClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(executor)
                .build();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
    }

    /** Starts answering; called last so that no request sees a half-built subclass. */
    final void serve() {
        server.start();
    }

    /** Like {@code http://127.0.0.1:<port>}. */
    final String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    // ---------------------------------------------------------------- platform hooks

    /** The method or operation a request names (also the key of {@link #delayNext}), or null when it names none. */
    abstract String operationOf(Request request);

    /** Answers a request; the platform's error answers are thrown as {@link ApiError}. */
    abstract Reply dispatch(String operation, Request request);

    /** The platform's answer when the fake itself fails. */
    abstract ApiError internalError(RuntimeException bug);

    // ---------------------------------------------------------------- fault injection

    /** The next {@code times} calls of {@code method} are answered only after {@code delay} (state changes first). */
    public void delayNext(String method, int times, Duration delay) {
        requireKnownMethod(method);
        synchronized (lock) {
            Deque<Duration> queue = delays.computeIfAbsent(method, m -> new ArrayDeque<>());
            for (int i = 0; i < times; i++) {
                queue.add(delay);
            }
        }
    }

    /**
     * The next {@code times} calls of {@code method} are carried out (state changes, webhooks) but their answer is
     * lost: the connection closes without a response, as when a timeout or a network fault hits after the platform
     * acted. Clients see an I/O error.
     */
    public void loseAnswerNext(String method, int times) {
        requireKnownMethod(method);
        synchronized (lock) {
            lostAnswers.merge(method, times, Integer::sum);
        }
    }

    /** While down, every connection is closed without a response, so clients see an I/O error. */
    public void setDown(boolean down) {
        this.down = down;
    }

    /** Lets {@code answer} answer the next {@code times} accepted calls of {@code method}: each platform's failNext. */
    final void queueFaults(String method, int times, ApiError answer) {
        requireKnownMethod(method);
        synchronized (lock) {
            Deque<ApiError> queue = faults.computeIfAbsent(method, m -> new ArrayDeque<>());
            for (int i = 0; i < times; i++) {
                queue.add(answer); // an ApiError has no stack trace, so one instance can be thrown again
            }
        }
    }

    /** Records a call that passed auth and validation, then lets a pending fault answer it. Call with the lock held. */
    final void accept(String method, Request request, JsonNode recordedBody) {
        calls.computeIfAbsent(method, m -> new ArrayList<>())
                .add(new Call(recordedBody.deepCopy(), request.query(), request.headers()));
        Deque<ApiError> pending = faults.get(method);
        ApiError fault = pending == null ? null : pending.poll();
        if (fault != null) {
            throw fault;
        }
    }

    // ---------------------------------------------------------------- inspection

    /** Every call of any method that passed auth and validation: what reached the platform at all. */
    public int totalCount() {
        synchronized (lock) {
            return calls.values().stream().mapToInt(List::size).sum();
        }
    }

    /** Calls of {@code method} that passed auth and validation (including ones answered by an injected fault). */
    public int count(String method) {
        return recorded(method).size();
    }

    /**
     * Request bodies of the counted calls. A call without a JSON body appears as a JSON object: FakeLiveChat's form
     * fields or query parameters, FakeLiveTex's {@code {}}.
     */
    public List<JsonNode> bodies(String method) {
        return recorded(method).stream().<JsonNode>map(call -> call.body().deepCopy()).toList();
    }

    /** Request headers of the counted calls, names in lower case. */
    public List<Map<String, String>> headers(String method) {
        return recorded(method).stream().map(Call::headers).toList();
    }

    /** The most calls of {@code method} answered at the same time since the last reset (a delay holds each one open). */
    public int mostAtOnce(String method) {
        requireKnownMethod(method);
        synchronized (lock) {
            return mostAtOnce.getOrDefault(method, 0);
        }
    }

    final List<Call> recorded(String method) {
        requireKnownMethod(method);
        synchronized (lock) {
            return List.copyOf(calls.getOrDefault(method, List.of()));
        }
    }

    /** Comes back up and forgets recorded calls, faults, delays and webhook history; the subclass's reset calls it. */
    final void resetServer() {
        down = false;
        synchronized (lock) {
            calls.clear();
            faults.clear();
            delays.clear();
            lostAnswers.clear();
            mostAtOnce.clear();
            lastWebhooks = List.of();
            lastWebhookStatus = 0;
            webhooksSent.clear();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- webhooks

    /** Re-POSTs the exact bodies of the last operator webhook, as the platform does when it retries. */
    public int resendLastWebhook() {
        List<Webhook> webhooks;
        synchronized (lock) {
            webhooks = lastWebhooks;
        }
        if (webhooks.isEmpty()) {
            throw new IllegalStateException("no operator webhook was sent yet");
        }
        return deliverAsOperator(webhooks);
    }

    /** HTTP status of the last operator webhook (0 if none, -1 on an I/O error). */
    public int lastWebhookStatus() {
        synchronized (lock) {
            return lastWebhookStatus;
        }
    }

    /**
     * Bodies of all webhooks whose delivery finished, oldest first, resends included, and so are the ones sent
     * asynchronously after a response (FakeLiveChat's customer calls): poll this to know one has reached the gateway.
     */
    public List<JsonNode> webhooksSent() {
        synchronized (lock) {
            return deepCopies(webhooksSent);
        }
    }

    /** Delivers to every destination in turn and returns the first one's status (0 when there is none). */
    final int deliverAsOperator(List<Webhook> webhooks) {
        if (webhooks.isEmpty()) {
            return 0;
        }
        synchronized (lock) {
            lastWebhooks = webhooks;
        }
        int status = deliver(webhooks.get(0));
        webhooks.subList(1, webhooks.size()).forEach(this::deliver);
        synchronized (lock) {
            lastWebhookStatus = status;
        }
        return status;
    }

    /** POSTs the webhook and returns its HTTP status, or -1 when the target could not be reached. */
    final int deliver(Webhook webhook) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(webhook.url()))
                .timeout(webhookTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(webhook.bytes()))
                .build();
        int status;
        try {
            status = webhookClient.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            status = -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = -1;
        }
        synchronized (lock) {
            webhooksSent.add(webhook.body());
        }
        return status;
    }

    // ---------------------------------------------------------------- HTTP plumbing

    private void handle(HttpExchange exchange) {
        try {
            if (down) {
                return; // the finally block closes the connection without a response
            }
            Request request = readRequest(exchange);
            String operation = operationOf(request);
            Reply reply;
            arrived(operation);
            try {
                try {
                    reply = dispatch(operation, request);
                } catch (ApiError error) {
                    reply = error.reply();
                }
                pause(takeDelay(operation));
                if (takeLostAnswer(operation)) {
                    reply.afterwards().forEach(executor::execute);
                    return; // the finally block closes the connection without a response
                }
                send(exchange, reply);
            } finally {
                answered(operation);
            }
            reply.afterwards().forEach(executor::execute);
        } catch (IOException clientGone) {
            // nothing left to answer
        } catch (RuntimeException bug) {
            try {
                send(exchange, internalError(bug).reply());
            } catch (IOException | RuntimeException ignored) {
                // the connection is closed below either way
            }
        } finally {
            exchange.close();
        }
    }

    private static Request readRequest(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), values.isEmpty() ? "" : values.get(0)));
        URI uri = exchange.getRequestURI();
        byte[] body = exchange.getRequestBody().readAllBytes();
        return new Request(exchange.getRequestMethod(), uri.getRawPath(), parseForm(uri.getRawQuery()),
                Map.copyOf(headers), body);
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
        exchange.getResponseBody().write(reply.body());
    }

    private void arrived(String operation) {
        synchronized (lock) {
            int now = inFlight.merge(String.valueOf(operation), 1, Integer::sum);
            mostAtOnce.merge(String.valueOf(operation), now, Math::max);
        }
    }

    private void answered(String operation) {
        synchronized (lock) {
            inFlight.merge(String.valueOf(operation), -1, Integer::sum);
        }
    }

    private boolean takeLostAnswer(String operation) {
        synchronized (lock) {
            Integer left = operation == null ? null : lostAnswers.get(operation);
            if (left == null || left == 0) {
                return false;
            }
            lostAnswers.put(operation, left - 1);
            return true;
        }
    }

    private Duration takeDelay(String operation) {
        synchronized (lock) {
            Deque<Duration> pending = operation == null ? null : delays.get(operation);
            Duration delay = pending == null ? null : pending.poll();
            return delay == null ? Duration.ZERO : delay;
        }
    }

    private static void pause(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void requireKnownMethod(String method) {
        if (!methods.contains(method)) {
            throw new IllegalArgumentException("unknown method " + method + "; known: " + methods);
        }
    }

    // ---------------------------------------------------------------- helpers for the platforms

    static String mediaType(Request request) {
        String contentType = request.headers().get("content-type");
        return contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    /** Decodes a query string or form body; the first of repeated names wins. */
    static Map<String, String> parseForm(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return Map.of();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            values.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
                    URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return Collections.unmodifiableMap(values);
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static List<JsonNode> deepCopies(List<? extends JsonNode> nodes) {
        return nodes.stream().<JsonNode>map(JsonNode::deepCopy).toList();
    }

    // ---------------------------------------------------------------- types

    record Request(String verb, String path, Map<String, String> query, Map<String, String> headers, byte[] body) {
    }

    /** A response plus work to run after it is sent (asynchronous webhooks, so they cannot deadlock the caller). */
    record Reply(int status, String contentType, byte[] body, List<Runnable> afterwards) {
        static Reply json(int status, JsonNode body) {
            return json(status, body, List.of());
        }

        static Reply json(int status, JsonNode body, List<Runnable> afterwards) {
            try {
                return new Reply(status, "application/json", JSON.writeValueAsBytes(body), afterwards);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** An error answer in the platform's shape; thrown from anywhere below {@link #dispatch}. */
    static final class ApiError extends RuntimeException {
        final int status;
        final JsonNode body;

        ApiError(int status, JsonNode body) {
            super(body.toString(), null, false, false);
            this.status = status;
            this.body = body;
        }

        /** The same answer as a model's refusal. */
        static ApiError of(Refusal refusal) {
            return new ApiError(refusal.status(), refusal.body());
        }

        Reply reply() {
            return Reply.json(status, body);
        }
    }

    record Call(JsonNode body, Map<String, String> query, Map<String, String> headers) {
    }

    /** A webhook with its exact bytes, so that a resend is the same request. */
    record Webhook(String url, JsonNode body, byte[] bytes) {
        static Webhook of(String url, JsonNode body) {
            try {
                return new Webhook(url, body, JSON.writeValueAsBytes(body));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
