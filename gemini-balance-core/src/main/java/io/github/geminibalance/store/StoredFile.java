package io.github.geminibalance.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A file uploaded through the Files API ({@code POST /upload/v1beta/files}): which pool key uploaded it
 * (only that key can see it at Gemini) and which client owns it. The key is kept by id, never by value.
 *
 * @param name Gemini's resource name, {@code files/{id}}, at most 200 characters
 * @param owner the label of the client token that uploaded it; empty when the server has no client tokens
 * @param keyId the id of the pool key that uploaded it
 * @param createdAt when it was uploaded
 * @param expiresAt when Gemini deletes it (48 hours after the upload); it is gone from lists after that
 * @param metadata Gemini's {@code File} object as the upload returned it (JSON), for lists
 */
public record StoredFile(String name, String owner, String keyId, Instant createdAt, Instant expiresAt,
        String metadata) {

    /** Checks the components. */
    public StoredFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(metadata, "metadata");
        if (name.isEmpty() || name.length() > 200) {
            throw new IllegalArgumentException("a file name has 1 to 200 characters");
        }
        if (owner.length() > 100) {
            throw new IllegalArgumentException("an owner label has at most 100 characters");
        }
        if (keyId.isEmpty() || keyId.length() > 64) {
            throw new IllegalArgumentException("a key id has 1 to 64 characters");
        }
    }
}
