package io.handoff.gateway.conversation;

import io.handoff.gateway.api.ConversationScoped;

/**
 * The client-message and client-close flows' context, exchange property {@code turn}: one message (or
 * the close) of a conversation in a handoff. Immutable; each step that learns something writes a new one,
 * visibly in the YAML ({@code setProperty name: turn}).
 *
 * <pre>
 *   conversationId     client-message / client-close-request (the path's {id})
 *   message            client-message (parse-client-message)
 *   closingText        client-close-request (the bot's text, else the switch's lastMessage), or
 *                      client-message (a close phrase: the switch's lastMessage)
 *   conversation,      after require-handoff (the conversation in its handoff, and the switch it was
 *   handoffSwitch      handed off with); read by provider-dispatch and the provider's relay / close
 *   closing            the client-message queue (relay.ClientMessageDelivery): a queued close, not a message
 *   firstAnswer        require-handoff, for a conversation no longer in a handoff whose messageId was accepted
 *                      before: the answer it got then (the operator may have closed the chat since)
 *   retried            the client-message queue: an attempt after a failed one, which may have reached the provider
 * </pre>
 * In the queue's delivery, {@code conversation} is the handoff as the item was accepted into it.
 */
public record ClientTurn(String conversationId, ClientMessage message, String closingText,
                         Conversation conversation, SwitchRequest.Switch handoffSwitch, boolean closing,
                         ProcessedKeys.Answer firstAnswer, boolean retried)
        implements ConversationScoped {

    public static final String PROPERTY = "turn";

    public static ClientTurn of(String conversationId) {
        return new ClientTurn(conversationId, null, null, null, null, false, null, false);
    }

    public ClientTurn withMessage(ClientMessage parsed) {
        return new ClientTurn(conversationId, parsed, closingText, conversation, handoffSwitch, closing, firstAnswer, retried);
    }

    public ClientTurn withClosingText(String text) {
        return new ClientTurn(conversationId, message, text, conversation, handoffSwitch, closing, firstAnswer, retried);
    }

    /**
     * The switch's {@code lastMessage} as the client's last words. Taken here, not passed as
     * {@code withClosingText(${...lastMessage})}: Camel's argument binding would strip quotes from the text
     * and read the text {@code null} as no text.
     */
    public ClientTurn withSwitchLastMessage() {
        return withClosingText(handoffSwitch == null ? null : handoffSwitch.lastMessage());
    }

    public ClientTurn withConversation(Conversation inHandoff, SwitchRequest.Switch switchData) {
        return new ClientTurn(conversationId, message, closingText, inHandoff, switchData, closing, firstAnswer, retried);
    }

    /** A close to deliver: the provider's close route, not its relay. */
    public ClientTurn asClose() {
        return new ClientTurn(conversationId, message, closingText, conversation, handoffSwitch, true, firstAnswer, retried);
    }

    /** A messageId accepted before: its first answer is given again and nothing is done. */
    public ClientTurn withFirstAnswer(ProcessedKeys.Answer answer) {
        return new ClientTurn(conversationId, message, closingText, conversation, handoffSwitch, closing, answer, retried);
    }

    /**
     * A queued item's attempt after one that failed: that one may have reached the provider all the same (its
     * answer lost to a timeout), and the providers do not de-duplicate.
     */
    public ClientTurn withRetried(boolean again) {
        return new ClientTurn(conversationId, message, closingText, conversation, handoffSwitch, closing, firstAnswer, again);
    }

    /** The conversation's chat on its provider (LiveChat's chat id, LiveTex's user id). */
    public String providerChatId() {
        return conversation.providerChatId();
    }
}
