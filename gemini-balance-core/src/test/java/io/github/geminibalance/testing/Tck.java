package io.github.geminibalance.testing;

import org.reactivestreams.tck.TestEnvironment;

/**
 * Settings shared by the Reactive Streams TCK tests ({@code *TckTest}): short timeouts, so that the
 * whole TCK adds seconds, not minutes, to the build. They run on the JUnit Platform through the TestNG
 * engine, so {@code mvn verify} runs them with everything else.
 */
public final class Tck {

    /** How long the TCK waits for an expected signal. */
    public static final long TIMEOUT_MILLIS = 300;
    /** How long it watches for a signal that must not come. */
    public static final long NO_SIGNALS_MILLIS = 100;
    /** How long a cancelled publisher may keep its subscriber reachable (rule 3.13). */
    public static final long GC_TIMEOUT_MILLIS = 300;

    private Tck() {}

    /** A fresh TCK environment with the timeouts above. */
    public static TestEnvironment environment() {
        return new TestEnvironment(TIMEOUT_MILLIS, NO_SIGNALS_MILLIS);
    }
}
