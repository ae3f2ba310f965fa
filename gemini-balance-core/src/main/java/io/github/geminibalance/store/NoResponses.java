package io.github.geminibalance.store;

import java.time.Instant;
import java.util.Optional;

/** {@link ResponseRepository#none()}. */
enum NoResponses implements ResponseRepository {
    INSTANCE;

    @Override
    public boolean keeps() {
        return false;
    }

    @Override
    public void save(StoredResponse response) {
        // kept nowhere
    }

    @Override
    public Optional<StoredResponse> find(String id, String owner) {
        return Optional.empty();
    }

    @Override
    public boolean delete(String id, String owner) {
        return false;
    }

    @Override
    public long deleteCreatedBefore(Instant cutoff) {
        return 0;
    }
}
