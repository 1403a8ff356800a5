package io.handoff.gateway.delivery;

import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.handoff.gateway.conversation.ConversationStore;
import io.handoff.gateway.conversation.EventLog;
import io.handoff.gateway.conversation.EventSignals;
import io.handoff.gateway.intake.PathParameters;
import io.handoff.gateway.intake.ProblemException;

/**
 * {@code GET /api/v1/conversations/{id}/events?after=N&wait=S}: events with seq > N, oldest first, at
 * most 100; with {@code wait}, the call waits up to S seconds (at most 30) for the first one. Pulling is
 * independent of pushing: events stay pullable whether or not the callback got them.
 */
@Component("eventFeed")
public class EventFeed {

    static final int MAX_EVENTS = 100;
    static final int MAX_WAIT_SECONDS = 30;
    /** Events stored by another instance are not signalled here: look again at least this often. */
    static final long RECHECK_MILLIS = 1_000;

    private final ConversationStore conversations;
    private final EventLog events;
    private final EventSignals signals;

    public EventFeed(ConversationStore conversations, EventLog events, EventSignals signals) {
        this.conversations = conversations;
        this.events = events;
        this.signals = signals;
    }

    public Map<String, Object> pull(Exchange exchange) throws InterruptedException {
        String id = PathParameters.conversationId(exchange);
        long after = number(exchange.getMessage().getHeader("after", String.class), "after", 0, Long.MAX_VALUE);
        long waitSeconds = number(exchange.getMessage().getHeader("wait", String.class), "wait", 0, MAX_WAIT_SECONDS);
        if (conversations.find(id).isEmpty()) {
            throw ProblemException.notFound("Conversation '" + id + "' was never seen");
        }
        long deadline = System.currentTimeMillis() + waitSeconds * 1000;
        List<Map<String, Object>> found = events.after(id, after, MAX_EVENTS);
        while (found.isEmpty() && System.currentTimeMillis() < deadline) {
            signals.await(id, Math.min(RECHECK_MILLIS, deadline - System.currentTimeMillis()));
            found = events.after(id, after, MAX_EVENTS);
        }
        return Map.of("events", found);
    }

    private static long number(String value, String name, long min, long max) {
        if (value == null || value.isBlank()) {
            return min;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ProblemException.invalidRequest(name + " must be a whole number from " + min + " to " + max, null);
    }
}
