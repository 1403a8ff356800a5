package io.handoff.gateway.dialogflow;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.handoff.gateway.api.ProblemException;
import io.handoff.gateway.api.StrictJson;
import io.handoff.gateway.conversation.ConversationState;
import io.handoff.gateway.conversation.ConversationStore;
import io.handoff.gateway.dialogflow.DialogflowConversations.Line;
import io.handoff.gateway.dialogflow.DialogflowProperties.Agent;
import io.handoff.gateway.intake.SwitchRequestParser;

/**
 * The steps of the Dialogflow front door (dialogflow-front-door.camel.yaml, gateway-api.md §7): read the end user's
 * message, bind the conversation to the agent, build the detectIntent calls, keep the transcript, turn a handoff
 * signal into a switch for direct:switch-intake, and write the door's answer.
 */
@Component("dialogflowDoor")
public class DialogflowDoor {

    private static final Logger log = LoggerFactory.getLogger(DialogflowDoor.class);
    /** As a client message of the bot API. */
    static final int MAX_TEXT = 16_000;

    private final DialogflowProperties properties;
    private final DialogflowConversations conversations;
    private final ConversationStore store;
    private final DetectIntentRequests requests;
    private final ObjectMapper json;
    private final ObjectReader reader;

    public DialogflowDoor(DialogflowProperties properties, DialogflowConversations conversations, ConversationStore store,
                          ObjectMapper json) {
        this.properties = properties;
        this.conversations = conversations;
        this.store = store;
        this.json = json;
        this.reader = StrictJson.reader(json);
        this.requests = new DetectIntentRequests(json);
    }

