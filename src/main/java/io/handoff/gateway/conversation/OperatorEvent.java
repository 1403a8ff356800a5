package io.handoff.gateway.conversation;

import java.util.Map;

/**
 * Something the operator side did, in the gateway's terms, whatever the platform: provider webhooks
 * are mapped to this before anything is stored.
 *
 * @param dedupKey  the platform's id for this notification: a redelivered webhook carries the same one
 * @param threadId  the provider's thread (LiveChat) when known: a close of an older thread is ignored
 * @param fields    the event's own fields for the bot ({@code text}, {@code url}, {@code reason}...)
 */
public record OperatorEvent(
        String provider,
        String conversationId,
        Kind kind,
        String dedupKey,
        String threadId,
        String operatorId,
        String operatorName,
        Map<String, Object> fields) {

    public enum Kind {
        /** An operator took the chat. */
        JOINED,
        /** Operator text for the client. */
        MESSAGE,
        /** An operator's file for the client. */
        FILE,
        /** The handoff ended on the provider's side ({@code reason} in fields). */
        FINISHED,
        /** The chat moved to other groups or operators. */
        TRANSFERRED
    }
}
