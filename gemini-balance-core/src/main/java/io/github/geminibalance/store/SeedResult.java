package io.github.geminibalance.store;

import java.util.List;

/**
 * What {@link KeyRepository#seed(List)} did.
 *
 * @param added ids of the keys that were not stored before and are now
 * @param keptDeleted ids of listed keys an operator deleted earlier: they stay deleted
 * @param usable every stored key that is not deleted, in the order of the seed list, then the keys
 *     stored earlier (added by an operator) in the order they were added
 */
public record SeedResult(List<String> added, List<String> keptDeleted, List<StoredKey> usable) {

    /** Copies the lists. */
    public SeedResult {
        added = List.copyOf(added);
        keptDeleted = List.copyOf(keptDeleted);
        usable = List.copyOf(usable);
    }
}
