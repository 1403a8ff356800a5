package io.handoff.gateway.delivery;

import java.util.Optional;

import org.springframework.stereotype.Component;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.jaicp.JaicpChannels;
import io.handoff.gateway.jaicp.JaicpEvents;

/**
 * Where a conversation's events are pushed, and as what: JAICP conversations to their channel's
 * webhook as JAICP operator events, every other one to the bot's callback ({@code handoff.callback.url}),
 * signed. An event with nowhere to go is stored as settled, so "pending delivery" counts only what
 * really waits.
 */
@Component
public class DeliveryTargets {

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
    private final JaicpChannels jaicp;
    private final JaicpEvents jaicpEvents;

    public DeliveryTargets(HandoffProperties properties, JaicpChannels jaicp, JaicpEvents jaicpEvents) {
        this.callback = properties.callback();
        this.jaicp = jaicp;
        this.jaicpEvents = jaicpEvents;
    }

    /** True when events of this conversation are pushed somewhere. */
    public boolean pushes(String conversationId) {
        return JaicpChannels.channelOf(conversationId).isPresent() || callbackUrl() != null;
    }

    /** True when anything at all is pushed. */
    public boolean any() {
        return callbackUrl() != null || jaicp.any();
    }

    public Delivery resolve(String conversationId, String eventJson) {
        Optional<String> channel = JaicpChannels.channelOf(conversationId);
        if (channel.isPresent()) {
            Optional<String> url = jaicp.webhookUrl(channel.get());
            if (url.isEmpty()) {
                return new Wait();
            }
            return jaicpEvents.toJaicp(eventJson).<Delivery>map(body -> new Send(url.get(), body, false)).orElse(new Skip());
        }
        return callbackUrl() == null ? new Skip() : new Send(callbackUrl(), eventJson, true);
    }

    String callbackUrl() {
        return callback.url() == null || callback.url().isBlank() ? null : callback.url();
    }
}
