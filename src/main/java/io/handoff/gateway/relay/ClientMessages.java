package io.handoff.gateway.relay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.handoff.gateway.conversation.Conversation;
import io.handoff.gateway.conversation.ConversationStore;
import io.handoff.gateway.conversation.OperatorEvents;
import io.handoff.gateway.conversation.ProcessedKeys;
import io.handoff.gateway.intake.Compensations;
import io.handoff.gateway.intake.PathParameters;
import io.handoff.gateway.intake.ProblemException;
import io.handoff.gateway.intake.SwitchRequest;
import io.handoff.gateway.intake.SwitchRequestParser;

/**
 * The client's side of an open handoff: its messages and its close. Each step is called from
 * conversation-relay.yaml; the provider routes do the sending.
 */
@Component("clientMessages")
public class ClientMessages {

    private static final Logger log = LoggerFactory.getLogger(ClientMessages.class);
    static final int MAX_TEXT = 16_000;

    private final ObjectReader reader;
    private final ObjectMapper json;
    private final ConversationStore conversations;
    private final ProcessedKeys keys;
    private final OperatorEvents operatorEvents;
    private final RelayOrder order;

    public ClientMessages(ObjectMapper json, ConversationStore conversations, ProcessedKeys keys,
                          OperatorEvents operatorEvents, RelayOrder order) {
        this.json = json;
        this.reader = json.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.conversations = conversations;
        this.keys = keys;
        this.operatorEvents = operatorEvents;
        this.order = order;
    }

    /** Reads {@code {messageId, text}} or {@code {messageId, file{url, name?, size?}}} into property clientMessage. */
    public ClientMessage parse(Exchange exchange) {
        exchange.setProperty("conversationId", PathParameters.conversationId(exchange));
        ClientMessage message = parseMessage(exchange.getMessage().getBody(String.class));
        exchange.setProperty("clientMessage", message);
        return message;
    }

