package io.github.geminibalance.store;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A {@link KeyRepository} in memory: what a restart forgets. Counters are kept for the last
 * {@value #COUNTER_DAYS} days only. Thread-safe.
 */
public final class InMemoryKeyRepository implements KeyRepository {

    /** How many quota days of counters are kept. */
    public static final int COUNTER_DAYS = 7;

    private final Clock clock;
    private final Map<String, StoredKey> keys = new LinkedHashMap<>();
    private final Map<String, KeyMark> marks = new LinkedHashMap<>();
    private final Map<LocalDate, Map<String, long[]>> counters = new LinkedHashMap<>();

    /** A repository that stamps times from {@code clock}. */
    public InMemoryKeyRepository(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized SeedResult seed(List<String> apiKeys) {
        List<String> added = new ArrayList<>();
        List<String> keptDeleted = new ArrayList<>();
        Set<String> order = new LinkedHashSet<>();
        for (String raw : apiKeys) {
            if (raw == null || raw.isBlank()) {
                continue;
            }
            StoredKey fresh = StoredKey.of(raw.strip(), clock.instant(), null);
            StoredKey stored = keys.get(fresh.id());
            if (stored == null) {
                keys.put(fresh.id(), fresh);
                added.add(fresh.id());
                order.add(fresh.id());
            } else if (stored.deleted()) {
                if (!keptDeleted.contains(stored.id())) {
                    keptDeleted.add(stored.id());
                }
            } else {
                order.add(stored.id());
            }
        }
        order.addAll(keys.keySet());
        List<StoredKey> usable = new ArrayList<>();
        for (String id : order) {
            StoredKey key = keys.get(id);
            if (!key.deleted()) {
                usable.add(key);
            }
        }
        return new SeedResult(added, keptDeleted, usable);
    }

    @Override
    public synchronized StoredKey add(String value, String note) {
        StoredKey fresh = StoredKey.of(value.strip(), clock.instant(), note);
        StoredKey stored = keys.get(fresh.id());
        if (stored == null) {
            keys.put(fresh.id(), fresh);
            return fresh;
        }
        StoredKey updated = new StoredKey(stored.id(), stored.value(), stored.masked(), stored.addedAt(),
                note != null ? note : stored.note(), false, null, stored.disabled(), stored.disabledUntil());
        keys.put(updated.id(), updated);
        return updated;
    }

    @Override
    public synchronized List<StoredKey> list() {
        return keys.values().stream().filter(k -> !k.deleted()).toList();
    }

    @Override
    public synchronized List<StoredKey> deleted() {
        return keys.values().stream().filter(StoredKey::deleted)
                .sorted(Comparator.comparing(StoredKey::deletedAt).reversed()).toList();
    }

    @Override
    public synchronized Optional<StoredKey> find(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    @Override
    public boolean delete(String id) {
        Instant now = clock.instant();
        return update(id, k -> k.deleted() ? k : new StoredKey(k.id(), k.value(), k.masked(), k.addedAt(), k.note(),
                true, now, k.disabled(), k.disabledUntil()));
    }

    @Override
    public synchronized boolean restore(String id) {
        StoredKey key = keys.get(id);
        return key != null && key.deleted() && update(id, k -> new StoredKey(k.id(), k.value(), k.masked(),
                k.addedAt(), k.note(), false, null, k.disabled(), k.disabledUntil()));
    }

    @Override
    public boolean disable(String id, Instant until) {
        return update(id, k -> new StoredKey(k.id(), k.value(), k.masked(), k.addedAt(), k.note(), k.deleted(),
                k.deletedAt(), true, until));
    }

    @Override
    public boolean enable(String id) {
        return update(id, k -> new StoredKey(k.id(), k.value(), k.masked(), k.addedAt(), k.note(), k.deleted(),
                k.deletedAt(), false, null));
    }

    @Override
    public boolean note(String id, String note) {
        return update(id, k -> new StoredKey(k.id(), k.value(), k.masked(), k.addedAt(), note, k.deleted(),
                k.deletedAt(), k.disabled(), k.disabledUntil()));
    }

    private synchronized boolean update(String id, UnaryOperator<StoredKey> change) {
        StoredKey key = keys.get(id);
        if (key == null) {
            return false;
        }
        keys.put(id, change.apply(key));
        return true;
    }

    @Override
    public synchronized void mark(KeyMark mark) {
        marks.put(markId(mark.keyId(), mark.kind(), mark.model()), mark);
    }

    @Override
    public synchronized void clearMark(String keyId, MarkKind kind, String model) {
        marks.remove(markId(keyId, kind, model == null ? KeyMark.ALL_MODELS : model));
    }

    @Override
    public synchronized void clearMarks(String keyId) {
        marks.values().removeIf(m -> m.keyId().equals(keyId));
    }

    @Override
    public synchronized List<KeyMark> marks(Instant now) {
        marks.values().removeIf(m -> !m.activeAt(now));
        return marks.values().stream().filter(m -> {
            StoredKey key = keys.get(m.keyId());
            return key == null || !key.deleted();
        }).toList();
    }

    @Override
    public synchronized void count(String keyId, LocalDate day, long requests, long tokens) {
        long[] counter = counters.computeIfAbsent(day, d -> new LinkedHashMap<>())
                .computeIfAbsent(keyId, k -> new long[2]);
        counter[0] += requests;
        counter[1] += tokens;
        counters.keySet().removeIf(d -> d.isBefore(day.minusDays(COUNTER_DAYS - 1L)));
    }

    @Override
    public synchronized List<KeyCounter> counters(LocalDate day) {
        List<KeyCounter> result = new ArrayList<>();
        counters.getOrDefault(day, Map.of())
                .forEach((keyId, c) -> result.add(new KeyCounter(keyId, day, c[0], c[1])));
        return result;
    }

    private static String markId(String keyId, MarkKind kind, String model) {
        return keyId + '\u0000' + kind + '\u0000' + model;
    }
}
