package io.handoff.gateway.conversation;

/**
 * Ends a conversation's handoff on behalf of an ESB operator ({@code handoff:type=Conversations}
 * operation {@code close}): the provider chat is closed and the conversation goes back to the bot, as
 * a bot's {@code POST /api/v1/conversations/{id}/close} would. Implemented by the relay
 * ({@code relay.ConversationCloseAction}).
 */
public interface ConversationCloser {

    /** True when the handoff was closed; false when the conversation was not in a handoff. */
    boolean close(String conversationId);
}
