package io.github.geminibalance.server;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test-only: with the property {@value #PROPERTY} set, the {@link AccessLog} runs on {@link #NOW}, a clock
 * that moves only when a test moves it, so the 401 cap can be tested without timing.
 */
@Factory
@Requires(property = FrozenAccessClockFactory.PROPERTY)
final class FrozenAccessClockFactory {

    static final String PROPERTY = "gemini-balance.test-frozen-access-clock";
    /** The access log's time, in nanoseconds. */
    static final AtomicLong NOW = new AtomicLong(1_000_000_000L);

    @Singleton
    @Replaces(AccessLog.class)
    AccessLog accessLog(ServerSettings settings) {
        return new AccessLog(settings, NOW::get, AccessLog.UNAUTHORIZED_PER_SECOND);
    }
}
