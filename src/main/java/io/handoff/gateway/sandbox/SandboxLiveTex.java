package io.handoff.gateway.sandbox;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.handoff.gateway.HandoffProperties;

/**
 * A LiveTex Messaging API 1.0 touch point for the sandbox (reference/livetex-jaicp-dialogflow.md §2):
 * {@code getDestinations}, {@code selectDestination}, {@code sendText}, {@code sendFile}, {@code setWebhook} and
 * {@code getWebhookSettings}, keyed by {@code ?key=}, with LiveTex's error codes, plus the operator's side for the
 * console, whose {@code TextMessage}, {@code FileMessage} and {@code Closed} webhooks go to the gateway. The webhook
 * target starts as the gateway's {@code /webhooks/livetex} with {@code handoff.livetex.webhook-key}, as if
 * {@code setWebhook} had been called once; a {@code setWebhook} call replaces it.
 *
 * <p>Departments are the {@code group-ids} of the {@code livetex} destinations in {@code handoff.destinations}.
 * A user's destination (the open appeal) holds until the operator closes it; messages sent while none is
 * selected are kept and shown, as LiveTex queues them.
 *
 * <p>Thread-safe: one lock guards the state; webhooks are queued under it and sent by {@link SandboxWebhookSender}.
 */
@Component
@Profile("sandbox")
public class SandboxLiveTex {

    /** The touch point's access key: the sandbox's handoff.livetex.key. */
    public static final String KEY = "sandbox-livetex-key";
    public static final String TOUCH_POINT_ID = "sandbox-touch-point";
    public static final String DESTINATION_TYPE = "Department";
    static final Set<String> METHODS = Set.of("getDestinations", "selectDestination", "sendText", "sendFile",
            "setWebhook", "getWebhookSettings");
    /** Documented without a request body; every other method needs a JSON object. */
    private static final Set<String> BODYLESS_METHODS = Set.of("getDestinations", "getWebhookSettings");

    private static final int KEY_MISSING = 1;
    private static final int KEY_INVALID = 2;
    private static final int EMPTY_BODY = 3;
    private static final int WRONG_JSON = 4;
    private static final int BAD_WEBHOOK_URL = 5;
    private static final int UNSUPPORTED_REQUEST = 6;
    private static final int INVALID_DATA = 9;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    // Trailing garbage after the JSON value is "wrong JSON" too, as in the fake.
    private static final ObjectMapper STRICT_JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final SandboxWebhookSender webhooks;
    private final Object lock = new Object();

    // Everything below is guarded by lock.
    private final Map<String, String> departments = new LinkedHashMap<>();
    private boolean operatorsOnline = true;
    private final Map<String, User> users = new LinkedHashMap<>();
    private String webhookUrl;
    private String webhookKey;

    public SandboxLiveTex(HandoffProperties properties, SandboxWebhookSender webhooks,
                          @Value("${handoff.sandbox.gateway-url}") String gatewayUrl) {
        this.webhooks = webhooks;
        properties.destinations().forEach((name, destination) -> {
            if ("livetex".equals(destination.provider())) {
                destination.groupIds().forEach(id -> departments.put(id.trim(),
                        destination.description() != null ? destination.description() : name));
            }
        });
        String key = properties.livetex().webhookKey();
        if (key != null && !key.isBlank()) {
            webhookUrl = gatewayUrl.replaceAll("/+$", "") + "/webhooks/livetex";
            webhookKey = key;
        }
    }

    /** LiveTex's error answer: HTTP status and {@code {"success":false,"error_code":..,"error_message":..}}. */
    public static final class Refusal extends RuntimeException {
        private final int status;
        private final int code;

        Refusal(int status, int code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public JsonNode body() {
            return NODES.objectNode().put("success", false).put("error_code", code).put("error_message", getMessage());
        }
    }

    // ---------------------------------------------------------------- Messaging API

    /** {@code POST /1.0/<method>?key=...}, checked in LiveTex's order: route, key, body, data. */
    public ObjectNode call(String verb, String method, String key, String contentType, byte[] bodyBytes) {
        if (!"POST".equals(verb) || method == null || !METHODS.contains(method)) {
            throw new Refusal(404, UNSUPPORTED_REQUEST, "Unsupported HTTP request " + verb + " /1.0/" + method);
        }
        if (key == null || key.isEmpty()) {
            throw new Refusal(400, KEY_MISSING, "Authentication key is not specified");
        }
        if (!KEY.equals(key)) {
            throw new Refusal(401, KEY_INVALID, "Authentication key is not valid");
        }
        JsonNode body = jsonBody(contentType, bodyBytes, !BODYLESS_METHODS.contains(method));
        return switch (method) {
            case "getDestinations" -> getDestinations();
            case "selectDestination" -> selectDestination(body);
            case "sendText" -> sendText(body);
            case "sendFile" -> sendFile(body);
            case "setWebhook" -> setWebhook(body);
            case "getWebhookSettings" -> getWebhookSettings();
            default -> throw new IllegalStateException("unrouted method " + method);
        };
    }

