package io.github.geminibalance.store;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Stored responses in memory: for {@code DATABASE_TYPE=none} and for applications that embed the core.
 * They last as long as the instance; beyond {@code capacity} the oldest stored is forgotten first.
 * Thread-safe.
 */
public final class InMemoryResponseRepository implements ResponseRepository {

    /** How many responses the memory store keeps by default. */
    public static final int DEFAULT_CAPACITY = 1_000;

    private final int capacity;
    // id -> response, in the order stored (a replaced response moves to the end)
    private final Map<String, StoredResponse> responses = new LinkedHashMap<>();

    /**
     * An empty repository.
     *
     * @param capacity how many responses it keeps, at least 1
     * @throws IllegalArgumentException when {@code capacity} is below 1
     */
    public InMemoryResponseRepository(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized void save(StoredResponse response) {
        Objects.requireNonNull(response, "response");
        StoredResponse earlier = responses.get(response.id());
        if (earlier != null && !earlier.owner().equals(response.owner())) {
            return; // never let one client replace another's response
        }
        responses.remove(response.id());
        responses.put(response.id(), response);
        Iterator<StoredResponse> oldest = responses.values().iterator();
        while (responses.size() > capacity) {
            oldest.next();
            oldest.remove();
        }
    }

    @Override
    public synchronized Optional<StoredResponse> find(String id, String owner) {
        StoredResponse stored = responses.get(Objects.requireNonNull(id, "id"));
        return stored != null && stored.owner().equals(owner) ? Optional.of(stored) : Optional.empty();
    }

    @Override
    public synchronized boolean delete(String id, String owner) {
        if (find(id, owner).isEmpty()) {
            return false;
        }
        responses.remove(id);
        return true;
    }

    @Override
    public synchronized long deleteCreatedBefore(Instant cutoff) {
        long before = responses.size();
        responses.values().removeIf(r -> r.createdAt().isBefore(cutoff));
        return before - responses.size();
    }
}
