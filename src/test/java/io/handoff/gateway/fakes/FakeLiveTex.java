package io.handoff.gateway.fakes;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

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
 * SelectDestination, no replay of webhooks missed while no target was set; {@link #resendLastWebhook} stands for
 * LiveTex's retries (for up to 24 h). Timestamps are Unix milliseconds, as in the sendText response (the webhook docs
 * say only "Unix time").
 *
 * <p>Thread-safe: all state is guarded by one lock, which is never held while sleeping or sending a webhook.
 */
public final class FakeLiveTex extends FakePlatformServer {

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
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    // Everything below is guarded by lock.
    private final Map<String, Destination> destinations = new LinkedHashMap<>();
    private final Map<String, User> users = new LinkedHashMap<>();
    private String webhookUrl;
    private String webhookKey;

    private FakeLiveTex() throws IOException {
        super("fake-livetex", METHODS, WEBHOOK_TIMEOUT);
        serve();
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
        return origin() + API_PREFIX;
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
        queueFaults(method, times, apiError(httpStatus, errorCode, "injected"));
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
        List<Webhook> webhooks;
        synchronized (lock) {
            ObjectNode fields = object();
            ArrayNode list = fields.putArray("destinations");
            destinations.values().forEach(destination -> list.add(destination.view(false)));
            webhooks = webhooks("SelectDestination", userId, fields);
        }
        return deliverAsOperator(webhooks);
    }

    /** A hold message from the cabinet's scenarios; sends {@code HoldMessage}. Returns the webhook's HTTP status. */
    public int holdMessage(String userId, String text) {
        ObjectNode fields = object().put("timestamp", System.currentTimeMillis()).put("text", text);
        List<Webhook> webhooks;
        synchronized (lock) {
            webhooks = webhooks("HoldMessage", userId, fields);
        }
        return deliverAsOperator(webhooks);
    }

    /** A message the user sent reached the operator; sends {@code MessageDelivered}. Returns the HTTP status. */
    public int delivered(String userId, String messageId) {
        List<Webhook> webhooks;
        synchronized (lock) {
            User user = users.get(userId);
            boolean known = user != null && user.messages.stream()
                    .anyMatch(message -> message.path("message_id").asText().equals(messageId));
            if (!known) {
                throw new IllegalArgumentException("user " + userId + " sent no message " + messageId);
            }
            ObjectNode fields = object().put("message_id", messageId).put("timestamp", System.currentTimeMillis());
            webhooks = webhooks("MessageDelivered", userId, fields);
        }
        return deliverAsOperator(webhooks);
    }

    // ---------------------------------------------------------------- inspection

    /** Query parameters of the counted calls (the {@code key} among them). */
    public List<Map<String, String>> queries(String method) {
        return recorded(method).stream().map(Call::query).toList();
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
        synchronized (lock) {
            resetServer();
            destinations.clear();
            users.clear();
        }
    }

    // ---------------------------------------------------------------- routing

    /** The API method a request names, or null when it is not {@code POST /1.0/<known method>}. */
    @Override
    String operationOf(Request request) {
        String prefix = API_PREFIX + "/";
        if (!request.verb().equals("POST") || !request.path().startsWith(prefix)) {
            return null;
        }
        String method = request.path().substring(prefix.length());
        return METHODS.contains(method) ? method : null;
    }

    @Override
    Reply dispatch(String method, Request request) {
        if (method == null) {
            throw apiError(404, UNSUPPORTED_REQUEST,
                    "Unsupported HTTP request " + request.verb() + " " + request.path());
        }
        String key = request.query().get("key");
        if (key == null || key.isEmpty()) {
            throw apiError(400, KEY_MISSING, "Authentication key is not specified");
        }
        if (!key.equals(KEY)) {
            throw apiError(401, KEY_INVALID, "Authentication key is not valid");
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
            return Reply.json(200, response);
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
            return Reply.json(200, success());
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
            throw apiError(400, BAD_WEBHOOK_URL, "URL [" + url + "] is not valid: must be an http(s) URL");
        }
        synchronized (lock) {
            accept("setWebhook", request, body);
            webhookUrl = url;
            webhookKey = key;
            return Reply.json(200, success());
        }
    }

