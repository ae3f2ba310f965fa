package io.github.geminibalance.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A durable mark on a key that must survive a restart.
 *
 * @param keyId the key's id
 * @param kind what happened
 * @param model the model the mark applies to, or {@link #ALL_MODELS} for a key-wide mark (INVALID)
 * @param until when the mark ends by itself, or null for never (INVALID)
 * @param reason why, such as {@code API_KEY_INVALID} or {@code RESOURCE_EXHAUSTED}; may be null
 * @param markedAt when the mark was set
 */
public record KeyMark(String keyId, MarkKind kind, String model, Instant until, String reason, Instant markedAt) {

    /** The model of a key-wide mark. */
    public static final String ALL_MODELS = "";

    /** Checks the required components; a null model means {@link #ALL_MODELS}. */
    public KeyMark {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(markedAt, "markedAt");
        model = model == null ? ALL_MODELS : model;
    }

    /** A key-wide INVALID mark. */
    public static KeyMark invalid(String keyId, String reason, Instant at) {
        return new KeyMark(keyId, MarkKind.INVALID, ALL_MODELS, null, reason, at);
    }

    /** Whether the mark is still in force at {@code now}. */
    public boolean activeAt(Instant now) {
        return until == null || until.isAfter(now);
    }
}
