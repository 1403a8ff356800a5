package io.handoff.gateway.conversation;

import java.util.function.Consumer;

import org.springframework.stereotype.Component;

/**
 * Tells whoever waits for a conversation's events that one was stored: parked long-polls and the push
 * to the bot, on this instance and (on PostgreSQL) the others ({@link DatabaseNotifications}, channel
 * {@value #CHANNEL}). Only a shortcut: both also look at the database on their own.
 */
@Component
public class EventSignals {

    static final String CHANNEL = "handoff_events";

    private final DatabaseNotifications notifications;

    public EventSignals(DatabaseNotifications notifications) {
        this.notifications = notifications;
    }

    /** Called in the transaction that stores an event of {@code conversationId}: heard once it commits. */
    public void stored(String conversationId) {
        notifications.notify(CHANNEL, conversationId);
    }

    /** {@code listener} must return quickly and not throw. */
    public void onStored(Consumer<String> listener) {
        notifications.listen(CHANNEL, listener);
    }
}
