package io.handoff.gateway.dialogflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.api.ConversationScoped;
import io.handoff.gateway.conversation.ConversationState;
import io.handoff.gateway.conversation.RequestClaim;
import io.handoff.gateway.dialogflow.DetectIntentResult.Reply;
import io.handoff.gateway.dialogflow.DialogflowProperties.Agent;

/**
 * The door's flow context, exchange property {@code dialogflow}: one end-user message to
 * {@code POST /api/v1/dialogflow/{agent}/conversations/{conversationId}/messages}. Immutable; each step that learns
 * something writes a new one (setProperty in dialogflow-front-door.camel.yaml).
 *
 * <pre>
 *   agentName, agent, conversationId,   read-dialogflow-message (404 unknown agent, 400 bad body)
 *   sessionId, messageId, text, file,
 *   customer, languageCode
 *   claim                               claim-dialogflow-message-id (a repeat replays the first answer)
 *   state                               bind-dialogflow-session (the conversation's state now)
 *   replies, result                     after each detectIntent (the text's, then the offline event's)
 *   handoff                             the switch's outcome: the 201 body's destination/provider/chat, or
 *                                       {failed: noLivechatOperatorsOnline[, offlineEvent: failed]}
 * </pre>
 */
public record DialogflowTurn(String agentName, Agent agent, String conversationId, String sessionId, String messageId,
                             String text, JsonNode file, JsonNode customer, String languageCode, RequestClaim claim,
                             ConversationState state, DetectIntentResult result, List<Reply> replies,
                             Map<String, Object> handoff) implements ConversationScoped {

    public static final String PROPERTY = "dialogflow";

    public DialogflowTurn {
        replies = replies == null ? List.of() : List.copyOf(replies);
    }

    public DialogflowTurn withClaim(RequestClaim newClaim) {
        return new DialogflowTurn(agentName, agent, conversationId, sessionId, messageId, text, file, customer,
                languageCode, newClaim, state, result, replies, handoff);
    }

    public DialogflowTurn withState(ConversationState newState) {
        return new DialogflowTurn(agentName, agent, conversationId, sessionId, messageId, text, file, customer,
                languageCode, claim, newState, result, replies, handoff);
    }

    /** A detectIntent's result: its replies are added to the ones the channel gets. */
    public DialogflowTurn withResult(DetectIntentResult newResult) {
        List<Reply> all = new ArrayList<>(replies);
        all.addAll(newResult.replies());
        return new DialogflowTurn(agentName, agent, conversationId, sessionId, messageId, text, file, customer,
                languageCode, claim, state, newResult, all, handoff);
    }

    public DialogflowTurn withHandoff(ConversationState newState, Map<String, Object> outcome) {
        return new DialogflowTurn(agentName, agent, conversationId, sessionId, messageId, text, file, customer,
                languageCode, claim, newState, result, replies, outcome);
    }

    public boolean inHandoff() {
        return state != null && state != ConversationState.BOT;
    }

    public boolean isFile() {
        return file != null;
    }

    /** Dialogflow asked for a human in its last answer. */
    public boolean handoffSignalled() {
        return result != null && result.handoff().isPresent();
    }

    /** The switch found nobody online: the agent's offline event is due (if it has one). */
    public boolean offline() {
        return handoff != null && handoff.containsKey("failed");
    }

    /** Nobody was online and the agent has an offline event to tell. */
    public boolean offlineEventDue() {
        return offline() && agent.offlineEventName().isPresent();
    }
}
