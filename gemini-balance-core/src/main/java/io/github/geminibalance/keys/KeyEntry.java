package io.github.geminibalance.keys;

import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.spi.KeyEvent;
import io.github.geminibalance.store.KeyMark;
import io.github.geminibalance.store.MarkKind;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One key's health: its state, consecutive failures, per-model rests (cooldowns and exhausted daily
 * quotas), last error and requests in flight, plus its {@link KeyUsage}, its operator metadata (when it
 * was added, a note, the end of a timed disable); and its side of the store synchronisation (applying
 * another instance's {@link KeyEvent} or a durable {@link KeyMark}, describing itself as events). Not
 * thread-safe: the pool guards it with its lock.
 */
final class KeyEntry {
    final ApiKey key;
    final Instant addedAt;
    String note;
    KeyState state = KeyState.ACTIVE;
    // while DISABLED: when the key comes back by itself, or null for never
    Instant disabledUntil;
    int failures;
    int inFlight;
    final Map<String, Instant> resting = new HashMap<>();
    final Set<String> exhausted = new HashSet<>();
    int lastErrorStatus;
    String lastErrorReason;
    Instant lastErrorAt;
    Instant lastProbe;
    // taken out of the pool: leases still out complete without effect
    boolean removed;
    final KeyUsage usage = new KeyUsage(KeyPool.QUOTA_ZONE);

    KeyEntry(ApiKey key, Instant addedAt, String note) {
        this.key = key;
        this.addedAt = addedAt;
        this.note = note;
    }

    /**
     * The key-wide state as set ({@code ACTIVE}, {@code INVALID} or {@code DISABLED}), after lifting a
     * timed disable whose end has come.
     */
    KeyState baseState(Instant now) {
        if (state == KeyState.DISABLED && disabledUntil != null && !now.isBefore(disabledUntil)) {
            state = KeyState.ACTIVE;
            disabledUntil = null;
        }
        return state;
    }

    boolean usable(String model, Instant now, int maxFailures) {
        return baseState(now) == KeyState.ACTIVE && failures < maxFailures && restingUntil(model, now) == null;
    }

    Instant restingUntil(String model, Instant now) {
        Instant until = resting.get(model);
        if (until == null) {
            return null;
        }
        if (!until.isAfter(now)) {
            resting.remove(model);
            exhausted.remove(model);
            return null;
        }
        return until;
    }

    KeyState state(Instant now, int maxFailures) {
        if (baseState(now) != KeyState.ACTIVE) {
            return state;
        }
        if (failures >= maxFailures) {
            return KeyState.FAILING;
        }
        boolean anyExhausted = false;
        boolean anyCooling = false;
        for (Map.Entry<String, Instant> r : resting.entrySet()) {
            if (r.getValue().isAfter(now)) {
                if (exhausted.contains(r.getKey())) {
                    anyExhausted = true;
                } else {
                    anyCooling = true;
                }
            }
        }
        return anyExhausted ? KeyState.EXHAUSTED : anyCooling ? KeyState.COOLING : KeyState.ACTIVE;
    }

    /** The later of the last error and the last probe: a failing key rests from then. */
    Instant restingSince() {
        if (lastProbe != null && (lastErrorAt == null || lastProbe.isAfter(lastErrorAt))) {
            return lastProbe;
        }
        return lastErrorAt;
    }

    void noteError(Verdict v, Instant now) {
        lastErrorStatus = v.status();
        lastErrorReason = v.reason();
        lastErrorAt = now;
    }

    /** Rests the key for a model until {@code until}, unless it already rests longer (its kind with it). */
    boolean rest(String model, Instant until, boolean exhaustion) {
        Instant current = resting.get(model);
        if (current != null && !until.isAfter(current)) {
            return false;
        }
        resting.put(model, until);
        if (exhaustion) {
            exhausted.add(model);
        } else {
            exhausted.remove(model);
        }
        return true;
    }

    void disable(Instant until) {
        state = KeyState.DISABLED;
        disabledUntil = until;
    }

    /** Lifts DISABLED (and INVALID, which DISABLED replaced); cooldowns stay. */
    void enable() {
        if (state == KeyState.DISABLED) {
            state = KeyState.ACTIVE;
        }
        disabledUntil = null;
    }

    KeyStatus status(Instant now, int maxFailures) {
        Map<String, Instant> active = new LinkedHashMap<>();
        resting.forEach((m, t) -> {
            if (t.isAfter(now)) {
                active.put(m, t);
            }
        });
        KeyState current = state(now, maxFailures);
        return new KeyStatus(key.id(), key.masked(), current, Map.copyOf(active), failures,
                inFlight, lastErrorStatus, lastErrorReason, lastErrorAt, usage.requests(now),
                usage.tokens(now), addedAt, note, current == KeyState.DISABLED ? disabledUntil : null);
    }

    /** Applies a durable mark read back from the store (a restart, a restored key). */
    void restore(KeyMark mark, Instant now) {
        if (!mark.activeAt(now)) {
            return;
        }
        if (mark.kind() == MarkKind.INVALID) {
            if (state == KeyState.ACTIVE) {
                state = KeyState.INVALID;
            }
            lastErrorReason = mark.reason();
            lastErrorAt = mark.markedAt();
        } else {
            rest(mark.model(), mark.until(), mark.kind() == MarkKind.EXHAUSTED);
        }
    }

    /** Applies a change another instance made to this key (store synchronisation; nothing is published back). */
    void apply(KeyEvent event, Instant now) {
        switch (event.type()) {
            case COOLDOWN, EXHAUSTED -> {
                if (event.until().isAfter(now)) {
                    rest(event.model(), event.until(), event.type() == KeyEvent.Type.EXHAUSTED);
                }
            }
            case INVALID -> {
                if (state == KeyState.ACTIVE) {
                    state = KeyState.INVALID;
                }
            }
            case DISABLED -> {
                if (event.until() == null || event.until().isAfter(now)) {
                    disable(event.until());
                }
            }
            case ENABLED -> enable();
            case RESET -> {
                state = KeyState.ACTIVE;
                disabledUntil = null;
                failures = 0;
                resting.clear();
                exhausted.clear();
            }
            case VALID -> {
                if (state == KeyState.INVALID) {
                    state = KeyState.ACTIVE;
                }
                failures = 0;
            }
            case FAILURE -> failures = Math.max(failures, event.failures());
            case SUCCESS -> {
                failures = 0;
                if (event.model() != null) {
                    resting.remove(event.model());
                }
            }
        }
        if (event.status() != 0 && event.type() != KeyEvent.Type.SUCCESS && event.type() != KeyEvent.Type.RESET) {
            lastErrorStatus = event.status();
            lastErrorReason = event.reason();
            lastErrorAt = now;
        }
    }

    /** What this key's state still in force says, as events, for a store to share again. */
    void addEvents(List<KeyEvent> events, Instant now) {
        String id = key.id();
        KeyState base = baseState(now);
        if (base == KeyState.INVALID) {
            events.add(new KeyEvent(id, KeyEvent.Type.INVALID, null, null, failures, lastErrorStatus,
                    lastErrorReason));
        } else if (base == KeyState.DISABLED) {
            events.add(new KeyEvent(id, KeyEvent.Type.DISABLED, null, disabledUntil, 0, 0, "ADMIN"));
        }
        if (failures > 0) {
            events.add(new KeyEvent(id, KeyEvent.Type.FAILURE, null, null, failures, lastErrorStatus,
                    lastErrorReason));
        }
        resting.forEach((model, until) -> {
            if (until.isAfter(now)) {
                events.add(new KeyEvent(id, exhausted.contains(model) ? KeyEvent.Type.EXHAUSTED
                        : KeyEvent.Type.COOLDOWN, model, until, failures, lastErrorStatus, lastErrorReason));
            }
        });
    }
}
