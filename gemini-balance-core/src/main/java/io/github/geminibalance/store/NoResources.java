package io.github.geminibalance.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link ResourceRepository#none()}. */
enum NoResources implements ResourceRepository {
    INSTANCE;

    @Override
    public boolean keeps() {
        return false;
    }

    @Override
    public void save(StoredResource resource) {
        // kept nowhere
    }

    @Override
    public Optional<StoredResource> find(String name, Instant now) {
        return Optional.empty();
    }

    @Override
    public List<StoredResource> list(String kind, String owner, Instant now, String after, int limit) {
        return List.of();
    }

    @Override
    public boolean delete(String name) {
        return false;
    }

    @Override
    public long deleteExpired(Instant now) {
        return 0;
    }
}
