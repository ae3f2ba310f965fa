package io.github.geminibalance.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A Gemini resource that lives with one API key (only that key can see it at Gemini), and the client that
 * owns it: an uploaded file ({@code files/{id}}), a cached content ({@code cachedContents/{id}}), a batch
 * ({@code batches/{id}}), or an upload under way ({@code uploads/{session}}). The kind is the name's first
 * segment. The key is kept by id, never by value.
 *
 * @param name the resource's name, {@code kind/id}, at most 200 characters
 * @param owner the label of the client token that made it; empty when the server has no client tokens
 * @param keyId the id of the pool key it lives with
 * @param createdAt when it was made
 * @param expiresAt when it is gone at Gemini; it is left out of finds and lists after that
 * @param metadata what the server keeps about it (JSON): Gemini's object as last seen, for lists
 */
public record StoredResource(String name, String owner, String keyId, Instant createdAt, Instant expiresAt,
        String metadata) {

    /** Checks the components. */
    public StoredResource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(metadata, "metadata");
        int slash = name.indexOf('/');
        if (name.length() > 200 || slash < 1 || slash == name.length() - 1) {
            throw new IllegalArgumentException("a resource name is kind/id, at most 200 characters");
        }
        if (owner.length() > 100) {
            throw new IllegalArgumentException("an owner label has at most 100 characters");
        }
        if (keyId.isEmpty() || keyId.length() > 64) {
            throw new IllegalArgumentException("a key id has 1 to 64 characters");
        }
    }

    /** The kind: the name's first segment ({@code files}, {@code cachedContents}, ...). */
    public String kind() {
        return name.substring(0, name.indexOf('/'));
    }
}
