package io.handoff.gateway.delivery;

import io.handoff.gateway.api.ConversationScoped;

/**
 * The bot-delivery flow's context, exchange property {@code push}: one stored event on its way to its
 * receiver, as {@link DeliveryTargets} resolved it. Set once by {@link BotDelivery}, read by the
 * bot-delivery route: {@code body} (the event's JSON, also what is signed), {@code url}, {@code signed}
 * (the bot's callback is; a JAICP channel's webhook is not).
 */
public record BotPush(String conversationId, String url, String body, boolean signed) implements ConversationScoped {

    public static final String PROPERTY = "push";

    public static BotPush of(String conversationId, DeliveryTargets.Send send) {
        return new BotPush(conversationId, send.url(), send.body(), send.signed());
    }
}
