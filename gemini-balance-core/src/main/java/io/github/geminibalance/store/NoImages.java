package io.github.geminibalance.store;

import java.time.Instant;
import java.util.Optional;

/** {@link ImageRepository#none()}. */
enum NoImages implements ImageRepository {
    INSTANCE;

    @Override
    public boolean keeps() {
        return false;
    }

    @Override
    public void save(StoredImage image) {
        // kept nowhere
    }

    @Override
    public Optional<StoredImage> find(String id, Instant now) {
        return Optional.empty();
    }

    @Override
    public long deleteExpired(Instant now) {
        return 0;
    }
}
