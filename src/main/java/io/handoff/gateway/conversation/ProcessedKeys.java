package io.handoff.gateway.conversation;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/**
 * Keys that must be acted on once: a client's {@code messageId}, a provider webhook's event id. The
 * primary key decides, so two instances (or a webhook and its retry racing) cannot both win.
 */
@Repository
public class ProcessedKeys {

    /** The first answer to a key's request: its HTTP status and JSON body (null when not kept). */
    public record Answer(int status, String body) {
    }

    static final Duration RETENTION = Duration.ofHours(48);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public ProcessedKeys(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** True the first time {@code key} is seen in {@code scope} (no answer kept: a webhook's event id). */
    public boolean firstTime(String scope, String key) {
        try {
            remember(scope, key, null);
            return true;
        } catch (DuplicateKeyException seen) {
            return false;
        }
    }

    /**
     * Remembers {@code key} in {@code scope} with the answer it gets (null: none kept); a key seen before is a
     * {@link DuplicateKeyException}, which (on PostgreSQL) also ends the caller's transaction.
     */
    public void remember(String scope, String key, Answer answer) {
        jdbc.update("insert into processed_key (scope, key_value, created_at, status, answer) values (?, ?, ?, ?, ?)",
                scope, key, clock.millis(), answer == null ? null : answer.status(), answer == null ? null : answer.body());
    }

    /** The answer {@code key} got the first time, if it was remembered with one. */
    public Optional<Answer> answerOf(String scope, String key) {
        return jdbc.query("select status, answer from processed_key where scope = ? and key_value = ? and status is not null",
                (rs, i) -> new Answer(rs.getInt(1), rs.getString(2)), scope, key).stream().findFirst();
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
    public void forgetOld() {
        jdbc.update("delete from processed_key where created_at < ?", clock.millis() - RETENTION.toMillis());
    }
}
