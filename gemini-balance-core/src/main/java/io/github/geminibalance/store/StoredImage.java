package io.github.geminibalance.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A generated image kept for {@code response_format: url}, served at a path that holds its id.
 *
 * @param id the random id in its URL (at least 128 bits of randomness)
 * @param mimeType its MIME type, such as {@code image/png}
 * @param bytes the image
 * @param createdAt when it was kept
 * @param expiresAt when it stops being served (and may be deleted)
 */
public record StoredImage(String id, String mimeType, byte[] bytes, Instant createdAt, Instant expiresAt) {

    /** Checks the components. */
    public StoredImage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(mimeType, "mimeType");
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether it is no longer served at {@code now}. */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
