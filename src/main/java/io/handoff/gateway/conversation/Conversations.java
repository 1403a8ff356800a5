package io.handoff.gateway.conversation;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.api.Compensations;
import io.handoff.gateway.api.PathParameters;
import io.handoff.gateway.api.ProblemException;
import io.handoff.gateway.routing.Destination;

/** The conversation steps of the routes: record, take for a handoff, mark started, show. */
@Component("conversations")
public class Conversations {

    private static final Logger log = LoggerFactory.getLogger(Conversations.class);

    /** Longer than a provider call with all its retries; a crashed instance's lease runs out after it. */
    static final Duration HANDOFF_LEASE = Duration.ofMinutes(5);

    private final ConversationStore store;
    private final EventLog events;
    private final ObjectMapper json;
    private final ApplicationEventPublisher published;

    public Conversations(ConversationStore store, EventLog events, ObjectMapper json, ApplicationEventPublisher published) {
        this.store = store;
        this.events = events;
        this.json = json;
        this.published = published;
    }

    /**
     * Records the conversation and takes it for this handoff. A conversation already with an operator,
     * or with another handoff starting, is refused with 409.
     */
    public void beginHandoff(Exchange exchange, String conversationId) {
        store.createIfAbsent(conversationId);
        if (!store.tryLease(conversationId, HANDOFF_LEASE.toMillis())) {
            Conversation conversation = store.find(conversationId).orElseThrow();
            throw ProblemException.alreadyInHandoff(conversation.inHandoff()
                    ? "Conversation '" + conversationId + "' is already in a handoff (" + conversation.state() + ")"
                    : "A handoff of conversation '" + conversationId + "' is already starting");
        }
        Compensations.register(exchange, failed -> store.releaseLease(conversationId));
    }

    /** The provider opened (or resumed) the chat: the conversation waits for an operator. Returns the 201 body. */
    public Map<String, Object> handoffStarted(Handoff handoff) throws JsonProcessingException {
        String conversationId = handoff.conversationId();
        SwitchRequest request = handoff.switchRequest();
        Destination destination = handoff.destination();
        String providerChatId = handoff.providerChatId();
        String providerThreadId = handoff.providerThreadId();
        ConversationState state;
        if (request.switchData().oneTimeMessage()) {
            // JAICP's oneTimeMessage: the operator group gets the message, the bot keeps the conversation
            state = ConversationState.BOT;
            store.releaseLease(conversationId);
        } else {
            state = ConversationState.WAITING;
            store.startHandoff(conversationId, state, destination.name(), destination.provider(), providerChatId,
                    providerThreadId, json.writeValueAsString(request.switchData()));
        }
        log.info("conversation={} handoff started destination={} provider={} chat={} state={}",
                conversationId, destination.name(), destination.provider(), providerChatId, state);
        published.publishEvent(new HandoffStarted(conversationId, destination));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("conversationId", conversationId);
        answer.put("state", state.name());
        answer.put("destination", destination.name());
        answer.put("provider", destination.provider());
        answer.put("providerChatId", providerChatId);
        return answer;
    }

    /**
     * Nobody of the destination is online (and the switch did not say ignoreOffline): the bot is told
     * by the 409 answer and by a stored {@code noLivechatOperatorsOnline} event; the conversation stays BOT.
     */
    public void noOperatorsOnline(String conversationId, Destination destination) {
        events.append(conversationId, "noLivechatOperatorsOnline", Map.of("destination", destination.name()));
        log.info("conversation={} no operator online at destination={}", conversationId, destination.name());
        throw ProblemException.noOperatorsOnline(destination.name());
    }

    /** {@code GET /api/v1/conversations/{id}}. */
    public Map<String, Object> view(Exchange exchange) {
        String conversationId = PathParameters.conversationId(exchange);
        Conversation c = store.find(conversationId)
                .orElseThrow(() -> ProblemException.notFound("Conversation '" + conversationId + "' was never seen"));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("conversationId", c.conversationId());
        view.put("state", c.state().name());
        if (c.inHandoff()) {
            view.put("destination", c.destination());
            view.put("provider", c.provider());
            view.put("providerChatId", c.providerChatId());
            if (c.operatorId() != null) {
                Map<String, Object> operator = new LinkedHashMap<>();
                operator.put("id", c.operatorId());
                if (c.operatorName() != null) {
                    operator.put("name", c.operatorName());
                }
                view.put("operator", operator);
            }
        }
        return view;
    }
}
