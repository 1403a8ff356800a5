package io.handoff.gateway.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import io.handoff.gateway.support.MigratedDatabase;

/**
 * gateway-api.md §3: a {@code requestId} and a {@code messageId} are remembered for at least 24 h (here 48 h, the
 * clean-up hourly), and so are the platforms' webhook ids; then forgotten, so the tables do not grow for ever.
 */
class RetentionTest {

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        volatile Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovingClock clock = new MovingClock();
    JdbcTemplate jdbc;
    ProcessedKeys keys;
    HandoffRequests requests;

    @BeforeEach
    void database() {
        jdbc = MigratedDatabase.inMemory("retention");
        keys = new ProcessedKeys(jdbc, clock);
        requests = new HandoffRequests(jdbc, clock);
    }

    void later(Duration duration) {
        clock.now = clock.now.plus(duration);
        keys.forgetOld();
        requests.forgetOld();
    }

    @Test
    void messageIdsAndWebhookIdsAreKeptTwoDaysThenForgotten() {
        keys.remember(ClientQueue.MESSAGE_IDS + "c-1", "m-1", new ProcessedKeys.Answer(202, "{\"state\":\"OPERATOR\"}"));
        assertThat(keys.firstTime("livechat-event", "e-1")).isTrue();

        later(Duration.ofHours(47));
        assertThat(keys.answerOf(ClientQueue.MESSAGE_IDS + "c-1", "m-1")).contains(new ProcessedKeys.Answer(202, "{\"state\":\"OPERATOR\"}"));
        assertThat(keys.firstTime("livechat-event", "e-1")).isFalse();

        later(Duration.ofHours(2));
        assertThat(keys.answerOf(ClientQueue.MESSAGE_IDS + "c-1", "m-1")).isEmpty();
        assertThat(keys.firstTime("livechat-event", "e-1")).isTrue();
    }

    @Test
    void requestIdsAreKeptTwoDaysThenForgotten() {
        jdbc.update("insert into handoff_request (conversation_id, request_id, status, response, created_at) values (?, ?, ?, ?, ?)",
                "c-1", "r-1", 201, "{}", clock.millis());

        later(Duration.ofHours(47));
        assertThat(jdbc.queryForObject("select count(*) from handoff_request", Integer.class)).isEqualTo(1);

        later(Duration.ofHours(2));
        assertThat(jdbc.queryForObject("select count(*) from handoff_request", Integer.class)).isZero();
    }
}
