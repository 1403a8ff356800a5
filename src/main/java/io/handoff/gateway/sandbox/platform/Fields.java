package io.handoff.gateway.sandbox.platform;

import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading request fields the way both platforms do; each platform says which refusal a bad field gets. */
final class Fields {

    private Fields() {
    }

    static String requiredText(JsonNode node, String field, Function<String, Refusal> invalid) {
        String value = optionalText(node, field, invalid);
        if (value == null || value.isEmpty()) {
            throw invalid.apply(field + " is required and must be a non-empty string");
        }
        return value;
    }

    static String optionalText(JsonNode node, String field, Function<String, Refusal> invalid) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid.apply(field + " must be a string");
        }
        return value.asText();
    }
}
