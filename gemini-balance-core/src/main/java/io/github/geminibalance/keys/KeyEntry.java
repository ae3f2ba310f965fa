package io.github.geminibalance.keys;

import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.spi.KeyEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One key's health: its state, consecutive failures, per-model rests (cooldowns and exhausted daily
 * quotas), last error and requests in flight, plus its {@link KeyUsage}; and its side of the store
 * synchronisation (applying another instance's {@link KeyEvent}, describing itself as events). Not
 * thread-safe: the pool guards it with its lock.
 */
final class KeyEntry {
    final ApiKey key;
    KeyState state = KeyState.ACTIVE;
    int failures;
    int inFlight;
    final Map<String, Instant> resting = new HashMap<>();
    final Set<String> exhausted = new java.util.HashSet<>();
    int lastErrorStatus;
    String lastErrorReason;
    Instant lastErrorAt;
    Instant lastProbe;
    final KeyUsage usage = new KeyUsage(KeyPool.QUOTA_ZONE);

    KeyEntry(ApiKey key) {
        this.key = key;
    }

    boolean usable(String model, Instant now, int maxFailures) {
        return state == KeyState.ACTIVE && failures < maxFailures && restingUntil(model, now) == null;
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
        if (state != KeyState.ACTIVE) {
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

    KeyStatus status(Instant now, int maxFailures) {
        Map<String, Instant> active = new LinkedHashMap<>();
        resting.forEach((m, t) -> {
            if (t.isAfter(now)) {
                active.put(m, t);
            }
        });
        return new KeyStatus(key.id(), key.masked(), state(now, maxFailures), Map.copyOf(active), failures,
                inFlight, lastErrorStatus, lastErrorReason, lastErrorAt, usage.requests(now),
                usage.tokens(now));
    }

    /** Applies a change another instance made to this key (store synchronisation; nothing is published back). */
    void apply(KeyEvent event, Instant now) {
        switch (event.type()) {
            case COOLDOWN, EXHAUSTED -> {
                Instant current = resting.get(event.model());
                if (event.until().isAfter(now) && (current == null || event.until().isAfter(current))) {
                    resting.put(event.model(), event.until());
                    if (event.type() == KeyEvent.Type.EXHAUSTED) {
                        exhausted.add(event.model());
                    } else {
                        exhausted.remove(event.model());
                    }
                }
            }
            case INVALID -> {
                if (state == KeyState.ACTIVE) {
                    state = KeyState.INVALID;
                }
            }
            case DISABLED -> state = KeyState.DISABLED;
            case RESET -> {
                state = KeyState.ACTIVE;
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
        if (state == KeyState.INVALID) {
            events.add(new KeyEvent(id, KeyEvent.Type.INVALID, null, null, failures, lastErrorStatus,
                    lastErrorReason));
        } else if (state == KeyState.DISABLED) {
            events.add(new KeyEvent(id, KeyEvent.Type.DISABLED, null, null, 0, 0, "ADMIN"));
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
