package io.handoff.gateway.delivery;

import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.handoff.gateway.conversation.ConversationStore;
import io.handoff.gateway.conversation.EventLog;
import io.handoff.gateway.api.PathParameters;
import io.handoff.gateway.api.ProblemException;

/**
 * {@code GET /api/v1/conversations/{id}/events?after=N&wait=S}: events with seq > N, oldest first, at
 * most 100; with {@code wait}, up to S seconds (at most 30) for the first one. Pulling is independent of
 * pushing: events stay pullable whether or not the callback got them.
 *
 * <p>The route {@code conversation-events} answers at once ({@code wait} absent or 0); a pull that may
 * wait is served by {@link LongPollEndpoint} without holding a thread. Both validate and read here.
 */
@Component("eventFeed")
public class EventFeed {

    static final int MAX_EVENTS = 100;
    static final int MAX_WAIT_SECONDS = 30;

    private final ConversationStore conversations;
    private final EventLog events;

    public EventFeed(ConversationStore conversations, EventLog events) {
        this.conversations = conversations;
        this.events = events;
    }

    /** The route's answer: what there is now. */
    public Map<String, Object> pull(Exchange exchange) {
        String id = PathParameters.conversationId(exchange);
        long after = after(exchange.getMessage().getHeader("after", String.class));
        waitSeconds(exchange.getMessage().getHeader("wait", String.class)); // validated alike on both paths
        requireKnown(id);
        return page(read(id, after));
    }

    public void requireKnown(String conversationId) {
        if (conversationId == null || conversations.find(conversationId).isEmpty()) {
            throw ProblemException.notFound("Conversation '" + conversationId + "' was never seen");
        }
    }

    /** Events with seq > after, oldest first, at most 100. */
    public List<Map<String, Object>> read(String conversationId, long after) {
        return events.after(conversationId, after, MAX_EVENTS);
    }

    public static Map<String, Object> page(List<Map<String, Object>> found) {
        return Map.of("events", found);
    }

    public static long after(String value) {
        return number(value, "after", 0, Long.MAX_VALUE);
    }

    public static long waitSeconds(String value) {
        return number(value, "wait", 0, MAX_WAIT_SECONDS);
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
