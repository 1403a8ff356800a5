package io.handoff.gateway.conversation;

import io.handoff.gateway.api.ConversationScoped;

/**
 * The webhook flow's context, exchange property {@code webhook}: what a platform's verified webhook asks
 * of the gateway. Set once by the provider's webhook route (its mapper's {@code accept}); read by
 * operator-event ({@code event}) and, for a platform that asks for it, the provider's own re-selection
 * ({@code reselect}). Neither: the webhook is acknowledged and nothing else happens. (No factory is named
 * like an accessor: Simple's OGNL would pick the static one for {@code ${exchangeProperty.webhook.reselect}}.)
 */
public record OperatorWebhook(OperatorEvent event, Reselect reselect) implements ConversationScoped {

    public static final String PROPERTY = "webhook";
    public static final OperatorWebhook NOTHING = new OperatorWebhook(null, null);

    /** The platform asks which group takes the conversation (LiveTex's SelectDestination): {@code department}. */
    public record Reselect(String conversationId, Conversation conversation, String department) {
    }

    public static OperatorWebhook of(OperatorEvent event) {
        return new OperatorWebhook(event, null);
    }

    public static OperatorWebhook reselecting(Reselect reselect) {
        return new OperatorWebhook(null, reselect);
    }

    @Override
    public String conversationId() {
        return event != null ? event.conversationId() : reselect != null ? reselect.conversationId() : null;
    }
}
