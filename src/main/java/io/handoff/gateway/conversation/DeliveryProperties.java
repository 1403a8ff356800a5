package io.handoff.gateway.conversation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code handoff.delivery.*}. {@code lease}: how long an instance owns a piece of delivery
 * work (one push of an event to the bot) before another may take it over: the most the work of an
 * instance that died waits (gateway-api.md §8). Longer than one attempt may take, or a slow attempt
 * could be repeated by another instance while it still runs.
 */
@ConfigurationProperties("handoff.delivery")
public record DeliveryProperties(@DefaultValue("30s") Duration lease) {

    public DeliveryProperties {
        if (lease.isNegative() || lease.toMillis() < 1_000) {
            throw new IllegalArgumentException("handoff.delivery.lease must be at least 1s");
        }
    }
}
