package io.github.geminibalance.keys;

import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One key's health: its state, consecutive failures, per-model rests (cooldowns and exhausted daily
 * quotas), last error and requests in flight, plus its {@link KeyUsage}. Not thread-safe: the pool guards
 * it with its lock.
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
}
