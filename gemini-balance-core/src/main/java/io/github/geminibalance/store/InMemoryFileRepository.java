package io.github.geminibalance.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Files in memory, ordered by name, for servers without a database and for embedders. Bounded: when
 * {@value #DEFAULT_CAPACITY} files are kept, the expired ones go, then the oldest.
 */
public final class InMemoryFileRepository implements FileRepository {

    /** The most files kept by default. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private final int capacity;
    private final TreeMap<String, StoredFile> files = new TreeMap<>();

    /** A repository of at most {@link #DEFAULT_CAPACITY} files. */
    public InMemoryFileRepository() {
        this(DEFAULT_CAPACITY);
    }

    /** A repository of at most {@code capacity} files. */
    public InMemoryFileRepository(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized void save(StoredFile file) {
        Objects.requireNonNull(file, "file");
        if (!files.containsKey(file.name()) && files.size() >= capacity) {
            deleteExpired(file.createdAt());
            while (files.size() >= capacity) {
                StoredFile oldest = files.values().stream()
                        .min(java.util.Comparator.comparing(StoredFile::createdAt)).orElseThrow();
                files.remove(oldest.name());
            }
        }
        files.put(file.name(), file);
    }

    @Override
    public synchronized Optional<StoredFile> find(String name, Instant now) {
        StoredFile f = files.get(Objects.requireNonNull(name, "name"));
        return f == null || !f.expiresAt().isAfter(now) ? Optional.empty() : Optional.of(f);
    }

    @Override
    public synchronized List<StoredFile> list(String owner, Instant now, String after, int limit) {
        List<StoredFile> page = new ArrayList<>();
        for (StoredFile f : (after == null ? files : files.tailMap(after, false)).values()) {
            if (page.size() >= limit) {
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
        return files.remove(Objects.requireNonNull(name, "name")) != null;
    }

    @Override
    public synchronized long deleteExpired(Instant now) {
        int before = files.size();
        files.values().removeIf(f -> !f.expiresAt().isAfter(now));
        return before - files.size();
    }
}
