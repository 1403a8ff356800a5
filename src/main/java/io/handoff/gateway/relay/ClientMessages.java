package io.handoff.gateway.relay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.handoff.gateway.conversation.Conversation;
import io.handoff.gateway.conversation.ConversationState;
import io.handoff.gateway.conversation.ConversationStore;
import io.handoff.gateway.conversation.OperatorEvents;
import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.conversation.ClientQueue;
import io.handoff.gateway.conversation.ProcessedKeys;
import io.handoff.gateway.api.PathParameters;
import io.handoff.gateway.api.ProblemException;
import io.handoff.gateway.conversation.SwitchRequest;
import io.handoff.gateway.api.StrictJson;
import io.handoff.gateway.conversation.ClientMessage;
import io.handoff.gateway.conversation.ClientTurn;
import io.handoff.gateway.files.ClientFileRefusedException;
import io.handoff.gateway.files.FileNotFetchedException;
import io.handoff.gateway.files.FileUrlPolicy;
import io.handoff.gateway.files.LoggedUrl;

/**
 * The client's side of an open handoff: its messages and its close. Each step is called from
 * client-message.camel.yaml and client-close.camel.yaml, on the flow's context (exchange property
 * {@code turn}, a {@link ClientTurn}); the provider routes do the sending.
 */
@Component("clientMessages")
public class ClientMessages {

    private static final Logger log = LoggerFactory.getLogger(ClientMessages.class);
    static final int MAX_TEXT = 16_000;

    private final ObjectReader reader;
    private final ObjectMapper json;
    private final ConversationStore conversations;
    private final ClientQueue queue;
    private final OperatorEvents operatorEvents;
    private final FileUrlPolicy policy;
    private final long maxFileBytes;

    public ClientMessages(ObjectMapper json, ConversationStore conversations, ClientQueue queue,
                          OperatorEvents operatorEvents, FileUrlPolicy policy,
                          HandoffProperties properties) {
        this.policy = policy;
        this.maxFileBytes = properties.relay().maxFileSize().toBytes();
        this.json = json;
        this.reader = StrictJson.reader(json);
        this.conversations = conversations;
        this.queue = queue;
        this.operatorEvents = operatorEvents;
    }

    /** The turn of the conversation the request's path names ({@code {id}}, decoded): the flow's context. */
    public ClientTurn turn(Exchange exchange) {
        return ClientTurn.of(PathParameters.conversationId(exchange));
    }

    /** The turn with the body's message ({@link #parse}): 400 lists every bad field. */
    public ClientTurn withMessage(ClientTurn turn, String body) {
        return turn.withMessage(parse(body));
    }

    /** The turn with the close request's text ({@link #parseClose}), null when the bot gave none. */
    public ClientTurn withClosingText(ClientTurn turn, String body) {
        return turn.withClosingText(parseClose(body));
    }

