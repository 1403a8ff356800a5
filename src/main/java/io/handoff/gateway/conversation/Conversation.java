package io.handoff.gateway.conversation;

/** One row of the conversation table. */
public record Conversation(
        String conversationId,
        ConversationState state,
        String destination,
        String provider,
        String providerChatId,
        String operatorId,
        String operatorName,
        String handoffJson,
        String providerThreadId,
        long lastSeq) {

    public boolean inHandoff() {
        return state != ConversationState.BOT;
    }
}
