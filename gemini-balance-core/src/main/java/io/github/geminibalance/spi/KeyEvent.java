package io.github.geminibalance.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A change to a key's state, as shared between gemini-balance instances through a
 * {@link KeyStateStore}. Identifies the key by its stable id, never by its value.
 *
 * @param keyId the key's stable id
 * @param type what changed
 * @param model for COOLDOWN and EXHAUSTED: the model; otherwise null
 * @param until for COOLDOWN and EXHAUSTED: when the key may serve the model again; for DISABLED: when the
 *     key comes back by itself, or null for never; otherwise null
 * @param failures for FAILURE: the key's consecutive failure count after this failure
 * @param status the HTTP status behind the change, or 0
 * @param reason a short non-secret reason, or null
 */
public record KeyEvent(String keyId, Type type, String model, Instant until, int failures, int status, String reason) {

    /** Kinds of change. */
    public enum Type {
        /** Rate-limited for a model until a time. */
        COOLDOWN,
        /** Out of daily quota for a model until a time. */
        EXHAUSTED,
        /** Rejected by Gemini. */
        INVALID,
        /** Turned off by an admin, until {@code until} when it is set. */
        DISABLED,
        /** Turned back on by an admin: DISABLED lifted (INVALID with it), cooldowns kept. */
        ENABLED,
        /** Back to ACTIVE with no failures and no cooldowns. */
        RESET,
        /** A re-check passed: INVALID lifted, failures back to zero, cooldowns kept. */
        VALID,
        /** One more transient failure. */
        FAILURE,
        /** A success: failures back to zero, the model's cooldown cleared. */
        SUCCESS
    }

    /** Validates. */
    public KeyEvent {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(type, "type");
        if ((type == Type.COOLDOWN || type == Type.EXHAUSTED) && (model == null || until == null)) {
            throw new IllegalArgumentException(type + " needs a model and an end time");
        }
    }
}