    /** Reads {@code {messageId, text}} or {@code {messageId, file{url, name?, size?}}}. */
    public ClientMessage parse(String body) {
        JsonNode root = StrictJson.readObject(reader, body);
        List<Map<String, String>> errors = new ArrayList<>();
        String messageId = text(root, "messageId", 128, true, errors);
        String text = text(root, "text", MAX_TEXT, false, errors);
        ClientMessage.File file = null;
        JsonNode fileNode = root.get("file");
        if (fileNode != null && !fileNode.isNull()) {
            if (!fileNode.isObject()) {
                errors.add(error("file", "must be an object"));
            } else {
                String url = text(fileNode, "url", 2048, true, errors); // scheme and host: checkFileUrl (§10)
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

    /**
     * At acceptance: a file URL the gateway would not fetch is the bot's 400 now, whatever the provider (§10);
     * a file the bot declares larger than {@code handoff.relay.max-file-size} is its 413. What only the
     * download can tell (the host's answer, the real size) is a messageUndelivered(fileUnavailable) later.
     */
    public void checkFileUrl(ClientTurn turn) {
        String conversationId = turn.conversationId();
        ClientMessage message = turn.message();
        if (message == null || !message.isFile()) {
            return;
        }
        if (message.file().size() != null && message.file().size() > maxFileBytes) {
            throw ClientFileRefusedException.tooLarge(maxFileBytes);
        }
        try {
            policy.check(message.file().url());
        } catch (FileNotFetchedException e) {
            log.warn("conversation={} file not fetched: {} (url {})", conversationId, LoggedUrl.text(e.reason()),
                    LoggedUrl.of(message.file().url()));
            throw ClientFileRefusedException.notFetched(); // the bot's one answer; the reason is in the log
        }
    }

    /** The optional {@code {text}} of {@code POST /conversations/{id}/close}: the client's last words, or null. */
    public String parseClose(String body) {
        if (body != null && !body.isBlank()) {
            List<Map<String, String>> errors = new ArrayList<>();
            String text = text(StrictJson.readObject(reader, body), "text", MAX_TEXT, false, errors);
            if (!errors.isEmpty()) {
                throw ProblemException.invalidRequest("The close request is invalid; see errors", errors);
            }
            return text;
        }
        return null;
    }

    /**
     * The turn with its conversation, which must be in a handoff (404 if never seen, 409 if the bot owns it),
     * and the switch it was handed off with. (The queue checks again as it stores, in the same transaction: a
     * close in between is a 409 there.) A message whose messageId the conversation accepted before is not
     * refused: the turn gets the answer it had then (the operator may have closed the chat since; while the
     * handoff is open, the queue finds the repeat as it stores). Looked up only here, off the path of a new
     * message.
     */
    public ClientTurn inHandoff(ClientTurn turn) {
        String id = turn.conversationId();
        Optional<Conversation> found = conversations.find(id);
        if (found.isPresent() && found.get().inHandoff()) {
            return turn.withConversation(found.get(), handoffSwitch(found.get()));
        }
        Optional<ProcessedKeys.Answer> first = turn.message() == null ? Optional.empty()
                : queue.firstAnswer(id, turn.message().messageId());
        if (first.isPresent()) {
            log.info("conversation={} client message repeated (messageId seen before): its first answer again", id);
            ProcessedKeys.Answer answer = first.get();
            // kept before answers were: the 202's body is the state now
            return turn.withFirstAnswer(answer.body() != null ? answer
                    : new ProcessedKeys.Answer(answer.status(), stateAnswer(found.map(c -> c.state().name()).orElse(null))));
        }
        if (found.isEmpty()) {
            throw ProblemException.notFound("Conversation '" + id + "' was never seen");
        }
        throw ProblemException.notInHandoff("Conversation '" + id + "' is with the bot: answer the client yourself");
    }

    /** True when the turn repeats a messageId the conversation accepted before ({@link #inHandoff}). */
    public boolean isRepeat(ClientTurn turn) {
        return turn.firstAnswer() != null;
    }

    /**
     * Stores the message for the operator (gateway-api.md §9) and wakes the delivery; the answer's JSON body,
     * {@code {state}}, for a 202. A messageId accepted before (or meanwhile by another request) is not stored
     * again and gets its first body.
     */
    public String enqueue(ClientTurn turn) {
        ClientQueue.Accepted accepted = queue.accept(turn.conversationId(), turn.message().messageId(), write(turn.message()),
                this::stateAnswer);
        if (accepted.duplicate()) {
            log.info("conversation={} client message repeated (messageId seen before), not queued again", turn.conversationId());
        } else {
            log.debug("conversation={} client message queued for the operator", turn.conversationId()); // one a message: debug
        }
        return accepted.answer().body();
    }

    /**
     * The client ends the handoff: the close is queued after the messages accepted before it, and the
     * conversation is the bot's again, with livechatFinished(clientClosed) once, in one transaction. A close
     * phrase's messageId is remembered in it too: its repeat gets this answer and closes nothing. The answer's
     * body. {@code closedBy}: the front door that asked, when it is told of closes itself (JAICP), else null.
     */
    public Map<String, Object> close(ClientTurn turn, String closedBy) {
        String id = turn.conversationId();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("state", "BOT");
        answer.put("closed", true);
        try {
            queue.inTransaction(() -> {
                if (turn.message() != null) { // a close phrase
                    queue.rememberClosePhrase(id, turn.message().messageId(), new ProcessedKeys.Answer(200, write(answer)));
                }
                queue.acceptClose(id, write(turn.closingText()));
                operatorEvents.finishedByClient(id, closedBy);
                return null;
            });
        } catch (DuplicateKeyException raced) { // the same close phrase closed it meanwhile: its answer, nothing more
            log.info("conversation={} close phrase repeated (messageId seen before), not closed again", id);
            return answer;
        }
        log.info("conversation={} closed by the client", id);
        return answer;
    }

    /** {@code {"state": ...}}, the body of a 202; written once per state, as it is every message's answer. */
    private static final Map<String, String> STATE_ANSWERS = Arrays.stream(ConversationState.values())
            .collect(Collectors.toUnmodifiableMap(Enum::name, state -> "{\"state\":\"" + state.name() + "\"}"));

    private String stateAnswer(String state) {
        return state == null ? "{\"state\":null}" : STATE_ANSWERS.get(state); // (null: a conversation gone since)
    }

    /** True when the text is one of the switch's closeChatPhrases (trimmed, case-insensitive): the client ends the handoff. */
    public boolean isClosePhrase(ClientTurn turn) {
        ClientMessage message = turn.message();
        SwitchRequest.Switch handoff = turn.handoffSwitch();
        if (message == null || message.text() == null || handoff == null) {
            return false;
        }
        String said = message.text().trim();
        return handoff.closeChatPhrases().stream().anyMatch(phrase -> phrase.trim().equalsIgnoreCase(said));
    }

    /** In the queue's delivery: a queued close, not a message. */
    public boolean isClose(ClientTurn turn) {
        return turn.closing();
    }

    /** The switch the conversation was handed off with (its close phrases, its lastMessage). */
    public SwitchRequest.Switch handoffSwitch(Conversation conversation) {
        return Optional.ofNullable(conversation.handoffJson()).map(text -> {
            try {
                return json.readValue(text, SwitchRequest.Switch.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored switch unreadable", e);
            }
        }).orElse(null);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serializable", e);
        }
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
