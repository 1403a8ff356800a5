package io.handoff.gateway.conversation;

import io.handoff.gateway.api.ConversationScoped;
import io.handoff.gateway.routing.Destination;

/**
 * The handoff flow's context, exchange property {@code handoff}: immutable; each step that learns
 * something writes a new one, visibly in the YAML ({@code setProperty name: handoff}).
 *
 * <pre>
 *   switchRequest      switch-intake (parse-switch)
 *   destination        switch-intake (resolve-destination), before anything is recorded
 *   claim              switch-intake (claim-request-id): the requestId's claim, or the first answer to replay
 *   providerChatId,    the provider's handoff route (chatOpened); read by switch-intake's 201
 *   providerThreadId
 * </pre>
 */
public record Handoff(SwitchRequest switchRequest, Destination destination, RequestClaim claim,
                      String providerChatId, String providerThreadId) implements ConversationScoped {

    public static final String PROPERTY = "handoff";

    public static Handoff of(SwitchRequest switchRequest) {
        return new Handoff(switchRequest, null, RequestClaim.NONE, null, null);
    }

    @Override
    public String conversationId() {
        return switchRequest.conversationId();
    }

    public Handoff withDestination(Destination resolved) {
        return new Handoff(switchRequest, resolved, claim, providerChatId, providerThreadId);
    }

    public Handoff withClaim(RequestClaim requestClaim) {
        return new Handoff(switchRequest, destination, requestClaim, providerChatId, providerThreadId);
    }

    /** The provider opened (or resumed) the chat; a platform without threads gives no thread id. */
    public Handoff chatOpened(String chatId, String threadId) {
        return new Handoff(switchRequest, destination, claim, chatId, threadId);
    }
}
