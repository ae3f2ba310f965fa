package io.github.geminibalance.keys;

import io.github.geminibalance.KeyState;
import io.github.geminibalance.spi.KeyEvent;
import io.github.geminibalance.util.LogText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of a key's health: how a call's {@link Verdict} and an operator's action change one key's
 * state, which change is logged, and which is worth telling other instances (the returned {@link KeyEvent},
 * null when nothing changed that they need to know). Also the pool-wide questions those rules answer:
 * when the earliest key recovers, whether any key is usable, which keys a re-check should test.
 *
 * <p>Not thread-safe: every method is called under the pool's lock, and none does I/O (the pool shares
 * the returned events after releasing the lock).
 */
final class KeyHealth {

    private static final Logger log = LoggerFactory.getLogger(KeyPool.class);

    // consecutive transient failures after which a key is skipped (read by the selector too)
    private volatile int maxFailures;

    KeyHealth(int maxFailures) {
        maxFailures(maxFailures);
    }

    int maxFailures() {
        return maxFailures;
    }

    void maxFailures(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1");
        }
        maxFailures = value;
    }

    /** What one call with the key says about it, for {@code model}. */
    KeyEvent judge(KeyEntry e, String model, Verdict verdict, Instant now) {
        KeyState before = e.state(now, maxFailures);
        KeyEvent event = null;
        switch (verdict.kind()) {
            case SUCCESS -> {
                // only a success that changes something is worth telling other instances about;
                // a cooldown stays: this call may have been sent before the 429 that set it
                if (e.failures > 0) {
                    event = new KeyEvent(e.key.id(), KeyEvent.Type.SUCCESS, null, null, 0, 200, null);
                }
                e.failures = 0;
            }
            case NEUTRAL -> { }
            case COOLDOWN, EXHAUSTED -> {
                // never shorten a rest that is already longer (and its kind with it: a per-minute 429
                // does not turn a daily exhaustion into a cooldown); share the rest now in force
                e.rest(model, verdict.until(), verdict.kind() == Verdict.Kind.EXHAUSTED);
                e.noteError(verdict, now);
                event = new KeyEvent(e.key.id(), e.exhausted.contains(model)
                        ? KeyEvent.Type.EXHAUSTED : KeyEvent.Type.COOLDOWN, model, e.resting.get(model), e.failures,
                        verdict.status(), verdict.reason());
            }
            case INVALID -> {
                if (e.state == KeyState.ACTIVE) {
                    e.state = KeyState.INVALID;
                }
                e.noteError(verdict, now);
                event = new KeyEvent(e.key.id(), KeyEvent.Type.INVALID, null, null, e.failures, verdict.status(),
                        verdict.reason());
            }
            case FAILURE -> {
                e.failures++;
                e.noteError(verdict, now);
                event = new KeyEvent(e.key.id(), KeyEvent.Type.FAILURE, null, null, e.failures, verdict.status(),
                        verdict.reason());
            }
        }
        KeyState after = e.state(now, maxFailures);
        if (after != before) {
            if (after == KeyState.COOLING || after == KeyState.EXHAUSTED) {
                log.warn("Key {} {} -> {} for model {} until {} ({} {})", e.key, before, after,
                        LogText.quote(model), verdict.until(), verdict.status(), verdict.reason());
            } else if (after == KeyState.ACTIVE) {
                log.info("Key {} {} -> ACTIVE", e.key, before);
            } else {
                log.warn("Key {} {} -> {} ({} {})", e.key, before, after, verdict.status(), verdict.reason());
            }
        }
        return event;
    }

    /** Back to ACTIVE with no failures and no rests; lifts a disable too. */
    KeyEvent reset(KeyEntry e, Instant now) {
        KeyState before = e.state(now, maxFailures);
        e.state = KeyState.ACTIVE;
        e.disabledUntil = null;
        e.failures = 0;
        e.resting.clear();
        e.exhausted.clear();
        if (before != KeyState.ACTIVE) {
            log.info("Key {} reset: {} -> ACTIVE", e.key, before);
        }
        return new KeyEvent(e.key.id(), KeyEvent.Type.RESET, null, null, 0, 0, null);
    }

    /** The key authenticates after all: lifts INVALID and the failure count, keeps rests and a disable. */
    KeyEvent clearInvalid(KeyEntry e, Instant now) {
        KeyState before = e.state(now, maxFailures);
        boolean changed = e.state == KeyState.INVALID || e.failures > 0;
        if (e.state == KeyState.INVALID) {
            e.state = KeyState.ACTIVE;
        }
        e.failures = 0;
        KeyState after = e.state(now, maxFailures);
        if (before != after) {
            log.info("Key {} re-checked: {} -> {}", e.key, before, after);
        }
        return changed ? new KeyEvent(e.key.id(), KeyEvent.Type.VALID, null, null, 0, 0, null) : null;
    }

    /** Out of rotation until {@code until}, or until enabled or reset when null. */
    KeyEvent disable(KeyEntry e, Instant until, Instant now) {
        if (e.baseState(now) != KeyState.DISABLED) {
            log.info("Key {} disabled by admin{}", e.key, until == null ? "" : " until " + until);
        }
        e.disable(until);
        return new KeyEvent(e.key.id(), KeyEvent.Type.DISABLED, null, until, 0, 0, "ADMIN");
    }

    /** Lifts an operator's disable (rests stay; an INVALID the disable replaced is forgotten). */
    KeyEvent enable(KeyEntry e, Instant now) {
        boolean changed = e.baseState(now) == KeyState.DISABLED;
        if (changed) {
            log.info("Key {} enabled by admin", e.key);
        }
        e.enable();
        return changed ? new KeyEvent(e.key.id(), KeyEvent.Type.ENABLED, null, null, 0, 0, "ADMIN") : null;
    }

    /** Applies a change another instance made (nothing is shared back). */
    void applyRemote(KeyEntry e, KeyEvent event, Instant now) {
        KeyState before = e.state(now, maxFailures);
        e.apply(event, now);
        KeyState after = e.state(now, maxFailures);
        if (before != after) {
            log.info("Key {} {} -> {} (shared state)", e.key, before, after);
        }
    }

    /**
     * When the earliest of {@code entries} becomes usable for a model; empty if none recovers by itself
     * (all invalid or disabled, or no key at all).
     */
    Optional<Duration> earliestRecovery(List<KeyEntry> entries, String model, Instant now) {
        Instant earliest = null;
        for (KeyEntry e : entries) {
            if (e.baseState(now) != KeyState.ACTIVE) {
                continue;
            }
            Instant at;
            Instant resting = e.restingUntil(model, now);
            if (resting != null) {
                at = resting;
            } else if (e.failures >= maxFailures) {
                Instant since = e.restingSince();
                at = since == null ? now : since.plus(KeyPool.PROBE_AFTER);
            } else {
                at = now;
            }
            if (earliest == null || at.isBefore(earliest)) {
                earliest = at;
            }
        }
        if (earliest == null) {
            return Optional.empty();
        }
        Duration d = Duration.between(now, earliest);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
    }

    /** Whether at least one of {@code entries} could serve some model now. */
    boolean anyUsable(List<KeyEntry> entries, Instant now) {
        for (KeyEntry e : entries) {
            if (e.baseState(now) == KeyState.ACTIVE && e.failures < maxFailures) {
                return true;
            }
        }
        return false;
    }

    /** The keys a re-validation should test: invalid ones and active ones with failures. */
    List<ApiKey> needingCheck(List<KeyEntry> entries, Instant now) {
        List<ApiKey> keys = new ArrayList<>();
        for (KeyEntry e : entries) {
            KeyState base = e.baseState(now);
            if (base == KeyState.INVALID || (base == KeyState.ACTIVE && e.failures > 0)) {
                keys.add(e.key);
            }
        }
        return keys;
    }
}
