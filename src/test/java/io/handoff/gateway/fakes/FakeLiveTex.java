package io.handoff.gateway.fakes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
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
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stateful in-process fake of the LiveTex Messaging API 1.0 and of the webhooks LiveTex sends back. Shapes follow
 * {@code shared/reference/livetex-jaicp-dialogflow.md} §2; it checks what the real service checks (key in the query,
 * JSON body and Content-Type, required fields and their types, {@code destination_type "Department"}, known
 * destination ids, webhook URL scheme) so a protocol mistake fails a test.
 *
 * <p>Order of checks: route ({@code POST /1.0/<method>}, else 404 code 6), key (codes 1, 2), body (3, 4), data (9;
 * 5 for the setWebhook url). A call that passes them is recorded (see {@link #count}) and only then may consume a
 * {@link #failNext} fault, so an injected failure never changes state. State checks (unknown destination id, code 9)
 * come after that. UNVERIFIED: the code for a body sent without {@code Content-Type: application/json} is
 * undocumented; the fake answers 400 code 4.
 *
 * <p>Routing: a user's destination (the open "appeal") holds until an operator closes it. Messages sent while none is
 * selected are accepted and kept, as LiveTex queues them. A second selectDestination replaces the first (UNVERIFIED).
 *
 * <p>Webhooks: only the operator methods ({@link #operatorSays} etc.) send them, synchronously, and return the HTTP
 * status (0 when no target is set, -1 when it cannot be reached). The fake never sends one on its own: no automatic
 * SelectDestination, no replay of webhooks missed while no target was set. Timestamps are Unix milliseconds, as in the
 * sendText response (the webhook docs say only "Unix time").
 *
 * <p>Thread-safe: all state is guarded by one lock, which is never held while sleeping or sending a webhook.
 */
public final class FakeLiveTex implements AutoCloseable {

    public static final String KEY = "fake-livetex-key";
    /** The Messaging API touch point, as reported in Closed webhooks. */
    public static final String TOUCH_POINT_ID = "fake-touch-point";
    /** The only destination type LiveTex 1.0 accepts. */
    public static final String DESTINATION_TYPE = "Department";

    private static final String API_PREFIX = "/1.0";
    private static final Set<String> METHODS = Set.of("getDestinations", "selectDestination", "sendText", "sendFile",
            "setWebhook", "getWebhookSettings");
    /** Documented without a request body; every other method needs a JSON object. */
    private static final Set<String> BODYLESS_METHODS = Set.of("getDestinations", "getWebhookSettings");
    /** LiveTex waits this long for the webhook receiver before it retries. */
    private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(60);

    private static final int KEY_MISSING = 1;
    private static final int KEY_INVALID = 2;
    private static final int EMPTY_BODY = 3;
    private static final int WRONG_JSON = 4;
    private static final int BAD_WEBHOOK_URL = 5;
    private static final int UNSUPPORTED_REQUEST = 6;
    private static final int INTERNAL_ERROR = 7;
    private static final int INVALID_DATA = 9;

    // Trailing garbage after the JSON value is "wrong JSON" too, not silently ignored.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    static {
        // See FakeLiveChat: without TCP_NODELAY every JDK HttpServer response takes ~40 ms.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient webhookClient;
    private final Object lock = new Object();
    private volatile boolean down;

    // Everything below is guarded by lock.
    private final Map<String, Destination> destinations = new LinkedHashMap<>();
    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, List<Call>> calls = new HashMap<>();
    private final Map<String, Deque<Fault>> faults = new HashMap<>();
    private final Map<String, Deque<Duration>> delays = new HashMap<>();
    private String webhookUrl;
    private String webhookKey;
    private Webhook lastWebhook;
    private int lastWebhookStatus;
    private final List<JsonNode> webhooksSent = new ArrayList<>();

    private FakeLiveTex() throws IOException {
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fake-livetex");
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
        server.start();
    }

    /** Starts a fake on 127.0.0.1 with an ephemeral port. */
    public static FakeLiveTex start() {
        try {
            return new FakeLiveTex();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start FakeLiveTex", e);
        }
    }

    // ---------------------------------------------------------------- URLs and configuration

    /** Like {@code https://messaging.livetex.ru/1.0}; methods are {@code POST <apiUrl>/<method>?key=<key>}. */
    public String apiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + API_PREFIX;
    }

    /** Adds or replaces (by id) a Department of the touch point; {@code name} may be null. None by default. */
    public void destination(String id, String name, boolean hasOnline) {
        synchronized (lock) {
            destinations.put(id, new Destination(id, name, hasOnline));
        }
    }

    /** Where webhooks go, as if setWebhook had been called; {@code null} url stops sending them. */
    public void webhookTarget(String url, String key) {
        synchronized (lock) {
            webhookUrl = url;
            webhookKey = key;
        }
    }

    // ---------------------------------------------------------------- fault injection

    /**
     * The next {@code times} calls of {@code method} that pass auth and validation answer {@code httpStatus} with
     * {@code {"success":false,"error_code":errorCode,"error_message":"injected"}} and change nothing. They still count
     * in {@link #count}, so a test can see the retries.
     */
    public void failNext(String method, int times, int httpStatus, int errorCode) {
        requireKnownMethod(method);
        synchronized (lock) {
            Deque<Fault> queue = faults.computeIfAbsent(method, m -> new ArrayDeque<>());
            for (int i = 0; i < times; i++) {
                queue.add(new Fault(httpStatus, errorCode));
            }
        }
    }

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

    /** While down, every connection is closed without a response, so clients see an I/O error. */
    public void setDown(boolean down) {
        this.down = down;
    }

    // ---------------------------------------------------------------- operator side

    /** An operator's text in the user's open appeal; sends {@code TextMessage}. Returns the webhook's HTTP status. */
    public int operatorSays(String userId, String employeeId, String firstName, String text) {
        ObjectNode fields = byEmployee(employeeId, firstName).put("text", text).put("from", "Employee");
        return fromAppeal(userId, "TextMessage", fields, false);
    }

    /** An operator's file in the user's open appeal; sends {@code FileMessage}. Returns the webhook's HTTP status. */
    public int operatorSendsFile(String userId, String employeeId, String firstName, String url, String name,
                                 long size) {
        ObjectNode fields = byEmployee(employeeId, firstName)
                .put("url", url).put("name", name).put("size", size).put("from", "Employee");
        return fromAppeal(userId, "FileMessage", fields, false);
    }

    /** The operator closes the appeal, which unselects the destination; sends {@code Closed}. Returns the status. */
    public int operatorCloses(String userId, String employeeId, String firstName) {
        ObjectNode fields = object().put("touch_point_id", TOUCH_POINT_ID);
        fields.setAll(byEmployee(employeeId, firstName));
        return fromAppeal(userId, "Closed", fields, true);
    }

    /** LiveTex asks for a destination; sends {@code SelectDestination} listing all of them (without has_online). */
    public int askToSelectDestination(String userId) {
        Webhook webhook;
        synchronized (lock) {
            ObjectNode fields = object();
            ArrayNode list = fields.putArray("destinations");
            destinations.values().forEach(destination -> list.add(destination.view(false)));
            webhook = webhook("SelectDestination", userId, fields);
        }
        return deliverAsOperator(webhook);
    }

    /** A hold message from the cabinet's scenarios; sends {@code HoldMessage}. Returns the webhook's HTTP status. */
    public int holdMessage(String userId, String text) {
        ObjectNode fields = object().put("timestamp", System.currentTimeMillis()).put("text", text);
        Webhook webhook;
        synchronized (lock) {
            webhook = webhook("HoldMessage", userId, fields);
        }
        return deliverAsOperator(webhook);
    }

    /** A message the user sent reached the operator; sends {@code MessageDelivered}. Returns the HTTP status. */
    public int delivered(String userId, String messageId) {
        Webhook webhook;
        synchronized (lock) {
            User user = users.get(userId);
            boolean known = user != null && user.messages.stream()
                    .anyMatch(message -> message.path("message_id").asText().equals(messageId));
            if (!known) {
                throw new IllegalArgumentException("user " + userId + " sent no message " + messageId);
            }
            ObjectNode fields = object().put("message_id", messageId).put("timestamp", System.currentTimeMillis());
            webhook = webhook("MessageDelivered", userId, fields);
        }
        return deliverAsOperator(webhook);
    }

    /** Re-POSTs the exact body of the last operator webhook, as LiveTex does when it retries (for up to 24 h). */
    public int resendLastWebhook() {
        Webhook webhook;
        synchronized (lock) {
            webhook = lastWebhook;
        }
        if (webhook == null) {
            throw new IllegalStateException("no operator webhook was sent yet");
        }
        return deliverAsOperator(webhook);
    }

    /** HTTP status of the last operator webhook (0 if none, -1 on an I/O error). */
    public int lastWebhookStatus() {
        synchronized (lock) {
            return lastWebhookStatus;
        }
    }

    /** Bodies of all webhooks whose delivery finished, oldest first, resends included. */
    public List<JsonNode> webhooksSent() {
        synchronized (lock) {
            return deepCopies(webhooksSent);
        }
    }

    // ---------------------------------------------------------------- inspection

    /** Calls of {@code method} that passed auth and validation (including ones answered by an injected fault). */
    public int count(String method) {
        return recorded(method).size();
    }

    /** Request bodies of the counted calls; {@code {}} for a bodyless call. */
    public List<JsonNode> bodies(String method) {
        return recorded(method).stream().<JsonNode>map(call -> call.body().deepCopy()).toList();
    }

    /** Query parameters of the counted calls (the {@code key} among them). */
    public List<Map<String, String>> queries(String method) {
        return recorded(method).stream().map(Call::query).toList();
    }

    /** Request headers of the counted calls, names in lower case. */
    public List<Map<String, String>> headers(String method) {
        return recorded(method).stream().map(Call::headers).toList();
    }

    /** The destination id of the user's open appeal; empty before selectDestination and after Closed. */
    public Optional<String> currentDestination(String userId) {
        synchronized (lock) {
            return Optional.ofNullable(users.get(userId)).map(user -> user.destinationId);
        }
    }

    /**
     * What the user sent, oldest first: {@code {message_id, timestamp, type:"text", text, destination}} or
     * {@code {message_id, timestamp, type:"file", url, file_name?, size?, comment?, destination}}, where
     * {@code destination} is the destination id at the time, or null when the message was queued.
     */
    public List<JsonNode> messagesOf(String userId) {
        synchronized (lock) {
            User user = users.get(userId);
            return user == null ? List.of() : deepCopies(user.messages);
        }
    }

    /** The {@code attributes} of the user's last selectDestination (kept after Closed); empty if none. */
    public Map<String, String> attributesOf(String userId) {
        synchronized (lock) {
            User user = users.get(userId);
            return user == null ? Map.of() : user.attributes;
        }
    }

    /**
     * Forgets destinations, users, recorded calls, faults, delays and webhook history, and comes back up. Keeps the
     * webhook target, which usually points at the application context shared by several tests.
     */
    public void reset() {
        down = false;
        synchronized (lock) {
            destinations.clear();
            users.clear();
            calls.clear();
            faults.clear();
            delays.clear();
            lastWebhook = null;
            lastWebhookStatus = 0;
            webhooksSent.clear();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- HTTP plumbing

    private void handle(HttpExchange exchange) {
        try {
            if (down) {
                return; // the finally block closes the connection without a response
            }
            Request request = readRequest(exchange);
            String method = methodOf(request);
            Reply reply;
            try {
                reply = dispatch(method, request);
            } catch (ApiError error) {
                reply = error.reply();
            }
            pause(takeDelay(method));
            send(exchange, reply);
        } catch (IOException clientGone) {
            // nothing left to answer
        } catch (RuntimeException bug) {
            try {
                send(exchange, new ApiError(500, INTERNAL_ERROR, "Internal server error: " + bug).reply());
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
        return new Request(exchange.getRequestMethod(), uri.getRawPath(), parseQuery(uri.getRawQuery()),
                Map.copyOf(headers), body);
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(reply.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), body.length);
        exchange.getResponseBody().write(body);
    }

    /** The API method a request names, or null when it is not {@code POST /1.0/<known method>}. */
    private static String methodOf(Request request) {
        String prefix = API_PREFIX + "/";
        if (!request.verb().equals("POST") || !request.path().startsWith(prefix)) {
            return null;
        }
        String method = request.path().substring(prefix.length());
        return METHODS.contains(method) ? method : null;
    }

    private Reply dispatch(String method, Request request) {
        if (method == null) {
            throw new ApiError(404, UNSUPPORTED_REQUEST,
                    "Unsupported HTTP request " + request.verb() + " " + request.path());
        }
        String key = request.query().get("key");
        if (key == null || key.isEmpty()) {
            throw new ApiError(400, KEY_MISSING, "Authentication key is not specified");
        }
        if (!key.equals(KEY)) {
            throw new ApiError(401, KEY_INVALID, "Authentication key is not valid");
        }
        JsonNode body = jsonBody(request, !BODYLESS_METHODS.contains(method));
        return switch (method) {
            case "getDestinations" -> getDestinations(request, body);
            case "selectDestination" -> selectDestination(request, body);
            case "sendText" -> sendText(request, body);
            case "sendFile" -> sendFile(request, body);
            case "setWebhook" -> setWebhook(request, body);
            case "getWebhookSettings" -> getWebhookSettings(request, body);
            default -> throw new IllegalStateException("unrouted method " + method);
        };
    }

    // ---------------------------------------------------------------- Messaging API methods

    private Reply getDestinations(Request request, JsonNode body) {
        synchronized (lock) {
            accept("getDestinations", request, body);
            ObjectNode response = success();
            ArrayNode list = response.putArray("destinations");
            destinations.values().forEach(destination -> list.add(destination.view(true)));
            return new Reply(200, response);
        }
    }

    private Reply selectDestination(Request request, JsonNode body) {
        String userId = requiredText(body, "user_id");
        if (!DESTINATION_TYPE.equals(requiredText(body, "destination_type"))) {
            throw invalidData("destination_type must be \"" + DESTINATION_TYPE + "\"");
        }
        String destinationId = requiredText(body, "destination_id");
        optionalText(body, "name"); // checked only; bodies() shows it
        Map<String, String> attributes = stringMap(body, "attributes");
        stringMap(body, "hidden_attributes"); // checked only; bodies() shows it
        synchronized (lock) {
            accept("selectDestination", request, body);
            if (!destinations.containsKey(destinationId)) {
                throw invalidData("unknown destination_id " + destinationId);
            }
            User user = user(userId);
            user.destinationId = destinationId;
            user.attributes = attributes;
            return new Reply(200, success());
        }
    }

    private Reply sendText(Request request, JsonNode body) {
        String userId = requiredText(body, "user_id");
        String text = requiredText(body, "text");
        synchronized (lock) {
            accept("sendText", request, body);
            return userMessage(userId, object().put("type", "text").put("text", text));
        }
    }

    private Reply sendFile(Request request, JsonNode body) {
        String userId = requiredText(body, "user_id");
        String url = requiredText(body, "url");
        if (!isHttpUrl(url)) {
            throw invalidData("url must be an absolute http(s) URL LiveTex can fetch");
        }
        ObjectNode message = object().put("type", "file").put("url", url);
        String fileName = optionalText(body, "file_name");
        if (fileName != null) {
            message.put("file_name", fileName);
        }
        JsonNode size = body.get("size");
        if (size != null) {
            if (!size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
                throw invalidData("size must be a non-negative integer (Long)");
            }
            message.put("size", size.asLong());
        }
        String comment = optionalText(body, "comment");
        if (comment != null) {
            message.put("comment", comment);
        }
        synchronized (lock) {
            accept("sendFile", request, body);
            return userMessage(userId, message);
        }
    }

    private Reply setWebhook(Request request, JsonNode body) {
        String url = requiredText(body, "url");
        String key = requiredText(body, "webhook_key");
        // The real service accepts only https; plain http is allowed so loopback tests need no TLS.
        if (!isHttpUrl(url)) {
            throw new ApiError(400, BAD_WEBHOOK_URL, "URL [" + url + "] is not valid: must be an http(s) URL");
        }
        synchronized (lock) {
            accept("setWebhook", request, body);
            webhookUrl = url;
            webhookKey = key;
            return new Reply(200, success());
        }
    }

    private Reply getWebhookSettings(Request request, JsonNode body) {
        synchronized (lock) {
            accept("getWebhookSettings", request, body);
            return new Reply(200, success().put("url", webhookUrl == null ? "" : webhookUrl));
        }
    }

    /** Stores a user's message with the destination at the time (null: queued) and answers its id. Lock held. */
    private Reply userMessage(String userId, ObjectNode fields) {
        User user = user(userId);
        String messageId = UUID.randomUUID().toString();
        long timestamp = System.currentTimeMillis();
        ObjectNode message = object().put("message_id", messageId).put("timestamp", timestamp);
        message.setAll(fields);
        message.put("destination", user.destinationId);
        user.messages.add(message);
        return new Reply(200, success().put("message_id", messageId).put("timestamp", timestamp));
    }

    private User user(String userId) {
        return users.computeIfAbsent(userId, id -> new User());
    }

    // ---------------------------------------------------------------- validation helpers

    /** The request's JSON object; an empty body is allowed only where {@code required} is false. */
    private static JsonNode jsonBody(Request request, boolean required) {
        if (request.body().length == 0) {
            if (required) {
                throw new ApiError(400, EMPTY_BODY, "Empty body");
            }
            return object();
        }
        if (!"application/json".equals(mediaType(request))) {
            throw new ApiError(400, WRONG_JSON, "Wrong JSON format: Content-Type must be application/json");
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (IOException e) {
            throw new ApiError(400, WRONG_JSON, "Wrong JSON format");
        }
        if (body == null || body.isMissingNode()) { // whitespace only
            if (required) {
                throw new ApiError(400, EMPTY_BODY, "Empty body");
            }
            return object();
        }
        if (!body.isObject()) {
            throw invalidData("request body must be a JSON object");
        }
        return body;
    }

    private static String requiredText(JsonNode node, String field) {
        String value = optionalText(node, field);
        if (value == null || value.isEmpty()) {
            throw invalidData(field + " is required and must be a non-empty string");
        }
        return value;
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalidData(field + " must be a string");
        }
        return value.asText();
    }

    /** An optional {@code Map<String, String>} field; empty when absent. */
    private static Map<String, String> stringMap(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw invalidData(field + " must be an object of strings");
        }
        Map<String, String> map = new LinkedHashMap<>();
        value.properties().forEach(entry -> {
            if (!entry.getValue().isTextual()) {
                throw invalidData(field + "." + entry.getKey() + " must be a string");
            }
            map.put(entry.getKey(), entry.getValue().asText());
        });
        return Collections.unmodifiableMap(map);
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Records a call that passed auth and validation, then lets a pending fault answer it before any state change. */
    private void accept(String method, Request request, JsonNode body) {
        calls.computeIfAbsent(method, m -> new ArrayList<>())
                .add(new Call(body.deepCopy(), request.query(), request.headers()));
        Deque<Fault> pending = faults.get(method);
        Fault fault = pending == null ? null : pending.poll();
        if (fault != null) {
            throw new ApiError(fault.status(), fault.errorCode(), "injected");
        }
    }

    private List<Call> recorded(String method) {
        requireKnownMethod(method);
        synchronized (lock) {
            return List.copyOf(calls.getOrDefault(method, List.of()));
        }
    }

    private Duration takeDelay(String method) {
        synchronized (lock) {
            Deque<Duration> pending = method == null ? null : delays.get(method);
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

    // ---------------------------------------------------------------- webhooks

    private static ObjectNode byEmployee(String employeeId, String firstName) {
        ObjectNode fields = object();
        fields.putObject("employee").put("employee_id", employeeId).put("first_name", firstName);
        return fields.put("timestamp", System.currentTimeMillis());
    }

    /** Sends an event of the user's open appeal, which operators need just as in LiveTex; may close the appeal. */
    private int fromAppeal(String userId, String type, ObjectNode fields, boolean closes) {
        Webhook webhook;
        synchronized (lock) {
            User user = users.get(userId);
            if (user == null || user.destinationId == null) {
                throw new IllegalStateException("user " + userId + " has no open appeal (no selected destination)");
            }
            if (closes) {
                user.destinationId = null;
            }
            webhook = webhook(type, userId, fields);
        }
        return deliverAsOperator(webhook);
    }

    /** Builds the notification for the current target, or null when no target is set. Call with the lock held. */
    private Webhook webhook(String type, String userId, ObjectNode fields) {
        if (webhookUrl == null) {
            return null;
        }
        ObjectNode notification = object()
                .put("type", type)
                .put("id", UUID.randomUUID().toString())
                .put("webhook_key", webhookKey)
                .put("user_id", userId);
        notification.setAll(fields);
        try {
            return new Webhook(webhookUrl, JSON.writeValueAsBytes(notification), notification);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private int deliverAsOperator(Webhook webhook) {
        if (webhook == null) {
            return 0;
        }
        synchronized (lock) {
            lastWebhook = webhook;
        }
        int status = deliver(webhook);
        synchronized (lock) {
            lastWebhookStatus = status;
        }
        return status;
    }

    /** POSTs the webhook and returns its HTTP status, or -1 when the target could not be reached. */
    private int deliver(Webhook webhook) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(webhook.url()))
                .timeout(WEBHOOK_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(webhook.body()))
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
            webhooksSent.add(webhook.notification());
        }
        return status;
    }

    // ---------------------------------------------------------------- small helpers

    private static void requireKnownMethod(String method) {
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("unknown method " + method + "; known: " + METHODS);
        }
    }

    private static String mediaType(Request request) {
        String contentType = request.headers().get("content-type");
        return contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> parseQuery(String encoded) {
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

    private static ObjectNode object() {
        return JSON.createObjectNode();
    }

    private static ObjectNode success() {
        return object().put("success", true);
    }

    private static List<JsonNode> deepCopies(List<? extends JsonNode> nodes) {
        return nodes.stream().<JsonNode>map(JsonNode::deepCopy).toList();
    }

    private static ApiError invalidData(String message) {
        return new ApiError(400, INVALID_DATA, message);
    }

    // ---------------------------------------------------------------- state types

    private record Request(String verb, String path, Map<String, String> query, Map<String, String> headers,
                           byte[] body) {
    }

    private record Reply(int status, JsonNode body) {
    }

    /** LiveTex's error answer: {@code {"success":false,"error_code":..,"error_message":..}}. */
    private static final class ApiError extends RuntimeException {
        final int status;
        final int code;

        ApiError(int status, int code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }

        Reply reply() {
            return new Reply(status, object().put("success", false).put("error_code", code)
                    .put("error_message", getMessage()));
        }
    }

    private record Call(JsonNode body, Map<String, String> query, Map<String, String> headers) {
    }

    private record Fault(int status, int errorCode) {
    }

    private record Webhook(String url, byte[] body, JsonNode notification) {
    }

    private record Destination(String id, String name, boolean hasOnline) {
        /** has_online appears in getDestinations only, never in webhooks. */
        ObjectNode view(boolean withOnline) {
            ObjectNode view = object().put("destination_type", DESTINATION_TYPE).put("destination_id", id);
            if (name != null) {
                view.put("name", name);
            }
            if (withOnline) {
                view.put("has_online", hasOnline);
            }
            return view;
        }
    }

    private static final class User {
        String destinationId;
        Map<String, String> attributes = Map.of();
        final List<ObjectNode> messages = new ArrayList<>();
    }
}
