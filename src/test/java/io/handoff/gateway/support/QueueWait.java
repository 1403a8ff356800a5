package io.handoff.gateway.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.handoff.gateway.conversation.ClientQueue;

/** Waits for the observable fact "the client-message queue is done with the conversation" (delivered or given up). */
public final class QueueWait {

    private QueueWait() {
    }

    public static void awaitDelivered(ClientQueue queue, String conversationId) {
        await().atMost(Duration.ofSeconds(15)).until(() -> queue.heads(conversationId, 1).isEmpty());
    }
}
