package io.handoff.gateway.delivery;

import java.util.List;

import org.springframework.stereotype.Component;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.conversation.PushPolicy;

/**
 * Where a conversation's events are pushed, and as what: a conversation a {@link ConversationReceiver}
 * owns (JAICP's) as that receiver says, every other one to the bot's callback ({@code handoff.callback.url}),
 * signed. An event with nowhere to go is stored as settled, so "pending delivery" counts only what
 * really waits.
 */
@Component
public class DeliveryTargets implements PushPolicy {

    /** What to do with one stored event. */
    public sealed interface Delivery {
    }

    /** POST {@code body} to {@code url}; {@code signed} adds X-Handoff-Signature. */
    public record Send(String url, String body, boolean signed) implements Delivery {
    }

    /** Nothing to send for this event (the receiver has no word for it): settled as it is. */
    public record Skip() implements Delivery {
    }

    /** The receiver is not known yet (JAICP has not called setWebhook): try again later. */
    public record Wait() implements Delivery {
    }

    private final HandoffProperties.Callback callback;
    private final List<ConversationReceiver> receivers;

    public DeliveryTargets(HandoffProperties properties, List<ConversationReceiver> receivers) {
        this.callback = properties.callback();
        this.receivers = List.copyOf(receivers);
    }

    /** True when events of this conversation are pushed somewhere. */
    @Override
    public boolean pushes(String conversationId) {
        return receivers.stream().anyMatch(r -> r.owns(conversationId)) || callbackUrl() != null;
    }

    /** True when anything at all is pushed. */
    public boolean any() {
        return callbackUrl() != null || receivers.stream().anyMatch(ConversationReceiver::active);
    }

    /** The conversation's push lane: its receiver's, or the bot's callback. */
    public String laneOf(String conversationId) {
        for (ConversationReceiver receiver : receivers) {
            if (receiver.owns(conversationId)) {
                return receiver.lane(conversationId);
            }
        }
        return "callback";
    }

    public Delivery resolve(String conversationId, String eventJson) {
        for (ConversationReceiver receiver : receivers) {
            if (receiver.owns(conversationId)) {
                return receiver.delivery(conversationId, eventJson);
            }
        }
        return callbackUrl() == null ? new Skip() : new Send(callbackUrl(), eventJson, true);
    }

    String callbackUrl() {
        return callback.url() == null || callback.url().isBlank() ? null : callback.url();
    }
}
