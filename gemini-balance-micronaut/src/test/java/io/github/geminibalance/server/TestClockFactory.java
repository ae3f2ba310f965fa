package io.github.geminibalance.server;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Test-only: with the property {@value #PROPERTY} set, the server's {@link Clock} (records, retention,
 * cooldowns) is {@link #CLOCK}, which moves only when a test moves it.
 */
@Factory
@Requires(property = TestClockFactory.PROPERTY)
final class TestClockFactory {

    static final String PROPERTY = "gemini-balance.test-clock";
    /** The server's time. */
    static final MovableClock CLOCK = new MovableClock(Instant.parse("2026-05-01T12:00:00Z"));

    @Singleton
    @Replaces(value = Clock.class, factory = GeminiBalanceFactory.class)
    Clock clock() {
        return CLOCK;
    }

    /** A UTC clock a test sets or moves. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void set(Instant to) {
            now = to;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
