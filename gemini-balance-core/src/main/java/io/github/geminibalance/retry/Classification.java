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
     * Whether this and another transient failure are the same failure: the same HTTP status and the
     * same Gemini status or kind of network failure ({@code TIMEOUT}, {@code CONNECTION}, ...).
     */
    public boolean sameFailureAs(Classification other) {
        return isTransient() && other.isTransient() && verdict.status() == other.verdict.status()
                && Objects.equals(verdict.reason(), other.verdict.reason());
    }
}
