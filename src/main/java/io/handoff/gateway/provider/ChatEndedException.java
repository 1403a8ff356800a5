package io.handoff.gateway.provider;

/**
 * The provider says the conversation's chat has ended (LiveChat's {@code chat_inactive} on a send): the
 * message was not delivered, and the handoff is over even if no close notification came.
 */
public class ChatEndedException extends RuntimeException {

    public ChatEndedException(String provider, String conversationId) {
        super("the " + provider + " chat of conversation '" + conversationId + "' has ended");
    }
}
