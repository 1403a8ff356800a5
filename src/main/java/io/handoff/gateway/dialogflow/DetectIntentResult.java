package io.handoff.gateway.dialogflow;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the gateway takes from a detectIntent response: the bot's replies for the channel, the handoff signal if
 * there was one, and whether Dialogflow ended the interaction.
 */
public record DetectIntentResult(List<Reply> replies, Optional<HandoffSignal> handoff, boolean endInteraction) {

    public DetectIntentResult {
        replies = List.copyOf(replies);
    }

    /** The texts among the replies, in order: what the transcript keeps of the bot. */
    public List<String> texts() {
        return replies.stream().filter(reply -> reply.type() == Reply.Type.TEXT).map(Reply::text).toList();
    }

    /** The replies as the front door answers them: {@code [{type: text, text} | {type: payload, payload}]}. */
    public ArrayNode repliesJson(ObjectMapper json) {
        ArrayNode array = json.createArrayNode();
        replies.forEach(reply -> array.add(reply.toJson(json)));
        return array;
    }

    /** One reply: a text, or a custom payload (any JSON object the agent defined) passed to the channel. */
    public record Reply(Type type, String text, ObjectNode payload) {

        public enum Type { TEXT, PAYLOAD }

        public static Reply text(String text) {
            return new Reply(Type.TEXT, text, null);
        }

        public static Reply payload(ObjectNode payload) {
            return new Reply(Type.PAYLOAD, null, payload.deepCopy());
        }

        public ObjectNode toJson(ObjectMapper json) {
            ObjectNode node = json.createObjectNode();
            if (type == Type.TEXT) {
                node.put("type", "text").put("text", text);
            } else {
                node.put("type", "payload").set("payload", payload.deepCopy());
            }
            return node;
        }
    }

    /**
     * Dialogflow asked for a human.
     *
     * @param source where the signal was: {@code liveAgentHandoff} (CX message), {@code payload.handoff},
     *               {@code payload.action} (ES payloads) or {@code intent.liveAgentHandoff} (ES intent flag)
     * @param fields the switch fields it carries (bot API §3 names: destination, attributes, firstMessage,
     *               ignoreOffline, closeChatPhrases, ...), possibly empty; unvalidated: the switch parser checks them
     */
    public record HandoffSignal(String source, ObjectNode fields) {

        public HandoffSignal {
            fields = fields.deepCopy();
        }

        /** The destination the signal names, if it names one as text. */
        public Optional<String> destination() {
            JsonNode destination = fields.get("destination");
            return destination != null && destination.isTextual() && !destination.asText().isBlank()
                    ? Optional.of(destination.asText())
                    : Optional.empty();
        }
    }
}
