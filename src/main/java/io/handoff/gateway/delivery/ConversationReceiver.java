package io.handoff.gateway.delivery;

/**
 * A receiver that takes some conversations' events instead of the bot's callback: a front door whose
 * caller wants operator events in its own terms (the JAICP channels, {@code jaicp.JaicpReceiver}).
 */
public interface ConversationReceiver {

    /** True when this receiver takes the conversation's events. */
    boolean owns(String conversationId);

    /**
     * The push lane of a conversation it owns: conversations whose events go to one target share its push
     * workers ({@code handoff.callback.parallelism}), so a target that hangs holds up only its own.
     */
    String lane(String conversationId);

    /** What to do with one stored event of a conversation it owns. */
    DeliveryTargets.Delivery delivery(String conversationId, String eventJson);

    /** True when it may have anything to push at all. */
    boolean active();
}
