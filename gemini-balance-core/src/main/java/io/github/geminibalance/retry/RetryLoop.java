package io.github.geminibalance.retry;

import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.GeminiBalanceListener;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.keys.Verdict;
import io.github.geminibalance.retry.FailureRanking.Failed;
import io.github.geminibalance.util.LogText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one request against the pool: lease a key, attempt, classify the outcome, return the key, and
 * try the next usable key until an attempt succeeds, the failure is the client's, the attempts
 * ({@code MAX_RETRIES}) are used up, or no key is left. Never blocks.
 *
 * <p><b>Charging transient failures.</b> Rate limits (except input-token ones, below), rejected keys
 * and client errors take effect on the key at once, as {@link RetryPolicy} classifies them. A
 * transient failure (5xx, timeout, broken connection, empty answer) may be the request's doing (a body
 * Gemini chokes on) or Gemini's (an outage), so it is not charged when it happens: the key goes back to the pool without a strike and
 * the failure is remembered as a <em>pending charge</em> of this request. Then:
 *
 * <ul>
 *   <li>a later attempt succeeds on another key: the pending charges are applied (one strike each),
 *       since another key served the same request; {@code MAX_FAILURES} such strikes in a row make a
 *       key FAILING;
 *   <li>the same failure (same status and Gemini status, or the same kind of network failure) comes
 *       back on a second key: the failure follows the request. No more retries, no strike, and the
 *       client gets that error;
 *   <li>the attempts run out, or no key is left: the pending charges are dropped (upstream turbulence
 *       is not a key problem).
 * </ul>
 *
 * <p><b>Input-token rate limits.</b> A 429 about the per-minute <em>input-token</em> quota ({@link
 * Classification#isInputTokenQuota()}) is held back the same way: a prompt larger than the quota gets it
 * from every key, and resting each key it tried would let a few cheap oversized requests rest the whole
 * pool for a model. So the key goes back without a rest and the cooldown becomes a pending charge: when
 * another key serves the request, the first key rests as Gemini said; when a second key answers the
 * same input-token 429, the failure follows the request: no more retries, no key rests, and the client
 * gets a 429 {@code request_exceeds_input_token_quota} without {@code Retry-After} (see {@link
 * ErrorMapper#inputTokenQuota}). Other 429s (requests per minute, per day) rest the key at once.
 *
 * <p><b>Upstream circuit.</b> Transient failures also feed an {@link UpstreamCircuit} per model. While
 * a model's circuit is open, a transient failure is not retried on another key and nothing is charged;
 * every request still makes its first attempt, and the first success closes the circuit.
 *
 * <p><b>The error reported</b> when every attempt failed is the most useful one, whatever the key
 * order: see {@link FailureRanking}.
 */
public final class RetryLoop {

    private static final Logger log = LoggerFactory.getLogger(RetryLoop.class);

    /** What a request does with each key the loop leases. */
    @FunctionalInterface
    public interface Call<T> {
        /** Calls Gemini with the attempt's key; an answer that outlives the future takes the attempt over. */
        CompletableFuture<T> call(Attempt attempt);
    }

    private final KeyPool pool;
    private final RetryPolicy policy;
    private final GeminiBalanceListener listener;
    private final UpstreamCircuit circuit;

    /** Creates a loop over a pool with a policy. */
    public RetryLoop(KeyPool pool, RetryPolicy policy) {
        this(pool, policy, GeminiBalanceListener.NONE);
    }

    /** Creates a loop that reports every attempt to a listener, with a default circuit on the policy's clock. */
    public RetryLoop(KeyPool pool, RetryPolicy policy, GeminiBalanceListener listener) {
        this(pool, policy, listener, new UpstreamCircuit(policy.clock()));
    }

    /** Creates a loop with its own upstream circuit. */
    public RetryLoop(KeyPool pool, RetryPolicy policy, GeminiBalanceListener listener, UpstreamCircuit circuit) {
        this.pool = pool;
        this.policy = policy;
        this.listener = listener;
        this.circuit = circuit;
    }

    /** The policy that classifies failures. */
    public RetryPolicy policy() {
        return policy;
    }

    /** The per-model upstream circuit (its {@link UpstreamCircuit#openModels()} suits health and metrics). */
    public UpstreamCircuit circuit() {
        return circuit;
    }

    /**
     * Runs a request.
     *
     * @param model the Gemini model (cooldowns are per key and model)
     * @param call the call to make with each key; when its answer owns the attempt (a stream returns its
     *     key when it ends), it says so with {@link Attempt#handOver()}; otherwise the loop ends the attempt
     * @return the first successful result, or a failed future with a {@link GeminiBalanceException}
     */
    public <T> CompletableFuture<T> run(String model, Call<T> call) {
        Run<T> run = new Run<>(model, call);
        run.next();
        return run.result;
    }

    /**
     * Runs a request on one given key only, for a resource only that key can see (an uploaded file): one
     * attempt, no other key, the verdict charged to the key as in {@link #run}. When the key has left the
     * pool the request fails with a 404 {@code key_removed}; when it is invalid or disabled with a 503
     * {@code key_unusable}; when it is resting for the model with a 429 and the key's recovery time.
     *
     * @param keyId the id of the key to use
     * @param model the Gemini model (cooldowns are per key and model)
     * @param call the call, as in {@link #run}
     * @return the result, or a failed future with a {@link GeminiBalanceException}
     */
    public <T> CompletableFuture<T> runOn(String keyId, String model, Call<T> call) {
        Run<T> run = new Run<>(model, call);
        run.pinned = java.util.Objects.requireNonNull(keyId, "keyId");
        run.next();
        return run.result;
    }

    /** One request's attempts; its fields are touched by one attempt's completion at a time. */
    private final class Run<T> {
        String pinned; // runOn: the only key to use, once
        final String model;
        final Call<T> call;
        final CompletableFuture<T> result = new CompletableFuture<>();
        final Set<ApiKey> tried = new HashSet<>();
        final List<Failed> pending = new ArrayList<>(2);
        // read once: a MAX_RETRIES changed at run time applies to the next request, not to this one
        final int maxAttempts = policy.maxAttempts();
        Failed best;
        int number;

        Run(String model, Call<T> call) {
            this.model = model;
            this.call = call;
        }

        void next() {
            Optional<KeyPool.Lease> leased = pinned == null ? pool.acquire(model, tried)
                    : number == 0 ? pool.acquire(pinned, model) : Optional.empty();
            if (leased.isEmpty()) {
                result.completeExceptionally(best != null ? report(best) : pinned != null ? pinnedUnusable() : noKey());
                return;
            }
            Attempt attempt = new Attempt(leased.get(), pool, policy);
            tried.add(attempt.key());
            number++;
            long started = System.nanoTime();
            CompletableFuture<T> answer;
            try {
                answer = call.call(attempt);
                if (answer == null) {
                    answer = CompletableFuture.failedFuture(new IllegalStateException("an attempt returned no future"));
                }
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((value, failure) -> {
                try {
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    if (failure == null) {
                        succeeded(attempt, value, took);
                    } else {
                        failed(attempt, failure, took);
                    }
                } catch (RuntimeException e) {
                    // never leave the caller waiting: a bug in classification or bookkeeping fails the request
                    attempt.abandoned();
                    result.completeExceptionally(ErrorMapper.toClient(e, null));
                }
            });
        }

        void succeeded(Attempt attempt, T value, Duration took) {
            listener.onAttempt(model, attempt.key().id(), "success", 200, took);
            boolean wasOpen = circuit.onSuccess(model);
            if (wasOpen) {
                log.info("Gemini answers model {} again: upstream circuit closed", LogText.quote(model));
            }
            // another key served this very request: the earlier transient failures were those keys'
            // (unless Gemini was failing for everybody, which an open circuit says)
            for (Failed f : pending) {
                if (f.classification().isInputTokenQuota()) {
                    // the request fit on this key: the earlier key's input-token budget really was spent
                    pool.charge(f.key(), model, f.classification().verdict());
                    reportCooldown(f.key(), f.classification().verdict());
                } else if (!wasOpen) {
                    pool.charge(f.key(), model, f.classification().verdict());
                }
            }
            pending.clear();
            if (!attempt.handedOver()) {
                attempt.succeeded();
            }
            if (!result.complete(value)) {
                attempt.abandoned(); // the caller gave up: nobody will end a handed-over answer
            }
        }

        void failed(Attempt attempt, Throwable failure, Duration took) {
            Classification c = policy.classify(failure);
            // a transient failure or an input-token 429 is held back: see the class javadoc
            attempt.end(c.isHeldBack() ? Verdict.NEUTRAL : c.verdict());
            reportAttempt(attempt, c, took);
            if (c.isTransient() && circuit.onTransientFailure(model, attempt.key().id())) {
                log.warn("Gemini keeps failing for model {} on several keys: upstream circuit open, "
                        + "no retries after transient failures and no strikes until a call succeeds", LogText.quote(model));
            }
            if (result.isDone()) {
                return; // the caller gave up (cancelled): pending charges are dropped
            }
            if (!c.retry()) {
                result.completeExceptionally(ErrorMapper.toClient(failure, null));
                return;
            }
            Failed f = new Failed(failure, c, attempt.key());
            if (c.isHeldBack()) {
                Failed same = pending.stream().filter(p -> p.classification().sameFailureAs(c)).findFirst()
                        .orElse(null);
                if (same != null && c.isInputTokenQuota()) {
                    log.info("Attempt {} for {} hit the per-minute input-token quota with key {} as it did with "
                            + "key {}: the request is too large for the pool's quota; no retry, no key rests", number,
                            LogText.quote(model), attempt.key(), same.key());
                    pending.clear();
                    result.completeExceptionally(ErrorMapper.inputTokenQuota(failure));
                    return;
                }
                if (same != null) {
                    log.info("Attempt {} for {} failed ({} {}) with key {} as it did with key {}: the failure "
                            + "follows the request; no retry, no strike", number, LogText.quote(model), c.verdict().status(),
                            c.verdict().reason(), attempt.key(), same.key());
                    result.completeExceptionally(ErrorMapper.toClient(failure, null));
                    return;
                }
                if (c.isTransient() && circuit.isOpen(model)) {
                    best = FailureRanking.better(best, f);
                    log.info("Attempt {} for {} failed ({} {}) with key {}; not retried while the upstream "
                            + "circuit is open", number, LogText.quote(model), c.verdict().status(), c.verdict().reason(),
                            attempt.key());
                    result.completeExceptionally(report(best));
                    return;
                }
                pending.add(f);
            }
            best = FailureRanking.better(best, f);
            if (number >= maxAttempts) {
                log.warn("Request for {} failed after {} attempts; last: {} {} with key {}", LogText.quote(model), number,
                        c.verdict().status(), c.verdict().reason(), attempt.key());
                result.completeExceptionally(report(best));
                return;
            }
            log.info("Attempt {} for {} failed ({} {}) with key {}; trying another key", number, LogText.quote(model),
                    c.verdict().status(), c.verdict().reason(), attempt.key());
            next();
        }

        void reportAttempt(Attempt attempt, Classification c, Duration took) {
            Verdict v = c.verdict();
            String outcome = switch (v.kind()) {
                case COOLDOWN -> "rate_limited";
                case EXHAUSTED -> "quota_exhausted";
                case INVALID -> "key_invalid";
                case FAILURE -> "failure";
                case NEUTRAL, SUCCESS -> "client_error";
            };
            listener.onAttempt(model, attempt.key().id(), outcome, v.status(), took);
            if (!c.isHeldBack()) {
                reportCooldown(attempt.key(), v); // a held-back cooldown is reported if and when it is charged
            }
        }

        void reportCooldown(ApiKey key, Verdict v) {
            if (v.until() != null) {
                listener.onCooldown(key.id(), model, Duration.between(policy.now(), v.until()));
            }
        }

        /** The client's error for the best failure; a resting key is waited for as the pool says. */
        GeminiBalanceException report(Failed failed) {
            // pending charges are dropped with the request
            pending.clear();
            Duration retryAfter = null;
            if (failed.resting()) {
                // zero when a usable key was left untried (attempts used up): still ask for a short wait
                retryAfter = pool.earliestRecovery(model).map(d -> d.isZero() ? Duration.ofSeconds(1) : d)
                        .orElse(null);
            }
            return ErrorMapper.toClient(failed.failure(), retryAfter);
        }

        GeminiBalanceException pinnedUnusable() {
            var status = pool.status(pinned);
            if (status.isEmpty()) {
                return new GeminiBalanceException(404, "invalid_request_error", "key_removed", null, null,
                        "the Gemini API key that owns this resource (key " + pinned + ") was removed from the pool; "
                                + "the resource cannot be reached any more", null);
            }
            Instant until = status.get().restingUntil().get(model);
            if (until != null && status.get().state() != io.github.geminibalance.KeyState.INVALID
                    && status.get().state() != io.github.geminibalance.KeyState.DISABLED) {
                Duration wait = Duration.between(policy.now(), until);
                wait = wait.isNegative() || wait.isZero() ? Duration.ofSeconds(1) : wait;
                return new GeminiBalanceException(429, "requests", "rate_limit_exceeded", null, wait,
                        "the Gemini API key that owns this resource (key " + pinned + ") is resting for model " + model
                                + "; retry in " + Math.max(1, (wait.toMillis() + 999) / 1000) + " s", null);
            }
            return new GeminiBalanceException(503, "server_error", "key_unusable", null, null,
                    "the Gemini API key that owns this resource (key " + pinned + ") is "
                            + status.get().state().name().toLowerCase(java.util.Locale.ROOT)
                            + "; only that key can reach the resource", null);
        }

        GeminiBalanceException noKey() {
            Optional<Duration> recovery = pool.earliestRecovery(model);
            if (recovery.isPresent()) {
                Duration wait = recovery.get();
                long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
                return new GeminiBalanceException(429, "requests", "rate_limit_exceeded", null, wait,
                        "every Gemini API key is resting for model " + model + "; retry in " + seconds + " s", null);
            }
            if (pool.size() == 0) {
                return new GeminiBalanceException(503, "server_error", "no_usable_key", null, null,
                        "no Gemini API key in the pool: an operator must add one (API_KEYS or the admin API)", null);
            }
            return new GeminiBalanceException(503, "server_error", "no_usable_key", null, null,
                    "no usable Gemini API key: every key in the pool is invalid or disabled", null);
        }
    }
}
