package io.handoff.gateway.intake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.handoff.gateway.api.ProblemException;
import io.handoff.gateway.api.StrictJson;
import io.handoff.gateway.conversation.SwitchRequest;

/**
 * Reads and validates a handoff request. Every problem is collected, so the bot learns all of them at
 * once; anything invalid ends in 400 before anything is recorded.
 */
@Component("switchRequestParser")
public class SwitchRequestParser {

    public static final Pattern CONVERSATION_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    static final int MAX_TEXT = 16_000;
    static final int MAX_SHORT = 256;
    static final int MAX_MAP_ENTRIES = 50;
    static final int MAX_ATTRIBUTE_VALUE = 1_024;
    static final int MAX_HISTORY = 500;
    static final int MAX_PHRASES = 50;

    private final ObjectReader reader;

    public SwitchRequestParser(ObjectMapper json) {
        // strict: duplicate keys and trailing garbage are malformed JSON, not "last one wins"
        this.reader = StrictJson.reader(json);
    }

    public SwitchRequest parse(String body) {
        JsonNode root = readObject(reader, body);
        Errors errors = new Errors();
        String conversationId = errors.conversationId(root.get("conversationId"), "conversationId");
        String requestId = errors.text(root.get("requestId"), "requestId", 128, false);
        SwitchRequest.Customer customer = customer(root.get("customer"), errors);
        SwitchRequest.Switch switchData = switchData(root.get("switch"), errors);
        List<SwitchRequest.HistoryEntry> history = history(root.get("history"), errors);
        errors.throwIfAny();
        return new SwitchRequest(conversationId, requestId, customer, switchData, history);
    }

    /** Reads a JSON object body or fails with 400 (see {@link StrictJson}). */
    public static JsonNode readObject(ObjectReader reader, String body) {
        return StrictJson.readObject(reader, body);
    }

