package io.handoff.gateway.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The system clock plus an offset a test moves forward, so "later" (a token near its expiry, a lease run
 * out) needs no waiting. It keeps ticking, and it never goes back: what the gateway computed from it stays
 * consistent. {@code @Import(TestClock.Configuration.class)} puts it in place of GatewayBeans' clock.
 */
public final class TestClock extends Clock {

    private volatile long offsetMillis;

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the gateway works in UTC");
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetMillis;
    }

    /** Moves time forward for everything that reads the clock. */
    public synchronized void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time does not go back");
        }
        offsetMillis += by.toMillis();
    }

    /** The test clock as the application's Clock bean. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Configuration {

        @Bean
        @Primary
        TestClock testClock() {
            return new TestClock();
        }
    }
}
