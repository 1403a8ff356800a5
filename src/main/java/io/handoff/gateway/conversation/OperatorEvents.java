package io.handoff.gateway.conversation;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.handoff.gateway.api.ProblemException;

/**
 * Stores what operators do in the open handoff as events for the bot, once, and moves the conversation's
 * state with them: the first operator moves WAITING to OPERATOR, the end of the chat moves it back to BOT.
 * A state change is a conditional update, so when the bot's close and the platform's close notification
 * race, exactly one of them emits {@code livechatFinished}.
 */
@Component("operatorEvents")
public class OperatorEvents {

    private static final Logger log = LoggerFactory.getLogger(OperatorEvents.class);

    private final ConversationStore conversations;
    private final EventLog events;
    private final ProcessedKeys keys;
    private final TransactionTemplate tx;

    public OperatorEvents(ConversationStore conversations, EventLog events, ProcessedKeys keys, TransactionTemplate tx) {
        this.conversations = conversations;
        this.events = events;
        this.keys = keys;
        this.tx = tx;
    }

    /**
     * Records a platform's event once. Its id, the state change and the stored event commit together: a
     * failure or a crash in between leaves none of them, so the platform's retry does it all; and a retry
     * that races the first delivery (on any instance) waits on the id's key until that one has committed
     * (then it is a repeat) or rolled back (then it is the first).
     */
    public void record(OperatorEvent event) {
        tx.executeWithoutResult(status -> {
            if (event.dedupKey() != null && !keys.firstTime(event.provider() + "-event", event.dedupKey())) {
                status.setRollbackOnly(); // (on PostgreSQL the failed insert has ended the transaction anyway)
                log.info("conversation={} {} {} already recorded", event.conversationId(), event.provider(), event.kind());
                return;
            }
            apply(event);
        });
    }

    /**
     * The bot (or the client through it) ended the handoff: back to BOT, livechatFinished once. {@code closedBy}
     * names a front door that asked for it itself (JAICP's closeChat: "jaicp"), so that door is not told back;
     * null for the bot API, a close phrase or operations.
     */
    public boolean finishedByClient(String conversationId, String closedBy) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("reason", "clientClosed");
        if (closedBy != null) {
            fields.put("closedBy", closedBy);
        }
        return finish(conversationId, null, fields);
    }

    /** The provider had ended the chat without our hearing of it (e.g. a send found it inactive). */
    public boolean finishedByProvider(String conversationId, String reason) {
        return finish(conversationId, null, Map.of("reason", reason));
    }

    private void apply(OperatorEvent event) {
        String id = event.conversationId();
        Conversation conversation = conversations.find(id).orElse(null);
        if (conversation == null) {
            log.info("conversation={} unknown: {} ignored", id, event.kind());
            return;
        }
        if (event.kind() != OperatorEvent.Kind.FINISHED && !ofOpenHandoff(conversation, event)) {
            if (conversations.handoffStarting(id)) {
                // a returning client's chat is resumed, and its operator was quicker than the provider's answer:
                // refused (the transaction, its id with it, rolled back), so the platform delivers it again
                log.info("conversation={} {} {} while its handoff is being opened: to be delivered again", id,
                        event.provider(), event.kind());
                throw ProblemException.handoffStarting(id);
            }
            // the conversation is the bot's again, or in a newer chat: an operator still writing into the old one
            // (LiveTex has no close call) is not the bot's business
            log.info("conversation={} {} {} after its handoff had ended: not stored", id, event.provider(), event.kind());
            return;
        }
        switch (event.kind()) {
            case JOINED -> joined(conversation, event);
            case MESSAGE, FILE -> {
                if (event.operatorId() != null && !event.operatorId().equals(conversation.operatorId())) {
                    joined(conversation, event); // a join notification may be missing (LiveTex has none at all)
                }
                String type = event.kind() == OperatorEvent.Kind.MESSAGE ? "operatorMessage" : "operatorFile";
                Map<String, Object> fields = new LinkedHashMap<>(event.fields());
                if (event.operatorId() != null) { // a LiveTex hold message comes from no one
                    fields.put("operator", operator(conversations.find(id).orElse(conversation), event));
                }
                events.append(id, type, fields);
                log.info("conversation={} {} stored", id, type);
            }
            case FINISHED -> finish(id, event.threadId(), Map.of("reason", event.fields().getOrDefault("reason", "providerClosed")));
            case TRANSFERRED -> {
                events.append(id, "chatTransferred", event.fields());
                log.info("conversation={} chat transferred", id);
            }
        }
    }

    /** Whether the event comes from the chat (and, where the provider names one, the thread) of the open handoff. */
    static boolean ofOpenHandoff(Conversation conversation, OperatorEvent event) {
        return conversation.inHandoff() && event.provider().equals(conversation.provider())
                && (event.threadId() == null || conversation.providerThreadId() == null
                        || event.threadId().equals(conversation.providerThreadId()));
    }

    private void joined(Conversation conversation, OperatorEvent event) {
        String id = conversation.conversationId();
        conversations.transition(id, ConversationState.WAITING, ConversationState.OPERATOR);
        if (!conversations.setOperator(id, event.operatorId(), event.operatorName())) {
            return; // the same operator again (e.g. a join after its first message, maybe on another instance)
        }
        Map<String, Object> operator = new LinkedHashMap<>();
        operator.put("id", event.operatorId());
        if (event.operatorName() != null) {
            operator.put("name", event.operatorName());
        }
        events.append(id, "operatorJoined", Map.of("operator", operator));
        log.info("conversation={} operator joined", id);
    }

    /** Back to BOT and livechatFinished in one transaction (the caller's, if it has one): both or neither. */
    private boolean finish(String conversationId, String threadId, Map<String, Object> fields) {
        Object reason = fields.get("reason");
        boolean finished = Boolean.TRUE.equals(tx.execute(status -> {
            if (!conversations.finishHandoff(conversationId, threadId)) {
                return false;
            }
            events.append(conversationId, "livechatFinished", fields);
            return true;
        }));
        if (finished) {
            log.info("conversation={} handoff finished, reason={}", conversationId, reason);
        } else {
            log.info("conversation={} close ({}) after the handoff had ended: nothing to do", conversationId, reason);
        }
        return finished;
    }

    static Map<String, Object> operator(Conversation conversation, OperatorEvent event) {
        Map<String, Object> operator = new LinkedHashMap<>();
        operator.put("id", event.operatorId());
        String name = event.operatorName() != null ? event.operatorName()
                : event.operatorId() != null && event.operatorId().equals(conversation.operatorId()) ? conversation.operatorName() : null;
        if (name != null) {
            operator.put("name", name);
        }
        return operator;
    }
}
