package io.github.geminibalance.retry;

import io.github.geminibalance.keys.Verdict;
import java.util.Objects;

/**
 * How the retry policy judges a failed attempt.
 *
 * @param verdict what it means for the key that was used
 * @param retry whether another key may succeed where this one failed
 */
public record Classification(Verdict verdict, boolean retry) {

    /** Validates. */
    public Classification {
        Objects.requireNonNull(verdict, "verdict");
    }

    /**
     * Whether the failure is transient (5xx, timeout, broken connection, empty answer): the retry loop
     * holds its strike back until another key shows it was the key's (see {@link RetryLoop}).
     */
    public boolean isTransient() {
        return verdict.kind() == Verdict.Kind.FAILURE;
    }

    /**
     * Whether the 429 is about the per-minute input-token quota ({@link RetryPolicy#INPUT_TOKEN_QUOTA}):
     * a request larger than the quota gets it from every key, so it says nothing about the key until
     * another key serves the same request.
     */
    public boolean isInputTokenQuota() {
        return verdict.kind() == Verdict.Kind.COOLDOWN && RetryPolicy.INPUT_TOKEN_QUOTA.equals(verdict.reason());
    }

    /**
     * Whether the retry loop holds the verdict back as a pending charge instead of applying it at once:
     * a transient failure or an input-token 429, both of which may be the request's doing.
     */
    public boolean isHeldBack() {
        return isTransient() || isInputTokenQuota();
    }

    /**
     * Whether this and another held-back failure are the same failure: the same HTTP status and the
     * same Gemini status or kind of network failure ({@code TIMEOUT}, {@code CONNECTION}, ...), or both
     * an input-token 429.
     */
    public boolean sameFailureAs(Classification other) {
        return isHeldBack() && other.isHeldBack() && verdict.kind() == other.verdict.kind()
                && verdict.status() == other.verdict.status()
                && Objects.equals(verdict.reason(), other.verdict.reason());
    }
}