    private Reply getWebhookSettings(Request request, JsonNode body) {
        synchronized (lock) {
            accept("getWebhookSettings", request, body);
            return Reply.json(200, success().put("url", webhookUrl == null ? "" : webhookUrl));
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
        return Reply.json(200, success().put("message_id", messageId).put("timestamp", timestamp));
    }

    private User user(String userId) {
        return users.computeIfAbsent(userId, id -> new User());
    }

    // ---------------------------------------------------------------- validation helpers

    /** The request's JSON object; an empty body is allowed only where {@code required} is false. */
    private static JsonNode jsonBody(Request request, boolean required) {
        if (request.body().length == 0) {
            if (required) {
                throw apiError(400, EMPTY_BODY, "Empty body");
            }
            return object();
        }
        if (!"application/json".equals(mediaType(request))) {
            throw apiError(400, WRONG_JSON, "Wrong JSON format: Content-Type must be application/json");
        }
        JsonNode body;
        try {
            body = STRICT_JSON.readTree(request.body());
        } catch (IOException e) {
            throw apiError(400, WRONG_JSON, "Wrong JSON format");
        }
        if (body == null || body.isMissingNode()) { // whitespace only
            if (required) {
                throw apiError(400, EMPTY_BODY, "Empty body");
            }
            return object();
        }
        if (!body.isObject()) {
            throw invalidData("request body must be a JSON object");
        }
        return body;
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

    // ---------------------------------------------------------------- webhooks

    private static ObjectNode byEmployee(String employeeId, String firstName) {
        ObjectNode fields = object();
        fields.putObject("employee").put("employee_id", employeeId).put("first_name", firstName);
        return fields.put("timestamp", System.currentTimeMillis());
    }

    /** Sends an event of the user's open appeal, which operators need just as in LiveTex; may close the appeal. */
    private int fromAppeal(String userId, String type, ObjectNode fields, boolean closes) {
        List<Webhook> webhooks;
        synchronized (lock) {
            User user = users.get(userId);
            if (user == null || user.destinationId == null) {
                throw new IllegalStateException("user " + userId + " has no open appeal (no selected destination)");
            }
            if (closes) {
                user.destinationId = null;
            }
            webhooks = webhooks(type, userId, fields);
        }
        return deliverAsOperator(webhooks);
    }

    /** Builds the notification for the current target; empty when no target is set. Call with the lock held. */
    private List<Webhook> webhooks(String type, String userId, ObjectNode fields) {
        if (webhookUrl == null) {
            return List.of();
        }
        ObjectNode notification = object()
                .put("type", type)
                .put("id", UUID.randomUUID().toString())
                .put("webhook_key", webhookKey)
                .put("user_id", userId);
        notification.setAll(fields);
        return List.of(Webhook.of(webhookUrl, notification));
    }

    // ---------------------------------------------------------------- small helpers

    private static ObjectNode success() {
        return object().put("success", true);
    }

    /** LiveTex's error answer: {@code {"success":false,"error_code":..,"error_message":..}}. */
    private static ApiError apiError(int status, int code, String message) {
        return new ApiError(status, object().put("success", false).put("error_code", code)
                .put("error_message", message));
    }

    private static ApiError invalidData(String message) {
        return apiError(400, INVALID_DATA, message);
    }

    @Override
    ApiError invalidField(String message) {
        return invalidData(message);
    }

    @Override
    ApiError internalError(RuntimeException bug) {
        return apiError(500, INTERNAL_ERROR, "Internal server error: " + bug);
    }

    // ---------------------------------------------------------------- state types

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
