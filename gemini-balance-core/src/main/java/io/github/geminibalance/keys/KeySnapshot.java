package io.github.geminibalance.keys;

import io.github.geminibalance.store.KeyCounter;
import io.github.geminibalance.store.KeyMark;
import io.github.geminibalance.store.KeyRepository;
import io.github.geminibalance.store.StoredKey;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Keys as a store holds them, with what the pool must know to take them in: their marks still in force
 * and today's counters. Read at start-up (the whole pool) and when an operator adds or restores keys.
 *
 * @param keys the keys, in rotation order
 * @param marks the marks of those keys
 * @param counters the counters of those keys for the current quota day
 */
public record KeySnapshot(List<StoredKey> keys, List<KeyMark> marks, List<KeyCounter> counters) {

    /** Copies the lists. */
    public KeySnapshot {
        keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
        marks = List.copyOf(Objects.requireNonNull(marks, "marks"));
        counters = List.copyOf(Objects.requireNonNull(counters, "counters"));
    }

    /**
     * Keys without marks or counters (keys that were never used).
     *
     * @param keys the keys
     * @return the snapshot
     */
    public static KeySnapshot of(List<StoredKey> keys) {
        return new KeySnapshot(keys, List.of(), List.of());
    }

    /**
     * Reads the marks in force at {@code now} and the counters of the quota day of {@code now} of
     * {@code keys} from a repository (two queries, whatever the number of keys).
     *
     * @param repository where the marks and counters are
     * @param keys the keys to take in
     * @param now the time, which also picks the quota day ({@link KeyPool#QUOTA_ZONE})
     * @return the snapshot
     * @throws io.github.geminibalance.store.StoreException if the repository cannot be read
     */
    public static KeySnapshot read(KeyRepository repository, List<StoredKey> keys, Instant now) {
        if (keys.isEmpty()) {
            return of(keys);
        }
        Set<String> ids = new HashSet<>();
        keys.forEach(k -> ids.add(k.id()));
        List<KeyMark> marks = new ArrayList<>();
        for (KeyMark m : repository.marks(now)) {
            if (ids.contains(m.keyId())) {
                marks.add(m);
            }
        }
        List<KeyCounter> counters = new ArrayList<>();
        for (KeyCounter c : repository.counters(LocalDate.ofInstant(now, KeyPool.QUOTA_ZONE))) {
            if (ids.contains(c.keyId())) {
                counters.add(c);
            }
        }
        return new KeySnapshot(keys, marks, counters);
    }

    /** The pool's entries for these keys, as of {@code now}. */
    List<KeyEntry> entries(Instant now) {
        java.util.Map<String, KeyEntry> byId = new java.util.LinkedHashMap<>();
        for (StoredKey stored : keys) {
            KeyEntry e = new KeyEntry(new ApiKey(stored.value()), stored.addedAt(), stored.note());
            if (stored.disabledAt(now)) {
                e.disable(stored.disabledUntil());
            }
            byId.putIfAbsent(e.key.id(), e);
        }
        for (KeyMark m : marks) {
            KeyEntry e = byId.get(m.keyId());
            if (e != null) {
                e.restore(m, now);
            }
        }
        for (KeyCounter c : counters) {
            KeyEntry e = byId.get(c.keyId());
            if (e != null) {
                e.usage.restore(c.day(), c.requests(), c.tokens(), now);
            }
        }
        return new ArrayList<>(byId.values());
    }
}
