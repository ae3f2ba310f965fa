package io.github.geminibalance.store;

import java.util.Objects;

/**
 * What {@link KeyRepository#addAll} did with one key.
 *
 * @param key the key as stored now (not deleted)
 * @param existing whether it was stored and not deleted before the call (nothing changed); false when it
 *     was added or a deleted key was restored
 */
public record KeyAddition(StoredKey key, boolean existing) {

    /** Checks the key. */
    public KeyAddition {
        Objects.requireNonNull(key, "key");
    }
}
