package io.handoff.gateway.dialogflow;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.handoff.gateway.dialogflow.DetectIntentResult.HandoffSignal;
import io.handoff.gateway.dialogflow.DetectIntentResult.Reply;
import io.handoff.gateway.dialogflow.DialogflowProperties.Edition;

/**
 * Reads a detectIntent response (shared/spec/gateway-api.md §7; field names from Google's protos, in their JSON
 * camelCase form).
 *
 * <p>CX ({@code cx/v3} {@code QueryResult.responseMessages[]}, each a {@code ResponseMessage} oneof): {@code text.text[]}
 * and {@code payload} are replies; {@code liveAgentHandoff} is the handoff signal, its {@code metadata} the switch
 * fields; {@code endInteraction} is noted; the rest (audio, telephony, conversationSuccess, knowledge cards) is not for
 * a text channel and is skipped.
 *
 * <p>ES ({@code v2} {@code QueryResult}): {@code fulfillmentMessages[]} of the default platform (no {@code platform}, or
 * {@code PLATFORM_UNSPECIFIED}; the same answer for Facebook etc. would repeat it) give {@code text.text[]} and
 * {@code payload} replies; {@code fulfillmentText} is the reply when there is no text message. Handoff signals: a
 * payload holding {@code handoff} (an object of switch fields, or {@code true}), a payload {@code {"action":
 * "handoff", ...}} (Chatwoot's convention; its other keys are switch fields), or {@code intent.liveAgentHandoff ==
 * true}. {@code intent.endInteraction} is noted.
 *
 * <p>A handoff payload is a signal, not a reply: the channel does not see it. When several signals appear, the first
 * one's fields win and later ones add only fields it lacks.
 */
public final class DetectIntentResponses {

    private final ObjectMapper json;

    public DetectIntentResponses(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Parses a response body.
     *
     * @throws DialogflowResponseException when the body is not a detectIntent response (not JSON, no queryResult)
     */
    public DetectIntentResult parse(Edition edition, String body) {
        JsonNode root;
        try {
            root = body == null ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new DialogflowResponseException("Dialogflow's answer is not JSON");
        }
        return parse(edition, root);
    }

    public DetectIntentResult parse(Edition edition, JsonNode root) {
        JsonNode queryResult = root == null ? null : root.get("queryResult");
        if (queryResult == null || !queryResult.isObject()) {
            throw new DialogflowResponseException("Dialogflow's answer has no queryResult");
        }
        return edition == Edition.CX ? cx(queryResult) : es(queryResult);
    }

    private DetectIntentResult cx(JsonNode queryResult) {
        List<Reply> replies = new ArrayList<>();
        Signals signals = new Signals();
        boolean endInteraction = false;
        for (JsonNode message : array(queryResult.get("responseMessages"))) {
            texts(message, replies);
            JsonNode payload = message.get("payload");
            if (payload != null && payload.isObject()) {
                replies.add(Reply.payload((ObjectNode) payload));
            }
            JsonNode handoff = message.get("liveAgentHandoff");
            if (handoff != null && handoff.isObject()) {
                signals.add("liveAgentHandoff", handoff.get("metadata"));
            }
            endInteraction |= message.has("endInteraction");
        }
        return new DetectIntentResult(replies, signals.signal(), endInteraction);
    }

    private DetectIntentResult es(JsonNode queryResult) {
        List<Reply> replies = new ArrayList<>();
        Signals signals = new Signals();
        boolean sawText = false;
        for (JsonNode message : array(queryResult.get("fulfillmentMessages"))) {
            JsonNode platform = message.get("platform");
            if (platform != null && !platform.isNull() && !"PLATFORM_UNSPECIFIED".equals(platform.asText())) {
                continue;
            }
            sawText |= message.has("text");
            texts(message, replies);
            JsonNode payload = message.get("payload");
            if (payload != null && payload.isObject()) {
                if (!esHandoff((ObjectNode) payload, signals)) {
                    replies.add(Reply.payload((ObjectNode) payload));
                }
            }
        }
        JsonNode fulfillmentText = queryResult.get("fulfillmentText");
        if (!sawText && fulfillmentText != null && fulfillmentText.isTextual() && !fulfillmentText.asText().isEmpty()) {
            replies.add(0, Reply.text(fulfillmentText.asText()));
        }
        JsonNode intent = queryResult.get("intent");
        boolean endInteraction = false;
        if (intent != null && intent.isObject()) {
            if (intent.path("liveAgentHandoff").asBoolean(false)) {
                signals.add("intent.liveAgentHandoff", null);
            }
            endInteraction = intent.path("endInteraction").asBoolean(false);
        }
        return new DetectIntentResult(replies, signals.signal(), endInteraction);
    }

    /** Records an ES handoff payload as a signal; false when the payload is an ordinary one. */
    private boolean esHandoff(ObjectNode payload, Signals signals) {
        JsonNode handoff = payload.get("handoff");
        if (handoff != null && (handoff.isObject() || handoff.asBoolean(false))) {
            signals.add("payload.handoff", handoff.isObject() ? handoff : null);
            return true;
        }
        JsonNode action = payload.get("action");
        if (action != null && action.isTextual() && "handoff".equals(action.asText())) {
            ObjectNode fields = payload.deepCopy();
            fields.remove("action");
            signals.add("payload.action", fields);
            return true;
        }
        return false;
    }

    private static void texts(JsonNode message, List<Reply> replies) {
        JsonNode text = message.get("text");
        if (text == null || !text.isObject()) {
            return;
        }
        for (JsonNode line : array(text.get("text"))) {
            if (line.isTextual() && !line.asText().isEmpty()) {
                replies.add(Reply.text(line.asText()));
            }
        }
    }

    private static Iterable<JsonNode> array(JsonNode node) {
        return node != null && node.isArray() ? node : List.of();
    }

    /** The signals of one response folded into one: the first source, fields first-come. */
    private final class Signals {
        private String source;
        private ObjectNode fields;

        void add(String from, JsonNode metadata) {
            if (source == null) {
                source = from;
                fields = json.createObjectNode();
            }
            if (metadata != null && metadata.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    if (!fields.has(field.getKey())) {
                        fields.set(field.getKey(), field.getValue().deepCopy());
                    }
                }
            }
        }

        Optional<HandoffSignal> signal() {
            return source == null ? Optional.empty() : Optional.of(new HandoffSignal(source, fields));
        }
    }
}
