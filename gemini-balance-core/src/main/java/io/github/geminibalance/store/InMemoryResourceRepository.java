package io.github.geminibalance.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Key-bound resources in memory, ordered by name, for servers without a database and for embedders.
 * Bounded: when {@value #DEFAULT_CAPACITY} are kept, the expired ones go, then the oldest.
 */
public final class InMemoryResourceRepository implements ResourceRepository {

    /** The most resources kept by default. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private final int capacity;
    private final TreeMap<String, StoredResource> resources = new TreeMap<>();

    /** A repository of at most {@link #DEFAULT_CAPACITY} resources. */
    public InMemoryResourceRepository() {
        this(DEFAULT_CAPACITY);
    }

    /** A repository of at most {@code capacity} resources. */
    public InMemoryResourceRepository(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized void save(StoredResource resource) {
        Objects.requireNonNull(resource, "resource");
        if (!resources.containsKey(resource.name()) && resources.size() >= capacity) {
            deleteExpired(resource.createdAt());
            while (resources.size() >= capacity) {
                StoredResource oldest = resources.values().stream()
                        .min(java.util.Comparator.comparing(StoredResource::createdAt)).orElseThrow();
                resources.remove(oldest.name());
            }
        }
        resources.put(resource.name(), resource);
    }

    @Override
    public synchronized Optional<StoredResource> find(String name, Instant now) {
        StoredResource f = resources.get(Objects.requireNonNull(name, "name"));
        return f == null || !f.expiresAt().isAfter(now) ? Optional.empty() : Optional.of(f);
    }

    @Override
    public synchronized List<StoredResource> list(String kind, String owner, Instant now, String after, int limit) {
        String prefix = Objects.requireNonNull(kind, "kind") + "/";
        String from = after == null || after.compareTo(prefix) < 0 ? prefix : after;
        List<StoredResource> page = new ArrayList<>();
        for (StoredResource f : resources.tailMap(from, !from.equals(after)).values()) {
            if (page.size() >= limit || !f.name().startsWith(prefix)) {
                break;
            }
            if (f.expiresAt().isAfter(now) && (owner == null || owner.equals(f.owner()))) {
                page.add(f);
            }
        }
        return page;
    }

    @Override
    public synchronized boolean delete(String name) {
        return resources.remove(Objects.requireNonNull(name, "name")) != null;
    }

    @Override
    public synchronized long deleteExpired(Instant now) {
        int before = resources.size();
        resources.values().removeIf(f -> !f.expiresAt().isAfter(now));
        return before - resources.size();
    }
}
