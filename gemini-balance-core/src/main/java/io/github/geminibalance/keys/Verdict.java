package io.github.geminibalance.keys;

import java.time.Instant;
import java.util.Objects;

/**
 * What one upstream attempt says about the key it used. The retry policy derives it from the typed
 * Gemini error; the pool turns it into a state change.
 *
 * @param kind what happened
 * @param until for {@link Kind#COOLDOWN} and {@link Kind#EXHAUSTED}: when the key may serve the model again
 * @param status the HTTP status of the error, or 0
 * @param reason a short non-secret reason such as {@code RESOURCE_EXHAUSTED} or {@code API_KEY_INVALID}
 */
public record Verdict(Kind kind, Instant until, int status, String reason) {

    /** The kinds of verdict. */
    public enum Kind {
        /** The call succeeded: the key's failure count resets. */
        SUCCESS,
        /** Nothing to hold against the key (the client's fault, or the client went away). */
        NEUTRAL,
        /** Rate-limited for this model until {@code until}. */
        COOLDOWN,
        /** The model's daily quota is used up until {@code until} (midnight Pacific). */
        EXHAUSTED,
        /** Gemini rejected the key itself (invalid, suspended): out of the pool until re-checked. */
        INVALID,
        /**
         * A transient failure (5xx, timeout, broken connection, empty answer): one strike when it is
         * charged to the key (the retry loop charges it only once another key served the request).
         */
        FAILURE
    }

    /** Validates the verdict. */
    public Verdict {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.COOLDOWN || kind == Kind.EXHAUSTED) && until == null) {
            throw new IllegalArgumentException(kind + " needs an end time");
        }
    }

    /** A success. */
    public static final Verdict SUCCESS = new Verdict(Kind.SUCCESS, null, 0, null);
    /** Nothing against the key. */
    public static final Verdict NEUTRAL = new Verdict(Kind.NEUTRAL, null, 0, null);

    /** A transient failure. */
    public static Verdict failure(int status, String reason) {
        return new Verdict(Kind.FAILURE, null, status, reason);
    }
}
