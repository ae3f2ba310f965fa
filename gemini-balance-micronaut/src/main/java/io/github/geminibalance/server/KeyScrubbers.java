package io.github.geminibalance.server;

import java.util.List;
import java.util.function.Supplier;

/**
 * The {@link KeyScrubber} for the pool's keys as they are now. Keys are added and removed at run time;
 * the core hands out the same list of keys until they change ({@code GeminiBalance.keyValues()}), so a
 * new scrubber is built only then, and a request costs one identity comparison. A stream keeps the
 * scrubber it started with. Thread-safe.
 */
final class KeyScrubbers implements Supplier<KeyScrubber> {

    private final Supplier<List<String>> keys;
    private volatile Current current;

    /** The scrubber built for one list of keys. */
    private record Current(List<String> keys, KeyScrubber scrubber) {}

    /** Scrubbers for the keys {@code keys} supplies (the same list instance while they do not change). */
    KeyScrubbers(Supplier<List<String>> keys) {
        this.keys = keys;
    }

    /** The scrubber for the current keys. */
    @Override
    public KeyScrubber get() {
        List<String> now = keys.get();
        Current c = current;
        if (c == null || c.keys() != now) {
            // two threads may both build one after a change: harmless, both are right
            c = new Current(now, new KeyScrubber(now));
            current = c;
        }
        return c.scrubber();
    }
}
