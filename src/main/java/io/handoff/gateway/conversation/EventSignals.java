package io.handoff.gateway.conversation;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.springframework.stereotype.Component;

/**
 * Tells whoever waits for a conversation's events on this instance that one was stored: parked
 * long-polls and the push to the bot. Only a shortcut: both also look at the database on their own, so
 * events stored by another instance are found too, a little later.
 */
@Component
public class EventSignals {

    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /** Called after an event of {@code conversationId} was stored; listeners must return quickly and not throw. */
    public void stored(String conversationId) {
        listeners.forEach(listener -> listener.accept(conversationId));
    }

    public void onStored(Consumer<String> listener) {
        listeners.add(listener);
    }
}
