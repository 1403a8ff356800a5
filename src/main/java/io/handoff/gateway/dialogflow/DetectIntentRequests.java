package io.handoff.gateway.dialogflow;

import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.handoff.gateway.dialogflow.DialogflowProperties.Agent;
import io.handoff.gateway.dialogflow.DialogflowProperties.Edition;

/**
 * Bodies of detectIntent requests (shared/spec/gateway-api.md §7), in each edition's shape:
 * <ul>
 * <li>CX text {@code {queryInput: {text: {text}, languageCode}}}, event {@code {queryInput: {event: {event},
 * languageCode}}}; both with {@code queryParams.sessionTtl} when the agent sends one, and an event's parameters as
 * session parameters ({@code queryParams.parameters});</li>
 * <li>ES text {@code {queryInput: {text: {text, languageCode}}}}, event {@code {queryInput: {event: {name,
 * languageCode, parameters?}}}}.</li>
 * </ul>
 * Text is cut to Dialogflow's limit of {@value #MAX_TEXT} characters; the transcript keeps it whole.
 */
public final class DetectIntentRequests {

    /** Google: "TextInput.text ... must not exceed 256 characters". */
    public static final int MAX_TEXT = 256;

    private final ObjectMapper json;

    public DetectIntentRequests(ObjectMapper json) {
        this.json = json;
    }

    /**
     * A text query. {@code languageCode} null or empty = the agent's.
     *
     * @throws IllegalArgumentException when the text is blank: Dialogflow refuses an empty query
     */
    public ObjectNode text(Agent agent, String text, String languageCode) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a detectIntent text query needs text");
        }
        String language = language(agent, languageCode);
        ObjectNode body = json.createObjectNode();
        ObjectNode queryInput = body.putObject("queryInput");
        ObjectNode textInput = queryInput.putObject("text").put("text", cut(text));
        if (agent.edition() == Edition.CX) {
            queryInput.put("languageCode", language);
        } else {
            textInput.put("languageCode", language);
        }
        queryParams(agent, body, null);
        return body;
    }

    /**
     * An event query (the resume and offline events). {@code parameters} may be null; CX receives them as session
     * parameters, ES as the event's parameters.
     */
    public ObjectNode event(Agent agent, String eventName, String languageCode, ObjectNode parameters) {
        if (eventName == null || !DialogflowProperties.EVENT_NAME.matcher(eventName).matches()) {
            throw new IllegalArgumentException("not an event name: " + eventName);
        }
        String language = language(agent, languageCode);
        ObjectNode body = json.createObjectNode();
        ObjectNode queryInput = body.putObject("queryInput");
        if (agent.edition() == Edition.CX) {
            queryInput.putObject("event").put("event", eventName);
            queryInput.put("languageCode", language);
            queryParams(agent, body, parameters);
        } else {
            ObjectNode event = queryInput.putObject("event").put("name", eventName).put("languageCode", language);
            if (parameters != null && !parameters.isEmpty()) {
                event.set("parameters", parameters.deepCopy());
            }
        }
        return body;
    }

    /**
     * {@code text} cut to at most {@value #MAX_TEXT} UTF-16 characters, never inside a surrogate pair; so it is also
     * at most {@value #MAX_TEXT} code points, whichever of the two Google counts (UNVERIFIED which).
     */
    public static String cut(String text) {
        if (text.length() <= MAX_TEXT) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_TEXT - 1)) ? MAX_TEXT - 1 : MAX_TEXT;
        return text.substring(0, end);
    }

    /** Google's JSON form of a protobuf Duration: seconds with an {@code s}. */
    static String protoDuration(Duration duration) {
        return duration.getSeconds() + "s";
    }

    private static String language(Agent agent, String languageCode) {
        return languageCode == null || languageCode.isBlank() ? agent.languageCode() : languageCode;
    }

    private static void queryParams(Agent agent, ObjectNode body, ObjectNode parameters) {
        boolean withParameters = parameters != null && !parameters.isEmpty();
        if (agent.sessionTtlToSend().isEmpty() && !withParameters) {
            return;
        }
        ObjectNode queryParams = body.putObject("queryParams");
        agent.sessionTtlToSend().ifPresent(ttl -> queryParams.put("sessionTtl", protoDuration(ttl)));
        if (withParameters) {
            queryParams.set("parameters", parameters.deepCopy());
        }
    }
}
