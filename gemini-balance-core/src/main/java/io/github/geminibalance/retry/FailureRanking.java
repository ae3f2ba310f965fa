package io.github.geminibalance.retry;

import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.keys.Verdict;

/**
 * Which failure a request reports when no attempt succeeded, so that the answer does not depend on
 * the order the keys were tried in. Failures rank, most useful to the client first:
 *
 * <ol>
 *   <li>rate-limited for the model ({@link Verdict.Kind#COOLDOWN}): 429 with {@code Retry-After} set
 *       to the pool's earliest recovery for the model; waiting will help;
 *   <li>the model's daily quota used up ({@link Verdict.Kind#EXHAUSTED}): 429 the same way, a longer wait;
 *   <li>a transient upstream error ({@link Verdict.Kind#FAILURE}: 5xx, timeout, broken connection, empty
 *       answer): 502, 503 or 504; a later retry may help;
 *   <li>the key was rejected ({@link Verdict.Kind#INVALID}): 503 {@code upstream_key_rejected}, nothing
 *       the client can do.
 * </ol>
 *
 * A tie goes to the later attempt. The ranking only chooses among failures that were retried on
 * another key: a failure that ends a request at once (a client error, a cancellation, a transient
 * failure or an input-token 429 repeated on a second key) is reported as it is. When no key can be
 * leased at all before any attempt, {@link RetryLoop} reports the pool's state instead (429 resting or
 * 503 no usable key).
 */
final class FailureRanking {

    private FailureRanking() {}

    /**
     * One failed attempt.
     *
     * @param failure what the attempt failed with
     * @param classification how the policy judged it
     * @param key the key the attempt used
     */
    record Failed(Throwable failure, Classification classification, ApiKey key) {

        /**
         * Whether the key rests for the model (rate limit or daily quota): the client can wait. An
         * input-token 429 rests no key (its cooldown was held back), so the pool's recovery time says
         * nothing about it; Gemini's own delay is reported instead.
         */
        boolean resting() {
            Verdict.Kind kind = classification.verdict().kind();
            return (kind == Verdict.Kind.COOLDOWN || kind == Verdict.Kind.EXHAUSTED)
                    && !classification.isInputTokenQuota();
        }
    }

    /** The rank of a verdict: higher is more useful to report. */
    static int rank(Verdict.Kind kind) {
        return switch (kind) {
            case COOLDOWN -> 4;
            case EXHAUSTED -> 3;
            case FAILURE -> 2;
            case INVALID -> 1;
            case SUCCESS, NEUTRAL -> 0;
        };
    }

    /** The more useful of the best failure so far (may be null) and a later one. */
    static Failed better(Failed best, Failed later) {
        if (best == null) {
            return later;
        }
        return rank(later.classification().verdict().kind()) >= rank(best.classification().verdict().kind())
                ? later : best;
    }
}
