package io.github.geminibalance.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link FileRepository#none()}. */
enum NoFiles implements FileRepository {
    INSTANCE;

    @Override
    public boolean keeps() {
        return false;
    }

    @Override
    public void save(StoredFile file) {
        // kept nowhere
    }

    @Override
    public Optional<StoredFile> find(String name, Instant now) {
        return Optional.empty();
    }

    @Override
    public List<StoredFile> list(String owner, Instant now, String after, int limit) {
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
