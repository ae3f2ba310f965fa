package io.github.geminibalance.keys;

import io.github.geminibalance.KeyState;
import io.github.geminibalance.config.KeySelection;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Picks the key for the next attempt: round robin or least busy over the usable keys, from a rotation
 * position shared with other instances through the store; when no key is usable, the failing key that has
 * rested longest, as a probe. The keys are passed to each call (the pool's list changes as keys are added
 * and removed; the position is taken modulo its size). Not thread-safe: the pool guards it with its lock.
 */
final class KeySelector {

    private KeySelection selection; // changed at run time, under the pool's lock
    private final KeyHealth health;
    private int cursor;

    /**
     * What was picked.
     *
     * @param entry the key
     * @param steps how far the rotation moved (skipped keys included), 0 for a probe
     * @param probe whether it is a failing key tried because nothing else is usable
     */
    record Choice(KeyEntry entry, int steps, boolean probe) {}

    KeySelector(KeySelection selection, KeyHealth health) {
        this.selection = selection;
        this.health = health;
    }

    /** Takes a new selection strategy; the rotation position stays (the pool calls this under its lock). */
    void selection(KeySelection selection) {
        this.selection = selection;
    }

    /** The key for an attempt on {@code model}, or null when no key, not even a probe, is available. */
    Choice choose(List<KeyEntry> entries, String model, Set<ApiKey> exclude, Instant now) {
        int n = entries.size();
        if (n == 0) {
            return null;
        }
        cursor = cursor % n; // keys were removed since the last call
        int maxFailures = health.maxFailures();
        KeyEntry chosen = null;
        int chosenOffset = -1;
        for (int i = 0; i < n; i++) {
            KeyEntry e = entries.get((cursor + i) % n);
            if (exclude.contains(e.key) || !e.usable(model, now, maxFailures)) {
                continue;
            }
            if (selection == KeySelection.ROUND_ROBIN) {
                chosen = e;
                chosenOffset = i;
                break;
            }
            if (chosen == null || e.inFlight < chosen.inFlight) {
                chosen = e;
                chosenOffset = i;
            }
        }
        if (chosen == null) {
            KeyEntry probe = probeCandidate(entries, model, now, exclude);
            if (probe == null) {
                return null;
            }
            probe.lastProbe = now;
            return new Choice(probe, 0, true); // a probe does not move the rotation
        }
        cursor = (cursor + chosenOffset + 1) % n;
        return new Choice(chosen, chosenOffset + 1, false);
    }

    /** Follows the shared rotation position, for a pool of {@code size} keys. */
    void applyRotation(long position, int size) {
        cursor = size == 0 ? 0 : (int) Math.floorMod(position, (long) size);
    }

    // Only when nothing else is usable: the failing key whose last failure (or probe) is oldest,
    // once it has rested PROBE_AFTER.
    private KeyEntry probeCandidate(List<KeyEntry> entries, String model, Instant now, Set<ApiKey> exclude) {
        int maxFailures = health.maxFailures();
        KeyEntry best = null;
        Instant bestSince = null;
        for (KeyEntry e : entries) {
            if (exclude.contains(e.key) || e.baseState(now) != KeyState.ACTIVE || e.failures < maxFailures
                    || e.restingUntil(model, now) != null) {
                continue;
            }
            Instant since = e.restingSince();
            if (since != null && since.plus(KeyPool.PROBE_AFTER).isAfter(now)) {
                continue;
            }
            if (best == null || (since != null && (bestSince == null || since.isBefore(bestSince)))) {
                best = e;
                bestSince = since;
            }
        }
        return best;
    }
}
