package io.handoff.gateway.provider;

/**
 * A provider's webhook that came before the gateway could take it: it is about a conversation whose handoff
 * is being opened right now (the platform acted on the gateway's call, and its answer has not arrived). The
 * API layer answers {@code 503 handoff-starting} with nothing recorded, so the platform delivers it again.
 */
public class WebhookTooEarlyException extends RuntimeException {

    private final String conversationId;

    public WebhookTooEarlyException(String provider, String conversationId) {
        super(provider + " webhook for conversation " + conversationId + " before its handoff was stored");
        this.conversationId = conversationId;
    }

    public String conversationId() {
        return conversationId;
    }
}
