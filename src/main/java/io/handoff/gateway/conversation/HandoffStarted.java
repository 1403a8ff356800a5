package io.handoff.gateway.conversation;

import io.handoff.gateway.routing.Destination;

/** Published (a Spring application event) when a provider opened or resumed the chat of a handoff. */
public record HandoffStarted(String conversationId, Destination destination) {
}