    private ObjectNode getDestinations() {
        synchronized (lock) {
            ObjectNode response = success();
            ArrayNode list = response.putArray("destinations");
            departments.forEach((id, name) -> list.addObject().put("destination_type", DESTINATION_TYPE)
                    .put("destination_id", id).put("name", name).put("has_online", operatorsOnline));
            return response;
        }
    }

    private ObjectNode selectDestination(JsonNode body) {
        String userId = requiredText(body, "user_id");
        if (!DESTINATION_TYPE.equals(requiredText(body, "destination_type"))) {
            throw invalidData("destination_type must be \"" + DESTINATION_TYPE + "\"");
        }
        String destinationId = requiredText(body, "destination_id");
        String name = optionalText(body, "name");
        Map<String, String> attributes = stringMap(body, "attributes");
        stringMap(body, "hidden_attributes"); // checked only: not shown to the operator
        synchronized (lock) {
            if (!departments.containsKey(destinationId)) {
                throw invalidData("unknown destination_id " + destinationId);
            }
            User user = user(userId);
            user.destinationId = destinationId;
            user.name = name;
            user.attributes = attributes;
            user.operator = null;
            user.history.add(entry("system", "system").put("text",
                    "Appeal to " + departments.get(destinationId) + (name == null ? "" : " from " + name)));
            user.touch();
            return success();
        }
    }

    private ObjectNode sendText(JsonNode body) {
        String userId = requiredText(body, "user_id");
        String text = requiredText(body, "text");
        synchronized (lock) {
            return userMessage(userId, NODES.objectNode().put("type", "text").put("text", text));
        }
    }

    private ObjectNode sendFile(JsonNode body) {
        String userId = requiredText(body, "user_id");
        String url = requiredText(body, "url");
        if (!SandboxLiveChat.isHttpUrl(url)) {
            throw invalidData("url must be an absolute http(s) URL LiveTex can fetch");
        }
        ObjectNode message = NODES.objectNode().put("type", "file").put("url", url);
        String fileName = optionalText(body, "file_name");
        if (fileName != null) {
            message.put("name", fileName);
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
            message.put("text", comment);
        }
        synchronized (lock) {
            return userMessage(userId, message);
        }
    }

    private ObjectNode setWebhook(JsonNode body) {
        String url = requiredText(body, "url");
        String key = requiredText(body, "webhook_key");
        // LiveTex takes https only; plain http is allowed so the sandbox runs on localhost without TLS
        if (!SandboxLiveChat.isHttpUrl(url)) {
            throw new Refusal(400, BAD_WEBHOOK_URL, "URL [" + url + "] is not valid: must be an http(s) URL");
        }
        synchronized (lock) {
            webhookUrl = url;
            webhookKey = key;
            return success();
        }
    }

    private ObjectNode getWebhookSettings() {
        synchronized (lock) {
            return success().put("url", webhookUrl == null ? "" : webhookUrl);
        }
    }

    /** Keeps a user's message with the destination at the time (none: queued) and answers its id. Lock held. */
    private ObjectNode userMessage(String userId, ObjectNode fields) {
        User user = user(userId);
        String messageId = UUID.randomUUID().toString();
        long timestamp = System.currentTimeMillis();
        ObjectNode message = entry("customer", fields.path("type").asText()).put("id", messageId);
        fields.properties().forEach(field -> {
            if (!field.getKey().equals("type")) {
                message.set(field.getKey(), field.getValue());
            }
        });
        if (user.destinationId == null) {
            message.put("queued", true);
        }
        user.history.add(message);
        user.touch();
        return success().put("message_id", messageId).put("timestamp", timestamp);
    }

    // ---------------------------------------------------------------- the operator's side (console)

    public void operatorsOnline(boolean online) {
        synchronized (lock) {
            operatorsOnline = online;
        }
    }

    /** An operator's text in the user's open appeal; sends {@code TextMessage}. */
    public void operatorSays(String userId, String employeeId, String firstName, String text) {
        if (text == null || text.isBlank()) {
            throw invalidData("text is required");
        }
        synchronized (lock) {
            User user = openAppeal(userId);
            user.operator = firstName;
            user.history.add(entry("operator", "text").put("author", firstName).put("text", text));
            user.touch();
            webhook("TextMessage", userId, byEmployee(employeeId, firstName).put("text", text).put("from", "Employee"));
        }
    }

    /** An operator's file by URL in the user's open appeal; sends {@code FileMessage}. */
    public void operatorSendsFile(String userId, String employeeId, String firstName, String url, String name, Long size) {
        if (url == null || !SandboxLiveChat.isHttpUrl(url)) {
            throw invalidData("url must be an http(s) URL");
        }
        String fileName = name == null || name.isBlank() ? SandboxLiveChat.fileNameOf(url) : name;
        synchronized (lock) {
            User user = openAppeal(userId);
            user.operator = firstName;
            ObjectNode shown = entry("operator", "file").put("author", firstName).put("url", url).put("name", fileName);
            ObjectNode fields = byEmployee(employeeId, firstName).put("url", url).put("name", fileName).put("from", "Employee");
            if (size != null) {
                shown.put("size", size);
                fields.put("size", size);
            }
            user.history.add(shown);
            user.touch();
            webhook("FileMessage", userId, fields);
        }
    }

