package io.handoff.gateway.sandbox.platform;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * LiveTex's rules, as the sandbox and the test fakes both play them: a Messaging API 1.0 touch point
 * ({@code getDestinations}, {@code selectDestination}, {@code sendText}, {@code sendFile}, {@code setWebhook},
 * {@code getWebhookSettings}, keyed by {@code ?key=}, with LiveTex's error codes) and the operator's side, whose
 * webhooks go to the target {@code setWebhook} set. Shapes follow
 * {@code shared/reference/livetex-jaicp-dialogflow.md} §2.
 *
 * <p>Order of checks: route (404 code 6), key (codes 1, 2), body (3, 4), data (9; 5 for the setWebhook url), then
 * the {@link Checkpoint}, then state checks (unknown destination id, code 9) and changes. UNVERIFIED: the code for a
 * body sent without {@code Content-Type: application/json} is undocumented; 400 code 4 here.
 *
 * <p>Routing: a user's destination (the open "appeal") holds until an operator closes it. Messages sent while none
 * is selected are accepted and kept, as LiveTex queues them. A second selectDestination replaces the first
 * (UNVERIFIED). Timestamps are Unix milliseconds, as in the sendText response.
 *
 * <p>Not thread-safe: the user holds one lock around every call, and {@link WebhookOut} is called under it.
 */
public final class LiveTexPlatform {

    /** The only destination type LiveTex 1.0 accepts. */
    public static final String DESTINATION_TYPE = "Department";
    public static final Set<String> METHODS = Set.of("getDestinations", "selectDestination", "sendText", "sendFile",
            "setWebhook", "getWebhookSettings");
    /** Documented without a request body; every other method needs a JSON object. */
    private static final Set<String> BODYLESS_METHODS = Set.of("getDestinations", "getWebhookSettings");

    private static final int KEY_MISSING = 1;
    private static final int KEY_INVALID = 2;
    private static final int EMPTY_BODY = 3;
    private static final int WRONG_JSON = 4;
    private static final int BAD_WEBHOOK_URL = 5;
    private static final int UNSUPPORTED_REQUEST = 6;
    private static final int INTERNAL_ERROR = 7;
    private static final int INVALID_DATA = 9;

    /** The console shows a file's name and comment under the names operator messages use. */
    private static final Map<String, String> CONSOLE_NAMES = Map.of("file_name", "name", "comment", "text");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    // Trailing garbage after the JSON value is "wrong JSON" too, not silently ignored.
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final String key;
    private final String touchPointId;
    private final WebhookOut webhookOut;
    private String webhookUrl;
    private String webhookKey;
    private final Map<String, Destination> destinations = new LinkedHashMap<>();
    private final Map<String, User> users = new LinkedHashMap<>();

    /**
     * @param key          the touch point's access key
     * @param touchPointId as reported in Closed webhooks
     */
    public LiveTexPlatform(String key, String touchPointId, WebhookOut webhookOut) {
        this.key = key;
        this.touchPointId = touchPointId;
        this.webhookOut = webhookOut;
    }

    /** Forgets destinations and users; keeps the webhook target. */
    public void reset() {
        destinations.clear();
        users.clear();
    }

    /** Adds or replaces (by id) a Department of the touch point; {@code name} may be null. */
    public void destination(String id, String name, boolean hasOnline) {
        destinations.put(id, new Destination(id, name, hasOnline));
    }

    /** Whether an operator of every Department is online. */
    public void operatorsOnline(boolean online) {
        destinations.replaceAll((id, destination) -> new Destination(id, destination.name(), online));
    }

    /** Where webhooks go, as if setWebhook had been called; {@code null} url stops sending them. */
    public void webhookTarget(String url, String webhookKey) {
        this.webhookUrl = url;
        this.webhookKey = webhookKey;
    }

    // ---------------------------------------------------------------- Messaging API

    /** {@code POST /1.0/<method>?key=...}. */
    public ObjectNode call(String verb, String method, String key, String contentType, byte[] bodyBytes,
                           Checkpoint checkpoint) {
        if (!"POST".equals(verb) || method == null || !METHODS.contains(method)) {
            throw unsupported(verb, "/1.0/" + method);
        }
        if (key == null || key.isEmpty()) {
            throw refusal(400, KEY_MISSING, "Authentication key is not specified");
        }
        if (!this.key.equals(key)) {
            throw refusal(401, KEY_INVALID, "Authentication key is not valid");
        }
        JsonNode body = jsonBody(contentType, bodyBytes, !BODYLESS_METHODS.contains(method));
        return switch (method) {
            case "getDestinations" -> getDestinations(body, checkpoint);
            case "selectDestination" -> selectDestination(body, checkpoint);
            case "sendText" -> sendText(body, checkpoint);
            case "sendFile" -> sendFile(body, checkpoint);
            case "setWebhook" -> setWebhook(body, checkpoint);
            case "getWebhookSettings" -> {
                checkpoint.passed(body);
                yield success().put("url", webhookUrl == null ? "" : webhookUrl);
            }
            default -> throw new IllegalStateException("unrouted method " + method);
        };
    }

    private ObjectNode getDestinations(JsonNode body, Checkpoint checkpoint) {
        checkpoint.passed(body);
        ObjectNode response = success();
        ArrayNode list = response.putArray("destinations");
        destinations.values().forEach(destination -> list.add(destination.view(true)));
        return response;
    }

    private ObjectNode selectDestination(JsonNode body, Checkpoint checkpoint) {
        String userId = requiredText(body, "user_id");
        if (!DESTINATION_TYPE.equals(requiredText(body, "destination_type"))) {
            throw invalidData("destination_type must be \"" + DESTINATION_TYPE + "\"");
        }
        String destinationId = requiredText(body, "destination_id");
        String name = optionalText(body, "name");
        Map<String, String> attributes = stringMap(body, "attributes");
        stringMap(body, "hidden_attributes"); // checked only: not shown to the operator
        checkpoint.passed(body);
        Destination destination = destinations.get(destinationId);
        if (destination == null) {
            throw invalidData("unknown destination_id " + destinationId);
        }
        User user = user(userId);
        user.destinationId = destinationId;
        user.name = name;
        user.attributes = attributes;
        user.operator = null;
        user.history.add(entry("system", "system").put("text",
                "Appeal to " + destination.label() + (name == null ? "" : " from " + name)));
        user.touch();
        return success();
    }

    private ObjectNode sendText(JsonNode body, Checkpoint checkpoint) {
        String userId = requiredText(body, "user_id");
        String text = requiredText(body, "text");
        checkpoint.passed(body);
        return userMessage(userId, NODES.objectNode().put("type", "text").put("text", text));
    }

    private ObjectNode sendFile(JsonNode body, Checkpoint checkpoint) {
        String userId = requiredText(body, "user_id");
        String url = requiredText(body, "url");
        if (!Urls.isHttpUrl(url)) {
            throw invalidData("url must be an absolute http(s) URL LiveTex can fetch");
        }
        ObjectNode message = NODES.objectNode().put("type", "file").put("url", url);
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
        checkpoint.passed(body);
        return userMessage(userId, message);
    }

    private ObjectNode setWebhook(JsonNode body, Checkpoint checkpoint) {
        String url = requiredText(body, "url");
        String webhookKey = requiredText(body, "webhook_key");
        // LiveTex takes https only; plain http is allowed so loopback and localhost need no TLS.
        if (!Urls.isHttpUrl(url)) {
            throw refusal(400, BAD_WEBHOOK_URL, "URL [" + url + "] is not valid: must be an http(s) URL");
        }
        checkpoint.passed(body);
        webhookTarget(url, webhookKey);
        return success();
    }

    /** Keeps a user's message with the destination at the time (null: queued) and answers its id. */
    private ObjectNode userMessage(String userId, ObjectNode fields) {
        User user = user(userId);
        String messageId = UUID.randomUUID().toString();
        long timestamp = System.currentTimeMillis();
        ObjectNode message = NODES.objectNode().put("message_id", messageId).put("timestamp", timestamp);
        message.setAll(fields);
        message.put("destination", user.destinationId);
        user.messages.add(message);
        ObjectNode shown = entry("customer", fields.path("type").asText()).put("id", messageId);
        fields.properties().forEach(field -> {
            if (!field.getKey().equals("type")) {
                shown.set(CONSOLE_NAMES.getOrDefault(field.getKey(), field.getKey()), field.getValue());
            }
        });
        if (user.destinationId == null) {
            shown.put("queued", true);
        }
        user.history.add(shown);
        user.touch();
        return success().put("message_id", messageId).put("timestamp", timestamp);
    }

    // ---------------------------------------------------------------- the operator's side

    /** An operator's text in the user's open appeal; sends {@code TextMessage}. */
    public void operatorSays(String userId, String employeeId, String firstName, String text) {
        if (text == null || text.isBlank()) {
            throw invalidData("text is required");
        }
        User user = openAppeal(userId);
        user.operator = firstName;
        user.history.add(entry("operator", "text").put("author", firstName).put("text", text));
        user.touch();
        webhook("TextMessage", userId, byEmployee(employeeId, firstName).put("text", text).put("from", "Employee"));
    }

    /** An operator's file by url in the user's open appeal; sends {@code FileMessage}. */
    public void operatorSendsFile(String userId, String employeeId, String firstName, String url, String name,
                                  Long size) {
        if (url == null || !Urls.isHttpUrl(url)) {
            throw invalidData("url must be an http(s) URL");
        }
        String fileName = name == null || name.isBlank() ? Urls.fileNameOf(url) : name;
        User user = openAppeal(userId);
        user.operator = firstName;
        ObjectNode shown = entry("operator", "file").put("author", firstName).put("url", url).put("name", fileName);
        ObjectNode fields = byEmployee(employeeId, firstName).put("url", url).put("name", fileName);
        if (size != null) {
            shown.put("size", size);
            fields.put("size", size);
        }
        user.history.add(shown);
        user.touch();
        webhook("FileMessage", userId, fields.put("from", "Employee"));
    }

    /** The operator closes the appeal, which unselects the destination; sends {@code Closed}. */
    public void operatorCloses(String userId, String employeeId, String firstName) {
        User user = openAppeal(userId);
        user.destinationId = null;
        user.history.add(entry("system", "system").put("text", firstName + " closed the appeal"));
        user.touch();
        ObjectNode fields = NODES.objectNode().put("touch_point_id", touchPointId);
        fields.setAll(byEmployee(employeeId, firstName));
        webhook("Closed", userId, fields);
    }

    /** LiveTex asks for a destination; sends {@code SelectDestination} listing all of them (without has_online). */
    public void askToSelectDestination(String userId) {
        ObjectNode fields = NODES.objectNode();
        ArrayNode list = fields.putArray("destinations");
        destinations.values().forEach(destination -> list.add(destination.view(false)));
        webhook("SelectDestination", userId, fields);
    }

    /** A hold message from the cabinet's scenarios; sends {@code HoldMessage}. */
    public void holdMessage(String userId, String text) {
        webhook("HoldMessage", userId, NODES.objectNode().put("timestamp", System.currentTimeMillis()).put("text", text));
    }

    /** A message the user sent reached the operator; sends {@code MessageDelivered}. */
    public void delivered(String userId, String messageId) {
        User user = users.get(userId);
        boolean known = user != null && user.messages.stream()
                .anyMatch(message -> message.path("message_id").asText().equals(messageId));
        if (!known) {
            throw new IllegalArgumentException("user " + userId + " sent no message " + messageId);
        }
        webhook("MessageDelivered", userId,
                NODES.objectNode().put("message_id", messageId).put("timestamp", System.currentTimeMillis()));
    }

    private User openAppeal(String userId) {
        User user = users.get(userId);
        if (user == null) {
            throw refusal(404, UNSUPPORTED_REQUEST, "No user " + userId);
        }
        if (user.destinationId == null) {
            throw invalidData("user " + userId + " has no open appeal (no selected destination)");
        }
        return user;
    }

    /** Sends the notification to the current target; none when no webhook is set. */
    private void webhook(String type, String userId, ObjectNode fields) {
        if (webhookUrl == null) {
            return;
        }
        ObjectNode notification = NODES.objectNode().put("type", type).put("id", UUID.randomUUID().toString())
                .put("webhook_key", webhookKey).put("user_id", userId);
        notification.setAll(fields);
        webhookOut.send(webhookUrl, notification);
    }

    private static ObjectNode byEmployee(String employeeId, String firstName) {
        ObjectNode fields = NODES.objectNode();
        fields.putObject("employee").put("employee_id", employeeId).put("first_name", firstName);
        return fields.put("timestamp", System.currentTimeMillis());
    }

    // ---------------------------------------------------------------- inspection

    /** The destination id of the user's open appeal; empty before selectDestination and after Closed. */
    public Optional<String> currentDestination(String userId) {
        return Optional.ofNullable(users.get(userId)).map(user -> user.destinationId);
    }

    /**
     * What the user sent, oldest first: {@code {message_id, timestamp, type:"text", text, destination}} or
     * {@code {message_id, timestamp, type:"file", url, file_name?, size?, comment?, destination}}, where
     * {@code destination} is the destination id at the time, or null when the message was queued.
     */
    public List<JsonNode> messagesOf(String userId) {
        User user = users.get(userId);
        return user == null ? List.of() : user.messages.stream().<JsonNode>map(JsonNode::deepCopy).toList();
    }

    /** The {@code attributes} of the user's last selectDestination (kept after Closed); empty if none. */
    public Map<String, String> attributesOf(String userId) {
        User user = users.get(userId);
        return user == null ? Map.of() : user.attributes;
    }

    /** The console's list: every user that wrote or chose a destination, newest activity first. */
    public List<ObjectNode> consoleChats() {
        return users.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, User> e) -> e.getValue().updatedAt).reversed())
                .map(e -> consoleSummary(e.getKey(), e.getValue())).toList();
    }

    /** One user for the console: the summary, the attributes and the appeal's history. */
    public Optional<ObjectNode> consoleChat(String userId) {
        User user = users.get(userId);
        if (user == null) {
            return Optional.empty();
        }
        ObjectNode view = consoleSummary(userId, user);
        ObjectNode attributes = view.putObject("attributes");
        user.attributes.forEach(attributes::put);
        ArrayNode messages = view.putArray("messages");
        user.history.forEach(entry -> messages.add(entry.deepCopy()));
        return Optional.of(view);
    }

    private ObjectNode consoleSummary(String userId, User user) {
        boolean open = user.destinationId != null;
        ObjectNode summary = NODES.objectNode().put("provider", "livetex").put("id", userId).put("active", open)
                .put("state", !open ? "closed" : user.operator == null ? "waiting" : "talking")
                .put("updatedAt", user.updatedAt.toString());
        if (user.name != null) {
            summary.put("customerName", user.name);
        }
        ArrayNode groups = summary.putArray("groups");
        if (open) {
            Destination destination = destinations.get(user.destinationId);
            groups.add(destination == null ? user.destinationId : destination.label());
        }
        if (user.operator != null) {
            summary.put("operator", user.operator);
        }
        user.history.stream().filter(entry -> entry.path("type").asText().equals("text"))
                .reduce((first, second) -> second)
                .ifPresent(last -> summary.put("lastMessage", last.path("text").asText()));
        return summary;
    }

    // ---------------------------------------------------------------- validation helpers

    /** The request's JSON object; an empty body is allowed only where {@code required} is false. */
    private static JsonNode jsonBody(String contentType, byte[] bytes, boolean required) {
        if (bytes == null || bytes.length == 0) {
            if (required) {
                throw refusal(400, EMPTY_BODY, "Empty body");
            }
            return NODES.objectNode();
        }
        String mediaType = contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!"application/json".equals(mediaType)) {
            throw refusal(400, WRONG_JSON, "Wrong JSON format: Content-Type must be application/json");
        }
        JsonNode body;
        try {
            body = STRICT_JSON.readTree(bytes);
        } catch (IOException e) {
            throw refusal(400, WRONG_JSON, "Wrong JSON format");
        }
        if (body == null || body.isMissingNode()) { // whitespace only
            if (required) {
                throw refusal(400, EMPTY_BODY, "Empty body");
            }
            return NODES.objectNode();
        }
        if (!body.isObject()) {
            throw invalidData("request body must be a JSON object");
        }
        return body;
    }

    private static String requiredText(JsonNode node, String field) {
        return Fields.requiredText(node, field, LiveTexPlatform::invalidData);
    }

    private static String optionalText(JsonNode node, String field) {
        return Fields.optionalText(node, field, LiveTexPlatform::invalidData);
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

    /** LiveTex's error answer: {@code {"success":false,"error_code":..,"error_message":..}}. */
    public static Refusal refusal(int status, int code, String message) {
        return new Refusal(status, NODES.objectNode().put("success", false).put("error_code", code)
                .put("error_message", message));
    }

    public static Refusal invalidData(String message) {
        return refusal(400, INVALID_DATA, message);
    }

    /** The answer to a request that names no method. */
    public static Refusal unsupported(String verb, String path) {
        return refusal(404, UNSUPPORTED_REQUEST, "Unsupported HTTP request " + verb + " " + path);
    }

    public static Refusal internalError(RuntimeException bug) {
        return refusal(500, INTERNAL_ERROR, "Internal server error: " + bug);
    }

    private static ObjectNode success() {
        return NODES.objectNode().put("success", true);
    }

    private static ObjectNode entry(String from, String type) {
        return NODES.objectNode().put("from", from).put("type", type).put("at", Instant.now().toString());
    }

    private User user(String userId) {
        return users.computeIfAbsent(userId, id -> new User());
    }

    // ---------------------------------------------------------------- state types

    private record Destination(String id, String name, boolean hasOnline) {
        /** has_online appears in getDestinations only, never in webhooks. */
        ObjectNode view(boolean withOnline) {
            ObjectNode view = NODES.objectNode().put("destination_type", DESTINATION_TYPE).put("destination_id", id);
            if (name != null) {
                view.put("name", name);
            }
            if (withOnline) {
                view.put("has_online", hasOnline);
            }
            return view;
        }

        String label() {
            return name != null ? name : id;
        }
    }

    private static final class User {
        String destinationId;
        String name;
        /** The first name of the operator talking in the open appeal, for the console. */
        String operator;
        Map<String, String> attributes = Map.of();
        /** What the user sent, as the API received it. */
        final List<ObjectNode> messages = new ArrayList<>();
        /** The appeal as the console shows it: the user's and operator's messages and what happened. */
        final List<ObjectNode> history = new ArrayList<>();
        Instant updatedAt = Instant.now();

        void touch() {
            updatedAt = Instant.now();
        }
    }
}
