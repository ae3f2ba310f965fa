package io.github.geminibalance.retry;

import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.keys.Verdict;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt of a request with one leased key. The attempt owns the key's lease and gives the key back to
 * the pool exactly once, with the verdict its outcome deserves: {@link #succeeded()}, {@link #failed(Throwable)}
 * (classified by the retry policy) or {@link #abandoned()} (nobody will read the answer: no verdict). Later
 * endings are ignored, so error paths may end it defensively.
 *
 * <p>Who ends it: the {@link RetryLoop} that made it, when the call's future completes. An answer that
 * outlives that future (a stream, which holds the key until its last byte) takes the attempt over with
 * {@link #handOver()} before the future completes, and ends it itself; the loop then only ends it when
 * nobody takes the answer.
 */
public final class Attempt {

    private final KeyPool.Lease lease;
    private final KeyPool pool;
    private final RetryPolicy policy;
    private final AtomicBoolean handedOver = new AtomicBoolean();

    Attempt(KeyPool.Lease lease, KeyPool pool, RetryPolicy policy) {
        this.lease = lease;
        this.pool = pool;
        this.policy = policy;
    }

    /** The key to call Gemini with. */
    public ApiKey key() {
        return lease.key();
    }

    /** The model the key was leased for. */
    public String model() {
        return lease.model();
    }

    /**
     * Hands this attempt over to the call's answer, which ends it when the answer ends. Call it before the
     * call's future completes.
     *
     * @return this attempt
     */
    public Attempt handOver() {
        handedOver.set(true);
        return this;
    }

    /** Whether the answer owns this attempt ({@link #handOver()}). */
    public boolean handedOver() {
        return handedOver.get();
    }

    /** The key served the request. */
    public void succeeded() {
        lease.complete(Verdict.SUCCESS);
    }

    /** The call, or the answer after it was handed over, failed: the key gets the policy's verdict. */
    public void failed(Throwable failure) {
        lease.complete(policy.classify(failure).verdict());
    }

    /** Nobody will read the answer (the client left): the key goes back with no verdict. */
    public void abandoned() {
        lease.complete(Verdict.NEUTRAL);
    }

    /** Counts the tokens this attempt's answer used against its key (a key's usage figures). */
    public void countTokens(long total) {
        pool.addTokens(lease.key(), total);
    }

    /** Whether the key has been given back. */
    public boolean isDone() {
        return lease.isDone();
    }

    /** Ends the attempt with a verdict the loop decided (a held-back failure goes back neutral). */
    void end(Verdict verdict) {
        lease.complete(verdict);
    }
}