    /** The message of the request: 404 for an unknown {agent}, 400 lists every bad field. */
    public DialogflowTurn read(Exchange exchange) {
        String agentName = decoded(exchange.getMessage().getHeader("agent", String.class));
        Agent agent = properties.agent(agentName)
                .orElseThrow(() -> ProblemException.notFound("No Dialogflow agent '" + agentName + "' is configured"));
        String conversationId = decoded(exchange.getMessage().getHeader("conversationId", String.class));
        JsonNode body = StrictJson.readObject(reader, exchange.getMessage().getBody(String.class));
        SwitchRequestParser.Errors errors = new SwitchRequestParser.Errors();
        errors.conversationId(conversationId == null ? null : json.getNodeFactory().textNode(conversationId), "conversationId");
        for (Iterator<String> fields = body.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!List.of("messageId", "text", "file", "customer", "languageCode").contains(field)) {
                errors.add(field, "is not a field of this request");
            }
        }
        String messageId = errors.text(body.get("messageId"), "messageId", 128, true);
        String text = errors.text(body.get("text"), "text", MAX_TEXT, false);
        String languageCode = errors.text(body.get("languageCode"), "languageCode", 35, false);
        if (languageCode != null && !languageCode.matches("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")) {
            errors.add("languageCode", "must be a language tag such as en or pt-BR");
        }
        JsonNode file = errors.absent(body.get("file")) ? null : body.get("file");
        if (file != null && !(file.isObject() && file.path("url").isTextual())) {
            errors.add("file", "must be an object with url");
        }
        JsonNode customer = errors.absent(body.get("customer")) ? null : body.get("customer");
        if (customer != null) {
            errors.object(customer, "customer");
        }
        if ((text == null || text.isBlank()) && file == null) {
            errors.add("text", "send text or file");
        } else if (text != null && file != null) {
            errors.add("file", "send text or file, not both");
        }
        errors.throwIfAny();
        return new DialogflowTurn(agentName, agent, conversationId, DialogflowSessions.sessionId(conversationId),
                messageId, text, file, customer, languageCode, null, null, null, List.of(), null);
    }

    /**
     * Records the conversation (so its events can be pulled at once) and binds it to the agent (409 when bound to
     * another); returns its state now.
     */
    public ConversationState bind(DialogflowTurn turn) {
        store.createIfAbsent(turn.conversationId());
        conversations.bind(turn.conversationId(), turn.agentName(), turn.sessionId(), turn.languageCode());
        return store.find(turn.conversationId()).orElseThrow().state();
    }

    /** The bot owns the conversation: a file has nowhere to go. */
    public void refuseFile(DialogflowTurn turn) {
        throw ProblemException.notInHandoff("Conversation '" + turn.conversationId() + "' is with the Dialogflow bot, "
                + "which takes text only; files reach an operator during a handoff");
    }

    /** The body of {@code POST /conversations/{id}/messages} the message stands for: {messageId, text | file}. */
    public String clientMessage(Exchange exchange, DialogflowTurn turn) throws JsonProcessingException {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader("id", turn.conversationId());
        ObjectNode message = json.createObjectNode().put("messageId", turn.messageId());
        if (turn.isFile()) {
            message.set("file", turn.file());
        } else {
            message.put("text", turn.text());
        }
        return json.writeValueAsString(message);
    }

    /** detectIntent with the end user's text (cut to Dialogflow's 256 characters; the transcript keeps it whole). */
    public DialogflowCall textCall(DialogflowTurn turn) throws JsonProcessingException {
        return call(turn.agentName(), turn.agent(), turn.conversationId(), turn.sessionId(),
                requests.text(turn.agent(), turn.text(), turn.languageCode()));
    }

    /** The agent's offline event, with {destination}. */
    public DialogflowCall offlineCall(DialogflowTurn turn) throws JsonProcessingException {
        ObjectNode parameters = json.createObjectNode().put("destination", String.valueOf(turn.handoff().get("destination")));
        return call(turn.agentName(), turn.agent(), turn.conversationId(), turn.sessionId(),
                requests.event(turn.agent(), turn.agent().offlineEventName().orElseThrow(), turn.languageCode(), parameters));
    }

    /**
     * The offline event failed (after the retries that are safe): the switch stands, so the message is answered 200
     * with the replies so far and {@code handoff.offlineEvent: failed}, and a repeat gets that answer again.
     */
    public DialogflowTurn offlineEventFailed(DialogflowTurn turn, Throwable failure) {
        log.warn("conversation={} Dialogflow agent {}: the offline event failed, answered without its replies: {}",
                turn.conversationId(), turn.agentName(), DialogflowCalls.unwrapped(failure).getMessage());
        Map<String, Object> handoff = new LinkedHashMap<>(turn.handoff());
        handoff.put("offlineEvent", "failed");
        return turn.withHandoff(turn.state(), handoff);
    }

    DialogflowCall call(String agentName, Agent agent, String conversationId, String sessionId, ObjectNode body)
            throws JsonProcessingException {
        return new DialogflowCall(agentName, agent, conversationId, DialogflowEndpoints.detectIntentUrl(agent, sessionId),
                json.writeValueAsString(body));
    }

    /** Keeps the end user's text (whole) and the bot's text replies of the turn's last detectIntent. */
    public void keepTranscript(DialogflowTurn turn, boolean withClientText) {
        List<Line> lines = new ArrayList<>();
        if (withClientText) {
            lines.add(new Line("client", turn.text()));
        }
        turn.result().texts().forEach(text -> lines.add(new Line("bot", text)));
        // the text's turn is kept once per messageId (a channel resends after a failed switch); an event's replies as they come
        conversations.append(turn.conversationId(), withClientText ? turn.messageId() : null, lines);
    }

    /**
     * The switch request the handoff signal stands for: the agent's {@code switch} defaults, the signal's fields over
     * them ({@code attributes} and {@code hiddenAttributes} key by key), the destination (signal, else the agent's,
     * else the gateway's default), the end user's text as {@code firstMessage} unless set, and the kept transcript
     * before this message as {@code history}.
     */
    public String switchRequest(DialogflowTurn turn) throws JsonProcessingException {
        ObjectNode switchData = turn.agent().switchDefaults().toJson(json);
        ObjectNode signal = turn.result().handoff().orElseThrow().fields();
        signal.fields().forEachRemaining(field -> {
            boolean merge = List.of("attributes", "hiddenAttributes").contains(field.getKey())
                    && field.getValue().isObject() && switchData.path(field.getKey()).isObject();
            if (merge) {
                ((ObjectNode) switchData.get(field.getKey())).setAll((ObjectNode) field.getValue());
            } else {
                switchData.set(field.getKey(), field.getValue());
            }
        });
        if (!switchData.hasNonNull("destination") && turn.agent().destination() != null) {
            switchData.put("destination", turn.agent().destination());
        }
        if (!switchData.hasNonNull("firstMessage")) {
            switchData.put("firstMessage", turn.text()); // the message that asked for a human, whole
        }
        // the history is what came before this message: the operator gets the message itself as firstMessage
        List<Map<String, Object>> history = conversations.history(turn.conversationId(), turn.messageId());
        ObjectNode request = json.createObjectNode().put("conversationId", turn.conversationId());
        if (turn.customer() != null) {
            request.set("customer", turn.customer());
        }
        request.set("switch", switchData);
        request.set("history", json.valueToTree(history));
        return json.writeValueAsString(request);
    }

    /**
     * The intake's answer: a started handoff (201), nobody online (the door answers 200 and sends the offline event),
     * or a refusal. A switch refused for its fields came from the agent's metadata, not from the caller: 502.
     */
    public DialogflowTurn withIntakeAnswer(DialogflowTurn turn, Integer status, String body) throws JsonProcessingException {
        JsonNode answer = json.readTree(body == null || body.isBlank() ? "{}" : body);
        int code = status == null ? 500 : status;
        if (code == 201) {
            Map<String, Object> handoff = new LinkedHashMap<>();
            handoff.put("destination", answer.path("destination").asText());
            handoff.put("provider", answer.path("provider").asText());
            handoff.put("providerChatId", answer.path("providerChatId").asText());
            return turn.withHandoff(ConversationState.valueOf(answer.path("state").asText("WAITING")), handoff);
        }
        if (code == 409 && "noLivechatOperatorsOnline".equals(answer.path("event").asText())) {
            Map<String, Object> failed = new LinkedHashMap<>();
            failed.put("failed", "noLivechatOperatorsOnline");
            failed.put("destination", answer.path("destination").asText());
            return turn.withHandoff(ConversationState.BOT, failed);
        }
        String detail = answer.path("detail").asText("");
        if (code == 400 || code == 422) {
            log.warn("conversation={} Dialogflow agent {} asked for a handoff the gateway refuses: {}", turn.conversationId(),
                    turn.agentName(), detail);
            throw new ProblemException(502, "dialogflow-error", "Dialogflow error", "The handoff metadata of Dialogflow "
                    + "agent '" + turn.agentName() + "' was refused: " + detail, errorsOf(answer));
        }
        String type = answer.path("type").asText("urn:handoff:problem:internal-error");
        throw new ProblemException(code, type.substring(type.lastIndexOf(':') + 1), answer.path("title").asText("Error"),
                detail, null);
    }

    /** The answer: {conversationId, state, replies, handoff?}. */
    public Map<String, Object> answer(DialogflowTurn turn) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("conversationId", turn.conversationId());
        answer.put("state", (turn.state() == null ? ConversationState.BOT : turn.state()).name());
        answer.put("replies", turn.replies().stream().map(reply -> reply.toJson(json)).toList());
        if (turn.handoff() != null) {
            Map<String, Object> handoff = new LinkedHashMap<>(turn.handoff());
            if (turn.offline()) {
                handoff.remove("destination");
            }
            answer.put("handoff", handoff);
        }
        log.info("conversation={} Dialogflow agent {} answered {} replies, state {}", turn.conversationId(),
                turn.agentName(), turn.replies().size(), answer.get("state"));
        return answer;
    }

    private Map<String, Object> errorsOf(JsonNode problem) {
        return problem.has("errors") ? Map.of("errors", json.convertValue(problem.get("errors"), List.class)) : null;
    }

    private static String decoded(String raw) {
        return raw == null ? null : UriUtils.decode(raw, StandardCharsets.UTF_8);
    }

}
