package io.handoff.gateway.conversation;

/** Who owns the conversation. A closed handoff is back to {@link #BOT}; CLOSED is never stored. */
public enum ConversationState {
    BOT, WAITING, OPERATOR
}
