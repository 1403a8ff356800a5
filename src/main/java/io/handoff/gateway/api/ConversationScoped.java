package io.handoff.gateway.api;

import org.apache.camel.Exchange;

/**
 * A flow's context object (conversation.Handoff, conversation.ClientTurn, conversation.OperatorWebhook):
 * the one exchange property a flow carries, which knows the conversation it is about. The API layer reads
 * it only to name the conversation in its log lines.
 */
public interface ConversationScoped {

    /** The conversation the flow is about, or null when not known (yet). */
    String conversationId();

    /** The conversation id of the exchange's flow context, or null. */
    static String conversationIdOf(Exchange exchange) {
        for (Object value : exchange.getProperties().values()) {
            if (value instanceof ConversationScoped context) {
                return context.conversationId();
            }
        }
        return null;
    }
}
