package io.handoff.gateway.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reading a platform's webhook body: a JSON object, or a {@link WebhookRejectedException#malformed} (400,
 * counted as the provider's rejected webhook) with the same details the bot API gives for a bad body.
 */
public final class WebhookBodies {

    private WebhookBodies() {
    }

    public static JsonNode readObject(ObjectMapper json, String provider, String body) {
        if (body == null || body.isBlank()) {
            throw WebhookRejectedException.malformed(provider, "The request body is empty; a JSON object is expected");
        }
        JsonNode root;
        try {
            root = json.reader().readTree(body);
        } catch (JsonProcessingException e) {
            throw WebhookRejectedException.malformed(provider, "The request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw WebhookRejectedException.malformed(provider, "The request body must be a JSON object");
        }
        return root;
    }
}
