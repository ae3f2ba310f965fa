package io.github.geminibalance.server;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only replacement of {@link GeminiBalanceFactory#clock()}: with the property {@value #PROPERTY}
 * set, every part of the server (the key pool, the store, the admin API) reads the clock registered under
 * that id, which the test moves by hand. A clock survives a server: a restart test starts the next server
 * with the same one.
 */
@Factory
@Requires(property = TestClockFactory.PROPERTY)
final class TestClockFactory {

    static final String PROPERTY = "gemini-balance.test-clock";

    private static final Map<String, MovableClock> CLOCKS = new ConcurrentHashMap<>();

    /** Registers a clock and returns the value to give {@value #PROPERTY}. */
    static String register(MovableClock clock) {
        String id = UUID.randomUUID().toString();
        CLOCKS.put(id, Objects.requireNonNull(clock));
        return id;
    }

    @Singleton
    @Replaces(value = Clock.class, factory = GeminiBalanceFactory.class)
    Clock clock(@Property(name = PROPERTY) String id) {
        MovableClock clock = CLOCKS.get(id);
        if (clock == null) {
            throw new IllegalStateException("no test clock registered under " + id);
        }
        return clock;
    }

    /** A clock that moves only when the test moves it. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

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

        @Override
        public long millis() {
            return now.toEpochMilli();
        }
    }
}
