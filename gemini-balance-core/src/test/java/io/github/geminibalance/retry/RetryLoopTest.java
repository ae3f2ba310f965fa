package io.github.geminibalance.retry;

import static io.github.geminibalance.upstream.GeminiErrorTest.BAD_REQUEST_SCHEMA;
import static io.github.geminibalance.upstream.GeminiErrorTest.BARE_429;
import static io.github.geminibalance.upstream.GeminiErrorTest.D10_UNAVAILABLE;
import static io.github.geminibalance.upstream.GeminiErrorTest.D7_INVALID_KEY;
import static io.github.geminibalance.upstream.GeminiErrorTest.D9_RATE_LIMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.config.KeySelection;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.keys.Verdict;
import io.github.geminibalance.upstream.GeminiApiException;
import io.github.geminibalance.upstream.GeminiErrorTest;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RetryLoopTest {

    private static final String K1 = "AIzaSyA-k1aaaaaaaaaaaaaaaaaaaaaaaaaa0001";
    private static final String K2 = "AIzaSyB-k2bbbbbbbbbbbbbbbbbbbbbbbbbb0002";
    private static final String K3 = "AIzaSyC-k3cccccccccccccccccccccccccc0003";
    private static final String MODEL = "gemini-2.5-flash";
    private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final KeyPool pool = new KeyPool(List.of(K1, K2, K3), 3, KeySelection.ROUND_ROBIN, clock);

    /** An attempt that plays a script, one step per call, and records the keys and attempts it got. */
    private static final class Script implements RetryLoop.Call<String> {
        final Deque<Function<Attempt, CompletableFuture<String>>> steps = new ArrayDeque<>();
        final List<String> keys = new ArrayList<>();
        final List<Attempt> attempts = new ArrayList<>();
        boolean handOver;

        /** Each attempt hands its lease over to its result, as a stream does. */
        Script handingOver() {
            handOver = true;
            return this;
        }

        Script then(Function<Attempt, CompletableFuture<String>> step) {
            steps.add(step);
            return this;
        }

        Script thenFail(Throwable t) {
            return then(l -> CompletableFuture.failedFuture(t));
        }

        Script thenSucceed(String value) {
            return then(l -> CompletableFuture.completedFuture(value));
        }

        @Override
        public CompletableFuture<String> call(Attempt lease) {
            keys.add(lease.key().value());
            attempts.add(lease);
            if (handOver) {
                lease.handOver();
            }
            Function<Attempt, CompletableFuture<String>> step = steps.poll();
            if (step == null) {
                throw new AssertionError("unexpected attempt " + keys.size());
            }
            return step.apply(lease);
        }
    }

    private static GeminiApiException gemini(int status, String body) {
        return new GeminiApiException(status, GeminiErrorTest.parse(status, body), false);
    }

    private static GeminiApiException rateLimited(String delay) {
        return gemini(429, D9_RATE_LIMIT.replace("\"38s\"", "\"" + delay + "\""));
    }

    private RetryLoop loop(int maxAttempts) {
        return new RetryLoop(pool, new RetryPolicy(maxAttempts, clock));
    }

    private KeyStatus status(String key) {
        String id = new ApiKey(key).id();
        return pool.status().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    private static GeminiBalanceException failure(CompletableFuture<?> result) {
        assertThat(result).isCompletedExceptionally();
        Throwable t = assertThatThrownBy(() -> result.get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).actual().getCause();
        assertThat(t).isInstanceOf(GeminiBalanceException.class);
        return (GeminiBalanceException) t;
    }

    private void assertNothingInFlight() {
        assertThat(pool.status()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
    }

    @Test
    void rateLimitedKeyIsSkippedAndTheNextKeySucceeds() throws Exception {
        Script script = new Script().thenFail(gemini(429, D9_RATE_LIMIT)).thenSucceed("answer");

        CompletableFuture<String> result = loop(3).run(MODEL, script);

        assertThat(result.get(1, TimeUnit.SECONDS)).isEqualTo("answer");
        assertThat(script.keys).containsExactly(K1, K2);
        assertThat(status(K1).state()).isEqualTo(KeyState.COOLING);
        assertThat(status(K1).restingUntil()).containsEntry(MODEL, NOW.plusSeconds(38));
        assertThat(status(K2).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(script.attempts).allMatch(Attempt::isDone);
        assertNothingInFlight();
    }

    @Test
    void invalidKeyIsTakenOutAndAnotherKeyIsTried() throws Exception {
        Script script = new Script().thenFail(gemini(400, D7_INVALID_KEY)).thenSucceed("answer");

        assertThat(loop(3).run(MODEL, script).get(1, TimeUnit.SECONDS)).isEqualTo("answer");

        assertThat(status(K1).state()).isEqualTo(KeyState.INVALID);
    }

    @Test
    void clientErrorIsNotRetried() {
        Script script = new Script().thenFail(gemini(400, BAD_REQUEST_SCHEMA));

        CompletableFuture<String> result = loop(3).run(MODEL, script);

        GeminiBalanceException e = failure(result);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.param()).contains("tools[0].function_declarations[0].parameters");
        assertThat(script.keys).containsExactly(K1);
        assertThat(status(K1).consecutiveFailures()).as("not the key's fault").isZero();
        assertNothingInFlight();
    }

    @Test
    void maxAttemptsIsRespected() {
        Script script = new Script().thenFail(gemini(503, D10_UNAVAILABLE)).thenFail(new IOException("reset"));

        CompletableFuture<String> result = loop(2).run(MODEL, script);

        GeminiBalanceException e = failure(result);
        assertThat(e.httpStatus()).isEqualTo(502);
        assertThat(e.code()).contains("upstream_unreachable");
        assertThat(script.keys).containsExactly(K1, K2);
        assertThat(pool.status()).as("different failures until the attempts ran out: upstream turbulence")
                .allSatisfy(s -> assertThat(s.consecutiveFailures()).isZero());
        assertNothingInFlight();
    }

    @Test
    void everyKeyRateLimitedGivesA429WithTheRetryAfterOfThePool() {
        Script script = new Script()
                .thenFail(rateLimited("38s"))
                .thenFail(rateLimited("10s"))
                .thenFail(gemini(429, BARE_429)); // 60 s

        CompletableFuture<String> result = loop(5).run(MODEL, script);

        GeminiBalanceException e = failure(result);
        assertThat(script.keys).containsExactly(K1, K2, K3);
        assertThat(e.httpStatus()).isEqualTo(429);
        assertThat(e.code()).contains("rate_limit_exceeded");
        assertThat(e.retryAfter()).as("the soonest key, not the last error's delay").contains(Duration.ofSeconds(10));
        assertNothingInFlight();
    }

    @Test
    void attemptsUsedUpOnRateLimitsAlsoAskThePool() {
        KeyPool twoKeys = new KeyPool(List.of(K1, K2), 3, KeySelection.ROUND_ROBIN, clock);
        Script script = new Script().thenFail(rateLimited("38s")).thenFail(rateLimited("20s"));

        CompletableFuture<String> result = new RetryLoop(twoKeys, new RetryPolicy(2, clock)).run(MODEL, script);

        GeminiBalanceException e = failure(result);
        assertThat(e.httpStatus()).isEqualTo(429);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(20));
    }

    @Test
    void mixedFailuresReportTheRateLimitWithThePoolsRecovery() {
        Script script = new Script().thenFail(rateLimited("38s")).thenFail(gemini(503, D10_UNAVAILABLE));

        CompletableFuture<String> result = loop(2).run(MODEL, script);

        GeminiBalanceException e = failure(result);
        assertThat(e.httpStatus()).as("a key the client can wait for beats a transient error").isEqualTo(429);
        // K2 was not charged for its 503 and K3 was never tried: the pool can serve again at once
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
    }

    @Test
    void theReportedErrorDoesNotDependOnTheKeyOrder() {
        for (List<String> order : List.of(List.of(K1, K2), List.of(K2, K1))) {
            KeyPool twoKeys = new KeyPool(order, 3, KeySelection.ROUND_ROBIN, clock);
            // K1 is rate-limited for 41 s, K2 is rejected, whichever is tried first
            RetryLoop.Call<String> attempt = lease -> CompletableFuture.failedFuture(
                    lease.key().value().equals(K1) ? rateLimited("41s") : gemini(400, D7_INVALID_KEY));

            CompletableFuture<String> result = new RetryLoop(twoKeys, new RetryPolicy(3, clock))
                    .run(MODEL, attempt);

            GeminiBalanceException e = failure(result);
            assertThat(e.httpStatus()).as("order %s", order).isEqualTo(429);
            assertThat(e.code()).as("order %s", order).contains("rate_limit_exceeded");
            assertThat(e.retryAfter()).as("order %s", order).contains(Duration.ofSeconds(41));
        }
    }

    @Test
    void aTransientErrorBeatsARejectedKey() {
        KeyPool twoKeys = new KeyPool(List.of(K1, K2), 3, KeySelection.ROUND_ROBIN, clock);
        Script script = new Script().thenFail(gemini(503, D10_UNAVAILABLE)).thenFail(gemini(400, D7_INVALID_KEY));

        CompletableFuture<String> result = new RetryLoop(twoKeys, new RetryPolicy(3, clock)).run(MODEL, script);

        GeminiBalanceException e = failure(result);
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.code()).contains("upstream_error");
        assertThat(status(K1).consecutiveFailures()).as("no key left: the pending charge is dropped").isZero();
    }

    @Test
    void noUsableKeyBecauseAllAreCoolingGivesA429WithRetryAfter() {
        for (String key : List.of(K1, K2, K3)) {
            KeyPool.Lease lease = pool.acquire(MODEL, Set.of()).orElseThrow();
            assertThat(lease.key().value()).isEqualTo(key);
            lease.complete(new Verdict(Verdict.Kind.COOLDOWN, NOW.plusSeconds(key.equals(K2) ? 5 : 30), 429, "x"));
        }
        Script script = new Script();

        CompletableFuture<String> result = loop(3).run(MODEL, script);

        GeminiBalanceException e = failure(result);
        assertThat(script.keys).isEmpty();
        assertThat(e.httpStatus()).isEqualTo(429);
        assertThat(e.type()).isEqualTo("requests");
        assertThat(e.code()).contains("rate_limit_exceeded");
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(5));
        assertThat(e.getMessage()).contains(MODEL).contains("5 s");
    }

    @Test
    void noUsableKeyBecauseAllAreInvalidGivesA503() {
        for (int i = 0; i < 3; i++) {
            pool.acquire(MODEL, Set.of()).orElseThrow()
                    .complete(new Verdict(Verdict.Kind.INVALID, null, 400, "API_KEY_INVALID"));
        }
        Script script = new Script();

        CompletableFuture<String> result = loop(3).run(MODEL, script);

        GeminiBalanceException e = failure(result);
        assertThat(script.keys).isEmpty();
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.code()).contains("no_usable_key");
        assertThat(e.retryAfter()).isEmpty();
    }

    @Test
    void keysRunningOutAfterInvalidRejectionsGivesTheKeyError() {
        Script script = new Script()
                .thenFail(gemini(400, D7_INVALID_KEY))
                .thenFail(gemini(400, D7_INVALID_KEY))
                .thenFail(gemini(400, D7_INVALID_KEY));

        CompletableFuture<String> result = loop(5).run(MODEL, script);

        GeminiBalanceException e = failure(result);
        assertThat(script.keys).containsExactly(K1, K2, K3);
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.code()).contains("upstream_key_rejected");
    }

    @Test
    void resultHoldingTheLeaseLeavesItOpenUntilCompleted() throws Exception {
        Script script = new Script().handingOver().thenFail(gemini(503, D10_UNAVAILABLE)).thenSucceed("stream");

        CompletableFuture<String> result = loop(3).run(MODEL, script);

        assertThat(result.get(1, TimeUnit.SECONDS)).isEqualTo("stream");
        Attempt held = script.attempts.get(1);
        assertThat(held.isDone()).isFalse();
        assertThat(status(K2).inFlight()).isEqualTo(1);
        assertThat(script.attempts.get(0).isDone()).as("the failed attempt's lease is returned").isTrue();
        assertThat(status(K1).inFlight()).isZero();

        held.succeeded();
        assertNothingInFlight();
    }

    @Test
    void withoutHoldingTheLeaseTheLoopReturnsItOnSuccess() throws Exception {
        Script script = new Script().thenSucceed("answer");

        loop(3).run(MODEL, script).get(1, TimeUnit.SECONDS);

        assertThat(script.attempts.get(0).isDone()).isTrue();
        assertNothingInFlight();
    }

    @Test
    void attemptThrowingSynchronouslyIsAFailedAttempt() {
        Script script = new Script().then(l -> {
            throw new IllegalStateException("bug in the attempt");
        });

        CompletableFuture<String> result = loop(3).run(MODEL, script);

        GeminiBalanceException e = failure(result);
        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(e.code()).contains("internal_error");
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
        assertThat(script.keys).containsExactly(K1);
        assertThat(script.attempts.get(0).isDone()).isTrue();
        assertNothingInFlight();
    }

    @Test
    void attemptThrowingARetryableErrorSynchronouslyIsRetried() throws Exception {
        Script script = new Script().then(l -> {
            throw gemini(503, D10_UNAVAILABLE);
        }).thenSucceed("answer");

        CompletableFuture<String> result = loop(3).run(MODEL, script);

        assertThat(result.get(1, TimeUnit.SECONDS)).isEqualTo("answer");
        assertThat(script.keys).containsExactly(K1, K2);
        assertThat(status(K1).consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void attemptsMayCompleteLaterOnAnotherThread() throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        Script script = new Script().then(l -> first).then(l -> second);

        CompletableFuture<String> result = loop(3).run(MODEL, script);
        assertThat(result).isNotDone();
        Thread t = new Thread(() -> first.completeExceptionally(new IOException("connection reset")));
        t.start();
        t.join(5_000);
        assertThat(script.keys).containsExactly(K1, K2);
        assertThat(result).isNotDone();
        second.complete("late answer");

        assertThat(result.get(1, TimeUnit.SECONDS)).isEqualTo("late answer");
        assertNothingInFlight();
    }

    @Test
    void callerGivingUpReturnsAHeldLeaseWhenTheAttemptSucceedsLate() {
        CompletableFuture<String> attempt = new CompletableFuture<>();
        Script script = new Script().handingOver().then(l -> attempt);

        CompletableFuture<String> result = loop(3).run(MODEL, script);
        result.cancel(true);
        attempt.complete("nobody wants this");

        assertThat(script.attempts.get(0).isDone()).isTrue();
        assertNothingInFlight();
    }

    @Test
    void callerGivingUpStopsRetries() {
        CompletableFuture<String> attempt = new CompletableFuture<>();
        Script script = new Script().then(l -> attempt);

        CompletableFuture<String> result = loop(3).run(MODEL, script);
        result.cancel(true);
        attempt.completeExceptionally(gemini(503, D10_UNAVAILABLE));

        assertThat(script.keys).containsExactly(K1);
        assertNothingInFlight();
    }
}
