package io.handoff.gateway.jaicp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.api.ConversationScoped;
import io.handoff.gateway.provider.Availability;

/**
 * The JAICP Operator API door's context, exchange property {@code jaicpCall}: one call of a channel.
 * Immutable; each step that learns something writes a new one, visibly in the YAML
 * ({@code setProperty name: jaicpCall}).
 *
 * <pre>
 *   channel           each route's first step, jaicpChannels.authorize (the channel whose key is in the path; 404 otherwise)
 *   request           the next one, jaicpRequests.withRequest / withUserRequest (the body, strict JSON; 400 otherwise)
 *   conversationId    withUserRequest, for the calls about a user: jaicp:&lt;channel&gt;:&lt;userId&gt;
 *   providersToAsk,   getDestinations: the providers its destinations use (toAsk), and each one's answer
 *   availability      (withAvailability; a provider that could not be asked has none: offline)
 * </pre>
 */
public record JaicpCall(String channel, JsonNode request, String conversationId, List<String> providersToAsk,
                        Map<String, Availability> availability) implements ConversationScoped {

    public static final String PROPERTY = "jaicpCall";

    public static JaicpCall of(String channel) {
        return new JaicpCall(channel, null, null, List.of(), Map.of());
    }

    public JaicpCall withRequest(JsonNode body) {
        return new JaicpCall(channel, body, conversationId, providersToAsk, availability);
    }

    public JaicpCall withUser(String userId) {
        return new JaicpCall(channel, request, JaicpChannels.conversationId(channel, userId), providersToAsk, availability);
    }

    public JaicpCall asking(List<String> providers) {
        return new JaicpCall(channel, request, conversationId, List.copyOf(providers), availability);
    }

    /** The provider of loop pass {@code index} (Camel's CamelLoopIndex). */
    public String providerToAsk(int index) {
        return providersToAsk.get(index);
    }

    public JaicpCall withAvailability(String provider, Availability answer) {
        Map<String, Availability> answers = new LinkedHashMap<>(availability);
        answers.put(provider, answer);
        return new JaicpCall(channel, request, conversationId, providersToAsk, Map.copyOf(answers));
    }
}
