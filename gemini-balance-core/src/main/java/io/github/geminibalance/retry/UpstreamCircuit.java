package io.github.geminibalance.retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells, per model, whether Gemini itself is failing: after {@code threshold} consecutive transient
 * failures (5xx, timeouts, broken connections, empty answers) on at least two distinct keys with no
 * success in between, the model's circuit is <em>open</em>.
 *
 * <p>An open circuit never fails a request fast: every request still makes its first attempt, which
 * doubles as a probe, and the first success for the model closes the circuit. What it changes is the
 * retry loop's reaction to a transient failure: it is charged to no key and the request is not retried
 * on another key, so an outage neither rests the whole pool nor multiplies the load on Gemini by
 * {@code MAX_RETRIES}. A request whose body makes Gemini fail looks exactly like an outage to this
 * class; that is harmless, because the next normal request succeeds and closes the circuit.
 *
 * <p>A circuit also closes by itself when no transient failure was seen for {@code quietPeriod}
 * (nobody asked, or nothing failed): stale knowledge must not keep retries off. Thread-safe; the clock
 * is injected. Only models that saw a transient failure since their last success are tracked, and at
 * most {@value #MAX_MODELS} of them (model names come from clients).
 */
public final class UpstreamCircuit {

    /** Consecutive transient failures that open a circuit, by default. */
    public static final int DEFAULT_THRESHOLD = 5;

    /** How long an open circuit stays open without a new transient failure, by default. */
    public static final Duration DEFAULT_QUIET_PERIOD = Duration.ofSeconds(30);

    static final int MAX_MODELS = 1_000;

    private final int threshold;
    private final Duration quietPeriod;
    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** A circuit with the default threshold and quiet period. */
    public UpstreamCircuit(Clock clock) {
        this(DEFAULT_THRESHOLD, DEFAULT_QUIET_PERIOD, clock);
    }

    /**
     * Creates a circuit.
     *
     * @param threshold consecutive transient failures (on two keys or more) that open it
     * @param quietPeriod how long without a transient failure closes it again
     * @param clock the time source
     */
    public UpstreamCircuit(int threshold, Duration quietPeriod, Clock clock) {
        if (threshold < 2) {
            throw new IllegalArgumentException("threshold must be at least 2");
        }
        if (quietPeriod.isNegative() || quietPeriod.isZero()) {
            throw new IllegalArgumentException("quietPeriod must be positive");
        }
        this.threshold = threshold;
        this.quietPeriod = quietPeriod;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Counts a transient failure for a model on a key.
     *
     * @param keyId the stable id of the key that saw it
     * @return true when this failure opened the circuit
     */
    public boolean onTransientFailure(String model, String keyId) {
        Instant now = clock.instant();
        State s = states.get(model);
        if (s == null) {
            if (states.size() >= MAX_MODELS) {
                purgeQuiet(now);
                if (states.size() >= MAX_MODELS) {
                    return false; // too many models failing at once: stop tracking new ones
                }
            }
            s = states.computeIfAbsent(model, m -> new State());
        }
        synchronized (s) {
            boolean wasOpen = s.isOpen(now);
            if (s.lastFailure != null && !s.lastFailure.plus(quietPeriod).isAfter(now)) {
                s.clear(); // an old streak does not add to a new one
            }
            s.failures++;
            s.keys.add(keyId);
            s.lastFailure = now;
            if (!s.open && s.failures >= threshold && s.keys.size() >= 2) {
                s.open = true;
                s.openedAt = now;
            }
            return s.open && !wasOpen;
        }
    }

    /**
     * A call for the model succeeded: its circuit closes and the streak ends.
     *
     * @return true when this success closed an open circuit
     */
    public boolean onSuccess(String model) {
        State s = states.remove(model); // a plain map read when nothing failed: this runs on every success
        if (s == null) {
            return false;
        }
        synchronized (s) {
            return s.isOpen(clock.instant());
        }
    }

    /** Whether the model's circuit is open now. */
    public boolean isOpen(String model) {
        State s = states.get(model);
        if (s == null) {
            return false;
        }
        synchronized (s) {
            return s.isOpen(clock.instant());
        }
    }

    /** The models whose circuit is open now, with when it opened (for health and metrics). */
    public Map<String, Instant> openModels() {
        Instant now = clock.instant();
        Map<String, Instant> open = new java.util.TreeMap<>();
        for (Map.Entry<String, State> e : states.entrySet()) {
            State s = e.getValue();
            synchronized (s) {
                if (s.isOpen(now)) {
                    open.put(e.getKey(), s.openedAt);
                }
            }
        }
        return open;
    }

    private void purgeQuiet(Instant now) {
        List<String> quiet = new ArrayList<>();
        states.forEach((model, s) -> {
            synchronized (s) {
                if (s.lastFailure == null || !s.lastFailure.plus(quietPeriod).isAfter(now)) {
                    quiet.add(model);
                }
            }
        });
        quiet.forEach(states::remove);
    }

    /** One model's streak, guarded by its own lock. */
    private final class State {
        int failures;
        final Set<String> keys = new HashSet<>();
        Instant lastFailure;
        boolean open;
        Instant openedAt;

        boolean isOpen(Instant now) {
            return open && lastFailure.plus(quietPeriod).isAfter(now);
        }

        void clear() {
            failures = 0;
            keys.clear();
            open = false;
            openedAt = null;
        }
    }
}
