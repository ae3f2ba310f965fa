package io.github.geminibalance.store;

import io.github.geminibalance.keys.ApiKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A key as the repository keeps it. {@link #toString()} shows the masked form only.
 *
 * @param id the stable id: {@code k-} and 8 hex digits of the SHA-256 of the value, as the admin API and
 *     the metrics show it
 * @param value the raw key
 * @param masked the masked key ({@code AIza...x9Q4})
 * @param addedAt when the key was first stored
 * @param note an operator's note, or null
 * @param deleted whether an operator deleted the key; a deleted key is never used nor re-added by a seed
 * @param deletedAt when it was deleted, or null
 * @param disabled whether an operator disabled the key
 * @param disabledUntil when a disabled key becomes usable again by itself; null while disabled means
 *     until enabled
 */
public record StoredKey(
        String id,
        String value,
        String masked,
        Instant addedAt,
        String note,
        boolean deleted,
        Instant deletedAt,
        boolean disabled,
        Instant disabledUntil) {

    /** Checks the required components. */
    public StoredKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(masked, "masked");
        Objects.requireNonNull(addedAt, "addedAt");
    }

    /** A new, active key added at {@code at}. */
    public static StoredKey of(String value, Instant at, String note) {
        ApiKey key = new ApiKey(value);
        return new StoredKey(key.id(), value, key.masked(), at, note, false, null, false, null);
    }


    /** Whether the key is disabled at {@code now} (disabled with no end, or an end still ahead). */
    public boolean disabledAt(Instant now) {
        return disabled && (disabledUntil == null || disabledUntil.isAfter(now));
    }

    @Override
    public String toString() {
        return "StoredKey[" + id + " " + masked + (deleted ? " deleted" : "") + (disabled ? " disabled" : "") + "]";
    }
}