    /** The operator closes the appeal, which unselects the destination; sends {@code Closed}. */
    public void operatorCloses(String userId, String employeeId, String firstName) {
        synchronized (lock) {
            User user = openAppeal(userId);
            user.destinationId = null;
            user.history.add(entry("system", "system").put("text", firstName + " closed the appeal"));
            user.touch();
            ObjectNode fields = NODES.objectNode().put("touch_point_id", TOUCH_POINT_ID);
            fields.setAll(byEmployee(employeeId, firstName));
            webhook("Closed", userId, fields);
        }
    }

    /** The console's list: every user that wrote or chose a destination, newest activity first. */
    public List<ObjectNode> chats() {
        synchronized (lock) {
            return users.entrySet().stream()
                    .sorted(Comparator.comparing((Map.Entry<String, User> e) -> e.getValue().updatedAt).reversed())
                    .map(e -> summary(e.getKey(), e.getValue())).toList();
        }
    }

    public Optional<ObjectNode> chat(String userId) {
        synchronized (lock) {
            User user = users.get(userId);
            if (user == null) {
                return Optional.empty();
            }
            ObjectNode view = summary(userId, user);
            ObjectNode attributes = view.putObject("attributes");
            user.attributes.forEach(attributes::put);
            ArrayNode messages = view.putArray("messages");
            user.history.forEach(entry -> messages.add(entry.deepCopy()));
            return Optional.of(view);
        }
    }

    private ObjectNode summary(String userId, User user) {
        boolean open = user.destinationId != null;
        ObjectNode summary = NODES.objectNode().put("provider", "livetex").put("id", userId).put("active", open)
                .put("state", !open ? "closed" : user.operator == null ? "waiting" : "talking")
                .put("updatedAt", user.updatedAt.toString());
        if (user.name != null) {
            summary.put("customerName", user.name);
        }
        ArrayNode groups = summary.putArray("groups");
        if (open) {
            groups.add(departments.getOrDefault(user.destinationId, user.destinationId));
        }
        if (user.operator != null) {
            summary.put("operator", user.operator);
        }
        user.history.stream().filter(entry -> entry.path("type").asText().equals("text"))
                .reduce((first, second) -> second)
                .ifPresent(last -> summary.put("lastMessage", last.path("text").asText()));
        return summary;
    }

    private User openAppeal(String userId) {
        User user = users.get(userId);
        if (user == null) {
            throw new Refusal(404, UNSUPPORTED_REQUEST, "No user " + userId);
        }
        if (user.destinationId == null) {
            throw invalidData("user " + userId + " has no open appeal (no selected destination)");
        }
        return user;
    }

    /** Queues the notification for the current target; none when no webhook is set. Lock held. */
    private void webhook(String type, String userId, ObjectNode fields) {
        if (webhookUrl == null) {
            return;
        }
        ObjectNode notification = NODES.objectNode().put("type", type).put("id", UUID.randomUUID().toString())
                .put("webhook_key", webhookKey).put("user_id", userId);
        notification.setAll(fields);
        webhooks.send("livetex", webhookUrl, notification);
    }

    private static ObjectNode byEmployee(String employeeId, String firstName) {
        ObjectNode fields = NODES.objectNode();
        fields.putObject("employee").put("employee_id", employeeId).put("first_name", firstName);
        return fields.put("timestamp", System.currentTimeMillis());
    }

    // ---------------------------------------------------------------- validation helpers

    private static JsonNode jsonBody(String contentType, byte[] bytes, boolean required) {
        if (bytes == null || bytes.length == 0) {
            if (required) {
                throw new Refusal(400, EMPTY_BODY, "Empty body");
            }
            return NODES.objectNode();
        }
        String mediaType = contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!"application/json".equals(mediaType)) {
            throw new Refusal(400, WRONG_JSON, "Wrong JSON format: Content-Type must be application/json");
        }
        JsonNode body;
        try {
            body = STRICT_JSON.readTree(bytes);
        } catch (IOException e) {
            throw new Refusal(400, WRONG_JSON, "Wrong JSON format");
        }
        if (body == null || body.isMissingNode()) {
            if (required) {
                throw new Refusal(400, EMPTY_BODY, "Empty body");
            }
            return NODES.objectNode();
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
        return map;
    }

    private static Refusal invalidData(String message) {
        return new Refusal(400, INVALID_DATA, message);
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

    private static final class User {
        String destinationId;
        String name;
        String operator;
        Map<String, String> attributes = Map.of();
        final List<ObjectNode> history = new ArrayList<>();
        Instant updatedAt = Instant.now();

        void touch() {
            updatedAt = Instant.now();
        }
    }
}
