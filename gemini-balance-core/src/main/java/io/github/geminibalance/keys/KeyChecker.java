package io.github.geminibalance.keys;

import io.github.geminibalance.retry.Classification;
import io.github.geminibalance.retry.RetryPolicy;
import io.github.geminibalance.upstream.GeminiApiException;
import io.github.geminibalance.upstream.GeminiClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-validates keys: sends a minimal request ("hi", at most one output token) to the test model with
 * each invalid or failing key, returns those that pass to ACTIVE, and leaves the others as the check
 * found them. Runs on a schedule ({@code CHECK_INTERVAL_HOURS}) and on demand from the admin API, a few
 * keys at a time ({@link #LANES}).
 */
public final class KeyChecker {

    /** How many test calls run at once. */
    public static final int LANES = 8;

    private static final Logger log = LoggerFactory.getLogger(KeyChecker.class);
    private static final byte[] PROBE = ("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":1}}").getBytes(StandardCharsets.UTF_8);

    private final KeyPool pool;
    private final GeminiClient client;
    private final RetryPolicy policy;
    private final String testModel;

    /**
     * The outcome of checking one key.
     *
     * @param id the key's id
     * @param masked the masked key
     * @param valid whether Gemini accepted the key (a rate limit counts as accepted)
     * @param status the HTTP status of the test call, 0 without one
     * @param reason Gemini's reason, or {@code HTTP_<status>}, or null when the call succeeded
     */
    public record Result(String id, String masked, boolean valid, int status, String reason) {}

    /**
     * Creates a checker.
     *
     * @param pool the pool whose keys to check
     * @param client the Gemini client
     * @param policy classifies failures
     * @param testModel the model to call ({@code TEST_MODEL})
     */
    public KeyChecker(KeyPool pool, GeminiClient client, RetryPolicy policy, String testModel) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.client = Objects.requireNonNull(client, "client");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.testModel = Objects.requireNonNull(testModel, "testModel");
    }

    /** Checks the keys that need it (invalid ones, and active ones with failures). */
    public CompletableFuture<List<Result>> checkNeeded() {
        return check(pool.keysNeedingCheck());
    }

    /** Checks the given keys, {@value #LANES} at a time; the results come in the order of {@code keys}. */
    public CompletableFuture<List<Result>> check(List<ApiKey> keys) {
        return bounded(keys, this::checkOne).thenApply(results -> {
            long valid = results.stream().filter(Result::valid).count();
            if (!results.isEmpty()) {
                log.info("Key check: {} of {} keys valid", valid, results.size());
            }
            return results;
        });
    }

    /**
     * Sends the test call with each key, {@value #LANES} at a time, without touching the pool (keys an
     * operator is adding, say).
     *
     * @return the probes, in the order of {@code keys}
     */
    public CompletableFuture<List<Probe>> probe(List<ApiKey> keys) {
        return bounded(keys, this::probe);
    }

    // A pool of thousands of keys must not send thousands of test calls at once: LANES chains, each
    // starting its next call when the previous one ends.
    private static <T> CompletableFuture<List<T>> bounded(List<ApiKey> keys,
            Function<ApiKey, CompletableFuture<T>> call) {
        List<ApiKey> all = List.copyOf(keys);
        Object[] results = new Object[all.size()];
        AtomicInteger next = new AtomicInteger();
        CompletableFuture<?>[] lanes = new CompletableFuture<?>[Math.min(LANES, all.size())];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = lane(all, call, results, next);
        }
        return CompletableFuture.allOf(lanes).thenApply(v -> {
            List<T> list = new ArrayList<>(results.length);
            for (Object r : results) {
                @SuppressWarnings("unchecked")
                T t = (T) r;
                list.add(t);
            }
            return list;
        });
    }

    private static <T> CompletableFuture<Void> lane(List<ApiKey> keys, Function<ApiKey, CompletableFuture<T>> call,
            Object[] results, AtomicInteger next) {
        int i = next.getAndIncrement();
        if (i >= keys.size()) {
            return CompletableFuture.completedFuture(null);
        }
        // async: a call that ends at once must not grow the stack by a frame per key
        return call.apply(keys.get(i)).thenComposeAsync(r -> {
            results[i] = r;
            return lane(keys, call, results, next);
        });
    }

    private CompletableFuture<Result> checkOne(ApiKey key) {
        return probe(key).thenApply(probe -> {
            if (probe.result().valid() && probe.verdict() == null) {
                pool.checkPassed(key.id(), testModel);
            } else if (probe.result().valid()) {
                // rate-limited or a request-level error: the key itself authenticated
                pool.clearInvalid(key.id());
            } else {
                pool.markChecked(key.id(), probe.verdict());
            }
            return probe.result();
        });
    }

    /**
     * What one test call says about a key, whether it is in the pool or not: nothing changes in the pool.
     *
     * @param result the outcome, as the admin API shows it
     * @param verdict the verdict of the failed call, or null when the call succeeded
     */
    public record Probe(Result result, Verdict verdict) {}

    /** Sends the test call with {@code key} and judges the answer, without touching the pool. */
    public CompletableFuture<Probe> probe(ApiKey key) {
        return client.generateContent(key, testModel, PROBE).handle((response, failure) -> {
            if (failure == null) {
                return new Probe(new Result(key.id(), key.masked(), true, 200, null), null);
            }
            Classification c = policy.classify(failure);
            Throwable cause = RetryPolicy.unwrap(failure);
            int status = cause instanceof GeminiApiException g ? g.httpStatus() : c.verdict().status();
            boolean keyIsFine = c.verdict().kind() == Verdict.Kind.COOLDOWN
                    || c.verdict().kind() == Verdict.Kind.EXHAUSTED
                    || c.verdict().kind() == Verdict.Kind.NEUTRAL;
            return new Probe(new Result(key.id(), key.masked(), keyIsFine, status,
                    c.verdict().reason() != null ? c.verdict().reason() : "HTTP_" + status), c.verdict());
        });
    }
}
