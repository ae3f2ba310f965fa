package io.github.geminibalance.retry;

import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.GeminiBalanceListener;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.keys.Verdict;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one request against the pool: lease a key, attempt, classify the outcome, return the key with
 * its verdict, and try the next usable key until an attempt succeeds, the failure is the client's,
 * the attempts ({@code MAX_RETRIES}) are used up, or no key is left. Never blocks.
 */
public final class RetryLoop {

    private static final Logger log = LoggerFactory.getLogger(RetryLoop.class);

    /** One attempt with a leased key. */
    @FunctionalInterface
    public interface Attempt<T> {
        /** Calls Gemini with the lease's key. */
        CompletableFuture<T> call(KeyPool.Lease lease);
    }

    private final KeyPool pool;
    private final RetryPolicy policy;
    private final GeminiBalanceListener listener;

    /** Creates a loop over a pool with a policy. */
    public RetryLoop(KeyPool pool, RetryPolicy policy) {
        this(pool, policy, GeminiBalanceListener.NONE);
    }

    /** Creates a loop that reports every attempt to a listener. */
    public RetryLoop(KeyPool pool, RetryPolicy policy, GeminiBalanceListener listener) {
        this.pool = pool;
        this.policy = policy;
        this.listener = listener;
    }

    /** The policy that classifies failures. */
    public RetryPolicy policy() {
        return policy;
    }

    /**
     * Runs a request.
     *
     * @param model the Gemini model (cooldowns are per key and model)
     * @param attempt the call to make with each key
     * @param resultHoldsLease when true, a successful result owns the lease and completes it later
     *     (a stream returns its key when it ends); otherwise the loop completes it with SUCCESS
     * @return the first successful result, or a failed future with a {@link GeminiBalanceException}
     */
    public <T> CompletableFuture<T> run(String model, Attempt<T> attempt, boolean resultHoldsLease) {
        CompletableFuture<T> result = new CompletableFuture<>();
        next(model, attempt, resultHoldsLease, result, new HashSet<>(), 1, null, true);
        return result;
    }

    private <T> void next(String model, Attempt<T> attempt, boolean resultHoldsLease, CompletableFuture<T> result,
            Set<ApiKey> tried, int number, Throwable lastFailure, boolean allRateLimited) {
        Optional<KeyPool.Lease> leased = pool.acquire(model, tried);
        if (leased.isEmpty()) {
            result.completeExceptionally(noKey(model, lastFailure, allRateLimited));
            return;
        }
        KeyPool.Lease lease = leased.get();
        tried.add(lease.key());
        long started = System.nanoTime();
        CompletableFuture<T> call;
        try {
            call = attempt.call(lease);
            if (call == null) {
                call = CompletableFuture.failedFuture(new IllegalStateException("an attempt returned no future"));
            }
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((value, failure) -> {
            try {
                onAttemptDone(model, attempt, resultHoldsLease, result, tried, number, allRateLimited, lease,
                        started, value, failure);
            } catch (RuntimeException e) {
                // never leave the caller waiting: a bug in classification or bookkeeping fails the request
                lease.complete(Verdict.NEUTRAL);
                result.completeExceptionally(ErrorMapper.toClient(e, null));
            }
        });
    }

    private <T> void onAttemptDone(String model, Attempt<T> attempt, boolean resultHoldsLease,
            CompletableFuture<T> result, Set<ApiKey> tried, int number, boolean allRateLimited, KeyPool.Lease lease,
            long started, T value, Throwable failure) {
        {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (failure == null) {
                listener.onAttempt(model, lease.key().id(), "success", 200, took);
                if (!resultHoldsLease) {
                    lease.complete(Verdict.SUCCESS);
                }
                if (!result.complete(value) && resultHoldsLease) {
                    lease.complete(Verdict.NEUTRAL);
                }
                return;
            }
            Classification c = policy.classify(failure);
            lease.complete(c.verdict());
            report(model, lease, c, took);
            if (result.isDone()) {
                return; // the caller gave up (cancelled)
            }
            boolean rateLimited = allRateLimited && (c.verdict().kind() == Verdict.Kind.COOLDOWN
                    || c.verdict().kind() == Verdict.Kind.EXHAUSTED);
            if (!c.retry()) {
                result.completeExceptionally(ErrorMapper.toClient(failure, null));
                return;
            }
            if (number >= policy.maxAttempts()) {
                log.warn("Request for {} failed after {} attempts; last: {} {} with key {}", model, number,
                        c.verdict().status(), c.verdict().reason(), lease.key());
                result.completeExceptionally(exhausted(model, failure, rateLimited));
                return;
            }
            log.info("Attempt {} for {} failed ({} {}) with key {}; trying another key", number, model,
                    c.verdict().status(), c.verdict().reason(), lease.key());
            next(model, attempt, resultHoldsLease, result, tried, number + 1, failure, rateLimited);
        }
    }

    private void report(String model, KeyPool.Lease lease, Classification c, Duration took) {
        Verdict v = c.verdict();
        String outcome = switch (v.kind()) {
            case COOLDOWN -> "rate_limited";
            case EXHAUSTED -> "quota_exhausted";
            case INVALID -> "key_invalid";
            case FAILURE -> "failure";
            case NEUTRAL, SUCCESS -> "client_error";
        };
        listener.onAttempt(model, lease.key().id(), outcome, v.status(), took);
        if (v.until() != null) {
            listener.onCooldown(lease.key().id(), model, Duration.between(policy.now(), v.until()));
        }
    }

    private GeminiBalanceException exhausted(String model, Throwable last, boolean allRateLimited) {
        Duration retryAfter = allRateLimited ? pool.earliestRecovery(model).orElse(null) : null;
        return ErrorMapper.toClient(last, retryAfter);
    }

    private GeminiBalanceException noKey(String model, Throwable last, boolean allRateLimited) {
        if (last != null) {
            return exhausted(model, last, allRateLimited);
        }
        Optional<Duration> recovery = pool.earliestRecovery(model);
        if (recovery.isPresent()) {
            Duration wait = recovery.get();
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            return new GeminiBalanceException(429, "requests", "rate_limit_exceeded", null, wait,
                    "every Gemini API key is resting for model " + model + "; retry in " + seconds + " s", null);
        }
        return new GeminiBalanceException(503, "server_error", "no_usable_key", null, null,
                "no usable Gemini API key: every key in the pool is invalid or disabled", null);
    }
}
