package io.handoff.gateway.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * Reading a JSON request body the strict way, for every door of the gateway (bot API, JAICP, webhooks):
 * duplicate keys and trailing garbage are malformed JSON, not "last one wins"; anything but an object is 400.
 */
public final class StrictJson {

    private StrictJson() {
    }

    /** A reader that refuses duplicate keys and trailing tokens. */
    public static ObjectReader reader(ObjectMapper json) {
        return json.reader()
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Reads a JSON object body or fails with 400 invalid-request. */
    public static JsonNode readObject(ObjectReader reader, String body) {
        if (body == null || body.isBlank()) {
            throw ProblemException.invalidRequest("The request body is empty; a JSON object is expected", null);
        }
        JsonNode root;
        try {
            root = reader.readTree(body);
        } catch (JsonProcessingException e) {
            throw ProblemException.invalidRequest("The request body is not valid JSON: " + e.getOriginalMessage(), null);
        }
        if (root == null || !root.isObject()) {
            throw ProblemException.invalidRequest("The request body must be a JSON object", null);
        }
        return root;
    }
}
