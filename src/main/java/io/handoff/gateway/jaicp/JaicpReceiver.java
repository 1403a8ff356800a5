package io.handoff.gateway.jaicp;

import java.util.Optional;

import org.springframework.stereotype.Component;

import io.handoff.gateway.delivery.ConversationReceiver;
import io.handoff.gateway.delivery.DeliveryTargets;

/**
 * JAICP conversations ({@code jaicp:<channel>:<userId>}) push to their channel's webhook (the URL of its
 * setWebhook call) as JAICP operator events; until JAICP has called setWebhook they wait.
 */
@Component
public class JaicpReceiver implements ConversationReceiver {

    private final JaicpChannels channels;
    private final JaicpEvents events;

    public JaicpReceiver(JaicpChannels channels, JaicpEvents events) {
        this.channels = channels;
        this.events = events;
    }

    @Override
    public boolean owns(String conversationId) {
        return JaicpChannels.channelOf(conversationId).isPresent();
    }

    /** Each channel has its own webhook. */
    @Override
    public String lane(String conversationId) {
        return "jaicp-" + JaicpChannels.channelOf(conversationId).orElseThrow();
    }

    @Override
    public DeliveryTargets.Delivery delivery(String conversationId, String eventJson) {
        Optional<String> url = channels.webhookUrl(JaicpChannels.channelOf(conversationId).orElseThrow());
        if (url.isEmpty()) {
            return new DeliveryTargets.Wait();
        }
        return events.toJaicp(eventJson).<DeliveryTargets.Delivery>map(body -> new DeliveryTargets.Send(url.get(), body, false))
                .orElse(new DeliveryTargets.Skip());
    }

    @Override
    public boolean active() {
        return channels.any();
    }
}
