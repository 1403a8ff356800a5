package io.handoff.gateway.delivery;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The push bookkeeping on the event table: which conversations have an event due, the oldest
 * undelivered event of a conversation (events go out in seq order, so it blocks the ones after it),
 * and the outcome of each attempt.
 */
@Repository
public class PendingEvents {

    /** The oldest undelivered event of a conversation. */
    public record Pending(String conversationId, long seq, String body, int attempts, long nextAttemptAt) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public PendingEvents(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Conversations whose oldest undelivered event is due now. */
    public List<String> dueConversations(int limit) {
        return jdbc.queryForList("select e.conversation_id from conversation_event e where e.delivered_at is null "
                        + "and e.next_attempt_at <= ? and e.seq = (select min(x.seq) from conversation_event x "
                        + "where x.conversation_id = e.conversation_id and x.delivered_at is null) "
                        + "order by e.next_attempt_at limit ?",
                String.class, clock.millis(), limit);
    }

    public Optional<Pending> head(String conversationId) {
        return jdbc.query("select conversation_id, seq, body, attempts, next_attempt_at from conversation_event "
                        + "where conversation_id = ? and delivered_at is null order by seq limit 1",
                (rs, i) -> new Pending(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getLong(5)),
                conversationId).stream().findFirst();
    }

    /**
     * Takes the event for one attempt, so another instance does not push it at the same time: the
     * attempt owns it until {@code leaseMillis} from now.
     */
    public boolean claim(Pending event, long leaseMillis) {
        return jdbc.update("update conversation_event set next_attempt_at = ? where conversation_id = ? and seq = ? "
                        + "and delivered_at is null and next_attempt_at = ?",
                clock.millis() + leaseMillis, event.conversationId(), event.seq(), event.nextAttemptAt()) == 1;
    }

    public void delivered(Pending event) {
        jdbc.update("update conversation_event set delivered_at = ?, attempts = attempts + 1 where conversation_id = ? and seq = ?",
                clock.millis(), event.conversationId(), event.seq());
    }

    public void retryLater(Pending event, long delayMillis) {
        jdbc.update("update conversation_event set attempts = attempts + 1, next_attempt_at = ? where conversation_id = ? and seq = ?",
                clock.millis() + delayMillis, event.conversationId(), event.seq());
    }

    /** Makes every waiting event due now (an operator's "retry now"). */
    public int makeAllDue() {
        return jdbc.update("update conversation_event set next_attempt_at = ? where delivered_at is null", clock.millis());
    }
}
