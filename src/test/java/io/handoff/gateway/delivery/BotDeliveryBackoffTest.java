package io.handoff.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The callback push's schedule: initial-backoff after the first failure, doubled after each, capped at max-backoff. */
class BotDeliveryBackoffTest {

    static long[] schedule(Duration initial, Duration max, int attempts) {
        return IntStream.rangeClosed(1, attempts).mapToLong(n -> BotDelivery.backoff(initial, max, n)).toArray();
    }

    @Test
    void theDefaultsDoubleFromOneSecondUpToFiveMinutes() {
        assertThat(schedule(Duration.ofSeconds(1), Duration.ofMinutes(5), 11)).containsExactly(
                1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000);
    }

    @Test
    void theCapIsReachedExactlyAndNeverPassed() {
        assertThat(schedule(Duration.ofMillis(100), Duration.ofMillis(400), 5)).containsExactly(100, 200, 400, 400, 400);
        assertThat(schedule(Duration.ofMillis(100), Duration.ofMillis(350), 4)).containsExactly(100, 200, 350, 350);
    }

    @Test
    void aMaxBelowTheInitialBackoffWins() {
        assertThat(schedule(Duration.ofSeconds(10), Duration.ofSeconds(3), 3)).containsExactly(3_000, 3_000, 3_000);
    }

    @Test
    void aLongOutageDoesNotOverflow() {
        assertThat(BotDelivery.backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 31)).isEqualTo(300_000);
        assertThat(BotDelivery.backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 10_000)).isEqualTo(300_000);
        assertThat(BotDelivery.backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), Integer.MAX_VALUE)).isEqualTo(300_000);
        // with no cap in sight the exponent stops at 2^30 rather than overflowing a long
        assertThat(BotDelivery.backoff(Duration.ofMillis(1), Duration.ofDays(365), 100)).isEqualTo(1L << 30);
    }
}
