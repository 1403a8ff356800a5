package io.handoff.gateway.conversation;

import java.time.Clock;
import java.time.Duration;

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

    static final Duration RETENTION = Duration.ofHours(48);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public ProcessedKeys(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** True the first time {@code key} is seen in {@code scope}. */
    public boolean firstTime(String scope, String key) {
        try {
            jdbc.update("insert into processed_key (scope, key_value, created_at) values (?, ?, ?)", scope, key, clock.millis());
            return true;
        } catch (DuplicateKeyException seen) {
            return false;
        }
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
    public void forgetOld() {
        jdbc.update("delete from processed_key where created_at < ?", clock.millis() - RETENTION.toMillis());
    }
}
