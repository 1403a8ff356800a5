package io.handoff.gateway.conversation;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Read-only counts over the store, for operations (JMX, metrics). Each is one small aggregate query. */
@Repository
public class ConversationStatistics {

    /** The provider key of conversations that never had a handoff. */
    public static final String NO_PROVIDER = "none";

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public ConversationStatistics(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Conversations by state, then by provider; every state is present, with zero when empty. */
    public Map<ConversationState, Map<String, Long>> byStateAndProvider() {
        Map<ConversationState, Map<String, Long>> counts = new LinkedHashMap<>();
        for (ConversationState state : ConversationState.values()) {
            counts.put(state, new LinkedHashMap<>());
        }
        jdbc.query("select state, provider, count(*) as n from conversation group by state, provider", rs -> {
            String provider = rs.getString("provider");
            counts.get(ConversationState.valueOf(rs.getString("state")))
                    .merge(provider == null ? NO_PROVIDER : provider, rs.getLong("n"), Long::sum);
        });
        return counts;
    }

    /** Events stored but not yet delivered to the bot ({@code delivered_at} null). */
    public long pendingEvents() {
        return jdbc.queryForObject("select count(*) from conversation_event where delivered_at is null", Long.class);
    }

    /** How long the oldest undelivered event has waited; zero when none is pending. */
    public Duration oldestPendingAge() {
        Long oldest = jdbc.queryForObject("select min(created_at) from conversation_event where delivered_at is null",
                Long.class);
        return oldest == null ? Duration.ZERO : Duration.ofMillis(Math.max(0, clock.millis() - oldest));
    }
}