    private static SwitchRequest.Customer customer(JsonNode node, Errors errors) {
        if (errors.absent(node)) {
            return null;
        }
        if (!errors.object(node, "customer")) {
            return null;
        }
        String name = errors.text(node.get("name"), "customer.name", MAX_SHORT, false);
        String email = errors.text(node.get("email"), "customer.email", MAX_SHORT, false);
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+")) {
            errors.add("customer.email", "must be an e-mail address");
        }
        return new SwitchRequest.Customer(name, email);
    }

    private static SwitchRequest.Switch switchData(JsonNode node, Errors errors) {
        if (errors.absent(node)) {
            errors.add("switch", "is required");
            return null;
        }
        if (!errors.object(node, "switch")) {
            return null;
        }
        Integer amount = errors.integer(node.get("sendMessageHistoryAmount"), "switch.sendMessageHistoryAmount", 0, MAX_HISTORY);
        JsonNode customData = node.get("customData");
        if (customData != null && !customData.isNull() && !customData.isObject()) {
            errors.add("switch.customData", "must be an object");
        }
        return new SwitchRequest.Switch(
                errors.text(node.get("destination"), "switch.destination", 64, false),
                errors.text(node.get("firstMessage"), "switch.firstMessage", MAX_TEXT, false),
                errors.stringMap(node.get("attributes"), "switch.attributes"),
                errors.stringMap(node.get("hiddenAttributes"), "switch.hiddenAttributes"),
                errors.bool(node.get("sendMessagesToOperator"), "switch.sendMessagesToOperator"),
                amount,
                errors.bool(node.get("ignoreOffline"), "switch.ignoreOffline"),
                errors.stringList(node.get("closeChatPhrases"), "switch.closeChatPhrases", MAX_PHRASES, MAX_SHORT),
                errors.text(node.get("lastMessage"), "switch.lastMessage", MAX_TEXT, false),
                errors.bool(node.get("oneTimeMessage"), "switch.oneTimeMessage"),
                errors.text(node.get("theme"), "switch.theme", MAX_SHORT, false),
                customData == null || customData.isNull() ? null : customData);
    }

    private static List<SwitchRequest.HistoryEntry> history(JsonNode node, Errors errors) {
        if (errors.absent(node)) {
            return List.of();
        }
        if (!node.isArray()) {
            errors.add("history", "must be an array");
            return List.of();
        }
        if (node.size() > MAX_HISTORY) {
            errors.add("history", "has more than " + MAX_HISTORY + " entries");
            return List.of();
        }
        List<SwitchRequest.HistoryEntry> entries = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String field = "history[" + i + "]";
            JsonNode entry = node.get(i);
            if (!errors.object(entry, field)) {
                continue;
            }
            String from = errors.text(entry.get("from"), field + ".from", 16, true);
            if (from != null && !from.equals("client") && !from.equals("bot")) {
                errors.add(field + ".from", "must be 'client' or 'bot'");
            }
            String text = errors.text(entry.get("text"), field + ".text", MAX_TEXT, true);
            String at = errors.text(entry.get("at"), field + ".at", 64, false);
            entries.add(new SwitchRequest.HistoryEntry(from, text, at));
        }
        return List.copyOf(entries);
    }

    /** Collects field errors; each reader returns null (or a default) for a bad value. Also the front doors' bodies. */
    public static final class Errors {
        private final List<Map<String, String>> list = new ArrayList<>();

        public void add(String field, String message) {
            list.add(Map.of("field", field, "message", message));
        }

        public boolean absent(JsonNode node) {
            return node == null || node.isNull();
        }

        public boolean object(JsonNode node, String field) {
            if (!node.isObject()) {
                add(field, "must be an object");
                return false;
            }
            return true;
        }

        public String conversationId(JsonNode node, String field) {
            String id = text(node, field, 128, true);
            if (id != null && !CONVERSATION_ID.matcher(id).matches()) {
                add(field, "must be 1-128 characters of A-Z a-z 0-9 . _ : @ -");
                return null;
            }
            return id;
        }

        public String text(JsonNode node, String field, int maxLength, boolean required) {
            if (absent(node)) {
                if (required) {
                    add(field, "is required");
                }
                return null;
            }
            if (!node.isTextual()) {
                add(field, "must be a string");
                return null;
            }
            String value = node.textValue();
            if (required && value.isBlank()) {
                add(field, "must not be blank");
                return null;
            }
            if (value.length() > maxLength) {
                add(field, "is longer than " + maxLength + " characters");
                return null;
            }
            return value;
        }

        boolean bool(JsonNode node, String field) {
            if (absent(node)) {
                return false;
            }
            if (!node.isBoolean()) {
                add(field, "must be true or false");
                return false;
            }
            return node.booleanValue();
        }

        Integer integer(JsonNode node, String field, int min, int max) {
            if (absent(node)) {
                return null;
            }
            if (!node.isIntegralNumber() || node.asLong() < min || node.asLong() > max) {
                add(field, "must be a whole number from " + min + " to " + max);
                return null;
            }
            return node.intValue();
        }

        Map<String, String> stringMap(JsonNode node, String field) {
            if (absent(node)) {
                return Map.of();
            }
            if (!node.isObject()) {
                add(field, "must be an object of strings");
                return Map.of();
            }
            if (node.size() > MAX_MAP_ENTRIES) {
                add(field, "has more than " + MAX_MAP_ENTRIES + " entries");
                return Map.of();
            }
            Map<String, String> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> {
                String key = field + "." + e.getKey();
                if (e.getKey().isBlank() || e.getKey().length() > 128) {
                    add(key, "names must be 1-128 characters");
                } else if (e.getValue().isTextual() || e.getValue().isNumber() || e.getValue().isBoolean()) {
                    String value = e.getValue().asText();
                    if (value.length() > MAX_ATTRIBUTE_VALUE) {
                        add(key, "is longer than " + MAX_ATTRIBUTE_VALUE + " characters");
                    } else {
                        map.put(e.getKey(), value);
                    }
                } else {
                    add(key, "must be a string");
                }
            });
            return map;
        }

        List<String> stringList(JsonNode node, String field, int maxEntries, int maxLength) {
            if (absent(node)) {
                return List.of();
            }
            if (!node.isArray() || node.size() > maxEntries) {
                add(field, "must be an array of at most " + maxEntries + " strings");
                return List.of();
            }
            List<String> values = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                String value = text(node.get(i), field + "[" + i + "]", maxLength, true);
                if (value != null) {
                    values.add(value);
                }
            }
            return List.copyOf(values);
        }

        public void throwIfAny() {
            if (!list.isEmpty()) {
                throw ProblemException.invalidRequest(
                        "The request has " + list.size() + " invalid field(s); see errors", list);
            }
        }
    }
}