    /** The message body's rules, without the exchange: every invalid field in one 400. */
    ClientMessage parseMessage(String body) {
        JsonNode root = SwitchRequestParser.readObject(reader, body);
        List<Map<String, String>> errors = new ArrayList<>();
        String messageId = text(root, "messageId", 128, true, errors);
        String text = text(root, "text", MAX_TEXT, false, errors);
        ClientMessage.File file = null;
        JsonNode fileNode = root.get("file");
        if (fileNode != null && !fileNode.isNull()) {
            if (!fileNode.isObject()) {
                errors.add(error("file", "must be an object"));
            } else {
                String url = text(fileNode, "url", 2048, true, errors); // scheme and host: clientFiles.checkUrl (§10)
                JsonNode size = fileNode.get("size");
                if (size != null && !size.isNull() && (!size.isIntegralNumber() || size.asLong() < 0)) {
                    errors.add(error("file.size", "must be a whole number of bytes"));
                }
                file = new ClientMessage.File(url, text(fileNode, "name", 256, false, errors),
                        size == null || size.isNull() ? null : size.asLong());
            }
        }
        if ((text == null) == (file == null) && errors.isEmpty()) {
            errors.add(error("text", "send either text or file"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalidRequest("The message has " + errors.size() + " invalid field(s); see errors", errors);
        }
        return new ClientMessage(messageId, text, file);
    }

    /** Reads the optional {@code {text}} of {@code POST /conversations/{id}/close} into property closingText. */
    public void parseClose(Exchange exchange) {
        exchange.setProperty("conversationId", PathParameters.conversationId(exchange));
        String body = exchange.getMessage().getBody(String.class);
        if (body != null && !body.isBlank()) {
            exchange.setProperty("closingText", parseCloseText(body));
        }
    }

    /** The close body's {@code text} (null when absent), without the exchange; the body must not be blank. */
    String parseCloseText(String body) {
        List<Map<String, String>> errors = new ArrayList<>();
        String text = text(SwitchRequestParser.readObject(reader, body), "text", MAX_TEXT, false, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalidRequest("The close request is invalid; see errors", errors);
        }
        return text;
    }

    /**
     * The conversation must be in a handoff: 404 if never seen, 409 if the bot owns it. Waits for the
     * conversation's earlier messages first, so the operator gets them in the order they came.
     */
    public Conversation requireHandoff(Exchange exchange) throws InterruptedException {
        String id = exchange.getProperty("conversationId", String.class);
        Conversation conversation = conversations.find(id)
                .orElseThrow(() -> ProblemException.notFound("Conversation '" + id + "' was never seen"));
        if (!conversation.inHandoff()) {
            throw ProblemException.notInHandoff("Conversation '" + id + "' is with the bot: answer the client yourself");
        }
        order.enter(exchange, id);
        conversation = conversations.find(id).orElseThrow();
        if (!conversation.inHandoff()) { // ended while we waited for our turn
            throw ProblemException.notInHandoff("Conversation '" + id + "' is with the bot: answer the client yourself");
        }
        exchange.setProperty("conversation", conversation);
        exchange.setProperty("provider", conversation.provider());
        exchange.setProperty("handoffSwitch", handoffSwitch(conversation));
        return conversation;
    }

    /**
     * Claims the messageId; a repeat sets property duplicateMessage and is not sent again. A send that
     * fails gives the claim back, so the bot's retry goes through.
     */
    public void claim(Exchange exchange) {
        ClientMessage message = exchange.getProperty("clientMessage", ClientMessage.class);
        String scope = "message:" + exchange.getProperty("conversationId", String.class);
        if (!keys.firstTime(scope, message.messageId())) {
            exchange.setProperty("duplicateMessage", true);
            return;
        }
        Compensations.register(exchange, failed -> keys.forget(scope, message.messageId()));
    }

    /** True when the text is one of the switch's closeChatPhrases: the client ends the handoff. */
    public boolean isClosePhrase(Exchange exchange) {
        ClientMessage message = exchange.getProperty("clientMessage", ClientMessage.class);
        SwitchRequest.Switch handoff = exchange.getProperty("handoffSwitch", SwitchRequest.Switch.class);
        if (message.text() == null || handoff == null) {
            return false;
        }
        String said = message.text().trim();
        boolean close = handoff.closeChatPhrases().stream().anyMatch(phrase -> phrase.trim().equalsIgnoreCase(said));
        if (close) {
            exchange.setProperty("closingText", handoff.lastMessage());
        }
        return close;
    }

    /** For {@code /close}: the bot's text, else the switch's lastMessage, is the client's last word to the operator. */
    public void defaultClosingText(Exchange exchange) {
        if (exchange.getProperty("closingText") == null) {
            SwitchRequest.Switch handoff = exchange.getProperty("handoffSwitch", SwitchRequest.Switch.class);
            exchange.setProperty("closingText", handoff == null ? null : handoff.lastMessage());
        }
    }

    /** The provider closed the chat meanwhile: the conversation is the bot's again, and the bot is told so. */
    public void chatEndedMeanwhile(Exchange exchange) {
        String id = exchange.getProperty("conversationId", String.class);
        operatorEvents.finishedByProvider(id, "inactivity");
        throw ProblemException.notInHandoff("The operator chat of conversation '" + id
                + "' had already ended; the conversation is with the bot again");
    }

    /** The client's close went through: back to BOT, with livechatFinished(clientClosed) once. */
    public Map<String, Object> closed(Exchange exchange) {
        String id = exchange.getProperty("conversationId", String.class);
        operatorEvents.finishedByClient(id);
        log.info("conversation={} closed by the client", id);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("state", "BOT");
        answer.put("closed", true);
        return answer;
    }

    /** The 202 answer to a relayed (or repeated) message: the conversation's state now. */
    public Map<String, Object> accepted(Exchange exchange) {
        String id = exchange.getProperty("conversationId", String.class);
        log.info("conversation={} client message relayed{}", id,
                exchange.getProperty("duplicateMessage", false, Boolean.class) ? " (repeat, not sent again)" : "");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("state", conversations.find(id).map(c -> c.state().name()).orElse("BOT"));
        return answer;
    }

    private SwitchRequest.Switch handoffSwitch(Conversation conversation) {
        return Optional.ofNullable(conversation.handoffJson()).map(text -> {
            try {
                return json.readValue(text, SwitchRequest.Switch.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored switch unreadable", e);
            }
        }).orElse(null);
    }

    private static String text(JsonNode node, String field, int max, boolean required, List<Map<String, String>> errors) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                errors.add(error(field, "is required"));
            }
            return null;
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            errors.add(error(field, "must be a non-empty string"));
            return null;
        }
        if (value.textValue().length() > max) {
            errors.add(error(field, "is longer than " + max + " characters"));
            return null;
        }
        return value.textValue();
    }

    private static Map<String, String> error(String field, String message) {
        return Map.of("field", field, "message", message);
    }
}
