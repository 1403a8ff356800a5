package io.handoff.gateway.conversation;

/**
 * Whether a conversation's events are pushed anywhere (implemented by {@code delivery.DeliveryTargets}).
 * An event with nowhere to go is stored as settled, so "pending delivery" counts only what really waits.
 */
public interface PushPolicy {

    boolean pushes(String conversationId);
}
