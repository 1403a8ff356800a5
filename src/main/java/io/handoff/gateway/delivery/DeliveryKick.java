package io.handoff.gateway.delivery;

/**
 * Makes every event pending delivery due now and wakes the delivery to the bot, instead of waiting for
 * its backoff ({@code handoff:type=EventDelivery} operation {@code retryPendingNow}). Implemented by
 * {@code delivery.BotDelivery}.
 */
public interface DeliveryKick {

    /** Returns how many pending events were made due. */
    int retryPendingNow();
}
