package io.handoff.gateway.conversation;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.springframework.stereotype.Component;

/**
 * Wakes whoever waits for a conversation's events on this instance: long-polling pulls and the push to
 * the bot. Only a shortcut: both also look at the database on their own, so events stored by another
 * instance are found too, a little later.
 */
@Component
public class EventSignals {

    /** Waiters share a fixed set of monitors (bounded memory); a waiter woken for a neighbour just looks again. */
    private final Object[] monitors = new Object[64];
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    public EventSignals() {
        for (int i = 0; i < monitors.length; i++) {
            monitors[i] = new Object();
        }
    }

    /** Called after an event of {@code conversationId} was stored. */
    public void stored(String conversationId) {
        Object monitor = monitorOf(conversationId);
        synchronized (monitor) {
            monitor.notifyAll();
        }
        listeners.forEach(listener -> listener.accept(conversationId));
    }

    /** Waits up to {@code millis} for an event of the conversation (or a neighbour) to be stored. */
    public void await(String conversationId, long millis) throws InterruptedException {
        if (millis <= 0) {
            return;
        }
        Object monitor = monitorOf(conversationId);
        synchronized (monitor) {
            monitor.wait(millis);
        }
    }

    private Object monitorOf(String conversationId) {
        return monitors[Math.floorMod(conversationId.hashCode(), monitors.length)];
    }

    public void onStored(Consumer<String> listener) {
        listeners.add(listener);
    }
}
