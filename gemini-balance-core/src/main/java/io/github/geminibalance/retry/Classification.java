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
}
