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
     * Takes the event for one attempt, so no other instance pushes it at the same time: {@code owner} holds
     * it until {@code leaseMillis} from now (its {@code next_attempt_at}), then anyone may take it over. The
     * update is conditional on the schedule this instance read, so of two instances exactly one wins.
     * Returns the lease's end, or empty when another instance won.
     */
    public Optional<Long> claim(Pending event, long leaseMillis, String owner) {
        long until = clock.millis() + leaseMillis;
        boolean won = jdbc.update("update conversation_event set next_attempt_at = ?, lease_owner = ? "
                        + "where conversation_id = ? and seq = ? and delivered_at is null and next_attempt_at = ?",
                until, owner, event.conversationId(), event.seq(), event.nextAttemptAt()) == 1;
        return won ? Optional.of(until) : Optional.empty();
    }

    public void delivered(Pending event) {
        // whoever got the 2xx settles it, even one whose lease ran out meanwhile: the event was delivered
        jdbc.update("update conversation_event set delivered_at = ?, attempts = attempts + 1, lease_owner = null "
                        + "where conversation_id = ? and seq = ?",
                clock.millis(), event.conversationId(), event.seq());
    }

    /** Schedules the next attempt, unless the lease {@code (owner, leaseUntil)} was taken over meanwhile. */
    public void retryLater(Pending event, long delayMillis, String owner, long leaseUntil) {
        jdbc.update("update conversation_event set attempts = attempts + 1, next_attempt_at = ?, lease_owner = null "
                        + "where conversation_id = ? and seq = ? and lease_owner = ? and next_attempt_at = ?",
                clock.millis() + delayMillis, event.conversationId(), event.seq(), owner, leaseUntil);
    }

    /** Makes every waiting event due now (an operator's "retry now"), but none an instance is pushing under its lease. */
    public int makeAllDue() {
        long now = clock.millis();
        return jdbc.update("update conversation_event set next_attempt_at = ? where delivered_at is null "
                + "and (lease_owner is null or next_attempt_at < ?)", now, now);
    }
}
