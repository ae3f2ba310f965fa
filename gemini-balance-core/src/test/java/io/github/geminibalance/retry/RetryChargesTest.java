package io.github.geminibalance.retry;

import static io.github.geminibalance.upstream.GeminiErrorTest.D10_INTERNAL;
import static io.github.geminibalance.upstream.GeminiErrorTest.D10_UNAVAILABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.config.KeySelection;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.upstream.GeminiApiException;
import io.github.geminibalance.upstream.GeminiErrorTest;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * When a transient failure costs a key a strike: only once another key served the same request;
 * never when the failure follows the request, when the attempts run out, or while the upstream
 * circuit is open.
 */
class RetryChargesTest {

    private static final String K1 = "AIzaSyA-k1aaaaaaaaaaaaaaaaaaaaaaaaaa0001";
    private static final String K2 = "AIzaSyB-k2bbbbbbbbbbbbbbbbbbbbbbbbbb0002";
    private static final String K3 = "AIzaSyC-k3cccccccccccccccccccccccccc0003";
    private static final String MODEL = "gemini-2.5-flash";
    private static final int MAX_FAILURES = 3;

    private final Clock clock = Clock.fixed(Instant.parse("2026-06-15T12:00:00Z"), ZoneOffset.UTC);
    private final KeyPool pool = new KeyPool(List.of(K1, K2, K3), MAX_FAILURES, KeySelection.ROUND_ROBIN, clock);
    private final UpstreamCircuit circuit = new UpstreamCircuit(5, Duration.ofSeconds(30), clock);
    private final RetryLoop loop = new RetryLoop(pool, new RetryPolicy(3, clock),
            io.github.geminibalance.GeminiBalanceListener.NONE, circuit);

    /** Answers by key, and records the keys in call order. */
    private static final class ByKey implements RetryLoop.Call<String> {
        final List<String> keys = new ArrayList<>();
        Function<String, CompletableFuture<String>> answer;
        boolean handOver;

        ByKey(Function<String, CompletableFuture<String>> answer) {
            this.answer = answer;
        }

        @Override
        public CompletableFuture<String> call(Attempt lease) {
            keys.add(lease.key().value());
            if (handOver) {
                lease.handOver();
            }
            return answer.apply(lease.key().value());
        }
    }

    private static GeminiApiException gemini(int status, String body) {
        return new GeminiApiException(status, GeminiErrorTest.parse(status, body), false);
    }

    private static CompletableFuture<String> fail(Throwable t) {
        return CompletableFuture.failedFuture(t);
    }

    private static CompletableFuture<String> ok() {
        return CompletableFuture.completedFuture("answer");
    }

    private KeyStatus status(String key) {
        String id = new ApiKey(key).id();
        return pool.status().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    private static GeminiBalanceException failure(CompletableFuture<?> result) {
        assertThat(result).isCompletedExceptionally();
        try {
            result.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(GeminiBalanceException.class);
            return (GeminiBalanceException) e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private void assertNoStrikes() {
        assertThat(pool.status()).allSatisfy(s -> {
            assertThat(s.consecutiveFailures()).as(s.masked()).isZero();
            assertThat(s.inFlight()).as(s.masked()).isZero();
        });
    }

    @Test
    void aTransientFailureIsChargedOnlyOnceAnotherKeyServedTheRequest() throws Exception {
        List<Integer> k1FailuresDuringSecondAttempt = new ArrayList<>();
        ByKey attempt = new ByKey(key -> {
            if (key.equals(K1)) {
                return fail(gemini(500, D10_INTERNAL));
            }
            // the first key went back to the pool at once, without a strike
            k1FailuresDuringSecondAttempt.add(status(K1).consecutiveFailures());
            assertThat(status(K1).inFlight()).isZero();
            return ok();
        });

        assertThat(loop.run(MODEL, attempt).get()).isEqualTo("answer");

        assertThat(attempt.keys).containsExactly(K1, K2);
        assertThat(k1FailuresDuringSecondAttempt).containsExactly(0);
        assertThat(status(K1).consecutiveFailures()).as("charged after K2 succeeded").isEqualTo(1);
        assertThat(status(K1).lastErrorStatus()).isEqualTo(500);
        assertThat(status(K2).consecutiveFailures()).isZero();
    }

    @Test
    void chargesAreAppliedAlsoWhenTheResultHoldsTheLease() throws Exception {
        ByKey attempt = new ByKey(key -> key.equals(K1) ? fail(new HttpTimeoutException("slow")) : ok());
        attempt.handOver = true;

        assertThat(loop.run(MODEL, attempt).get()).isEqualTo("answer");

        assertThat(status(K1).consecutiveFailures()).isEqualTo(1);
        assertThat(status(K1).lastErrorReason()).isEqualTo("TIMEOUT");
    }

    @Test
    void theSameFailureOnASecondKeyFollowsTheRequestAndStrikesNoKey() {
        ByKey attempt = new ByKey(key -> fail(gemini(500, D10_INTERNAL)));

        GeminiBalanceException e = failure(loop.run(MODEL, attempt));

        assertThat(attempt.keys).as("no third attempt").containsExactly(K1, K2);
        assertThat(e.httpStatus()).isEqualTo(502);
        assertThat(e.code()).contains("upstream_error");
        assertThat(e.getMessage()).contains("INTERNAL");
        assertNoStrikes();
    }

    @Test
    void theSameTimeoutOnASecondKeyFollowsTheRequest() {
        ByKey attempt = new ByKey(key -> fail(new HttpTimeoutException("request timed out")));

        GeminiBalanceException e = failure(loop.run(MODEL, attempt));

        assertThat(attempt.keys).containsExactly(K1, K2);
        assertThat(e.httpStatus()).isEqualTo(504);
        assertNoStrikes();
    }

    @Test
    void differentFailuresUntilTheAttemptsRunOutStrikeNoKey() {
        ByKey attempt = new ByKey(key -> switch (key) {
            case K1 -> fail(gemini(500, D10_INTERNAL));
            case K2 -> fail(gemini(503, D10_UNAVAILABLE));
            default -> fail(new HttpTimeoutException("request timed out"));
        });

        GeminiBalanceException e = failure(loop.run(MODEL, attempt));

        assertThat(attempt.keys).containsExactly(K1, K2, K3);
        assertThat(e.httpStatus()).as("the last of equally ranked failures").isEqualTo(504);
        assertNoStrikes();
    }

    @Test
    void aKeyThatAlwaysFailsWhileOthersServeBecomesFailing() throws Exception {
        ByKey attempt = new ByKey(key -> key.equals(K1) ? fail(gemini(500, D10_INTERNAL)) : ok());

        int requests = 0;
        while (status(K1).state() != KeyState.FAILING && requests < 50) {
            assertThat(loop.run(MODEL, attempt).get()).isEqualTo("answer");
            requests++;
        }

        assertThat(status(K1).state()).isEqualTo(KeyState.FAILING);
        assertThat(status(K1).consecutiveFailures()).isEqualTo(MAX_FAILURES);
        assertThat(attempt.keys.stream().filter(K1::equals).count()).as("one strike per failure")
                .isEqualTo(MAX_FAILURES);
        assertThat(circuit.openModels()).as("one key failing is not an outage").isEmpty();
        attempt.keys.clear();
        for (int i = 0; i < 6; i++) {
            loop.run(MODEL, attempt).get();
        }
        assertThat(attempt.keys).as("a FAILING key is skipped").doesNotContain(K1);
    }

    @Test
    void duringAnOutageTheCircuitStopsRetriesAndTheFirstSuccessClosesIt() throws Exception {
        boolean[] down = {true};
        ByKey attempt = new ByKey(key -> down[0] ? fail(gemini(503, D10_UNAVAILABLE)) : ok());

        // 2 + 2 attempts (the failure follows each request), then the fifth failure opens the circuit
        for (int i = 0; i < 3; i++) {
            assertThat(failure(loop.run(MODEL, attempt)).httpStatus()).isEqualTo(503);
        }
        assertThat(attempt.keys).hasSize(5);
        assertThat(circuit.isOpen(MODEL)).isTrue();
        assertThat(circuit.openModels()).containsOnlyKeys(MODEL);

        attempt.keys.clear();
        for (int i = 0; i < 4; i++) {
            assertThat(failure(loop.run(MODEL, attempt)).httpStatus()).isEqualTo(503);
        }
        assertThat(attempt.keys).as("one attempt per request while open, no fast failure").hasSize(4);
        assertNoStrikes();

        down[0] = false;
        assertThat(loop.run(MODEL, attempt).get()).isEqualTo("answer");
        assertThat(circuit.isOpen(MODEL)).isFalse();
        assertNoStrikes();
    }

    @Test
    void whileTheCircuitIsOpenAnEarlierPendingChargeIsDropped() throws Exception {
        // the circuit opens (through other requests) between this request's two attempts
        ByKey attempt = new ByKey(key -> {
            if (key.equals(K1)) {
                return fail(gemini(500, D10_INTERNAL));
            }
            for (int i = 0; i < 5; i++) {
                circuit.onTransientFailure(MODEL, i % 2 == 0 ? "a" : "b");
            }
            return ok();
        });

        assertThat(loop.run(MODEL, attempt).get()).isEqualTo("answer");

        assertThat(circuit.isOpen(MODEL)).as("closed by the success").isFalse();
        assertNoStrikes();
    }

    @Test
    void aRateLimitBetweenTwoEqualFailuresDoesNotHideThatTheFailureFollowsTheRequest() {
        ByKey attempt = new ByKey(key -> key.equals(K2)
                ? fail(gemini(429, GeminiErrorTest.D9_RATE_LIMIT)) : fail(gemini(500, D10_INTERNAL)));

        GeminiBalanceException e = failure(loop.run(MODEL, attempt));

        assertThat(attempt.keys).containsExactly(K1, K2, K3);
        assertThat(e.httpStatus()).isEqualTo(502);
        assertThat(status(K2).state()).isEqualTo(KeyState.COOLING);
        assertThat(status(K1).consecutiveFailures()).isZero();
        assertThat(status(K3).consecutiveFailures()).isZero();
    }

    // --- 429 about the per-minute input-token quota: it may be the request's size, not the key's use

    @Test
    void anInputTokenRateLimitOnTwoKeysFollowsTheRequestAndRestsNoKey() {
        ByKey attempt = new ByKey(key -> fail(gemini(429, GeminiErrorTest.D9_INPUT_TOKENS)));

        GeminiBalanceException e = failure(loop.run(MODEL, attempt));

        assertThat(attempt.keys).as("no third attempt").containsExactly(K1, K2);
        assertThat(e.httpStatus()).isEqualTo(429);
        assertThat(e.code()).contains("request_exceeds_input_token_quota");
        assertThat(e.getMessage()).contains("input-token quota").contains("You exceeded your current quota");
        assertThat(e.retryAfter()).as("waiting does not make the prompt fit").isEmpty();
        assertThat(pool.status()).allSatisfy(s -> assertThat(s.state()).as(s.masked()).isEqualTo(KeyState.ACTIVE));
        assertNoStrikes();
    }

    @Test
    void manyOversizedRequestsLeaveThePoolServing() throws Exception {
        for (int i = 0; i < 5; i++) {
            failure(loop.run(MODEL, new ByKey(key -> fail(gemini(429, GeminiErrorTest.D9_INPUT_TOKENS)))));
        }

        ByKey normal = new ByKey(key -> ok());
        for (int i = 0; i < 3; i++) {
            assertThat(loop.run(MODEL, normal).get()).isEqualTo("answer");
        }
        assertThat(normal.keys).containsExactlyInAnyOrder(K1, K2, K3);
        assertThat(pool.status()).allSatisfy(s -> assertThat(s.state()).as(s.masked()).isEqualTo(KeyState.ACTIVE));
    }

    @Test
    void anInputTokenRateLimitIsHeldBackAndAppliedOnceAnotherKeyServedTheRequest() throws Exception {
        List<KeyState> k1StateDuringSecondAttempt = new ArrayList<>();
        ByKey attempt = new ByKey(key -> {
            if (key.equals(K1)) {
                return fail(gemini(429, GeminiErrorTest.D9_INPUT_TOKENS));
            }
            k1StateDuringSecondAttempt.add(status(K1).state());
            return ok();
        });

        assertThat(loop.run(MODEL, attempt).get()).isEqualTo("answer");

        assertThat(attempt.keys).containsExactly(K1, K2);
        assertThat(k1StateDuringSecondAttempt).as("returned without a rest").containsExactly(KeyState.ACTIVE);
        assertThat(status(K1).state()).as("the request fit on K2: K1's budget was spent").isEqualTo(KeyState.COOLING);
        assertThat(pool.earliestRecovery(MODEL)).contains(Duration.ZERO);
        assertThat(status(K2).state()).isEqualTo(KeyState.ACTIVE);
    }

    @Test
    void aRequestsPerMinuteRateLimitStillRestsTheKeyAtOnce() throws Exception {
        List<KeyState> k1StateDuringSecondAttempt = new ArrayList<>();
        ByKey attempt = new ByKey(key -> {
            if (key.equals(K1)) {
                return fail(gemini(429, GeminiErrorTest.D9_RATE_LIMIT));
            }
            k1StateDuringSecondAttempt.add(status(K1).state());
            return ok();
        });

        assertThat(loop.run(MODEL, attempt).get()).isEqualTo("answer");

        assertThat(k1StateDuringSecondAttempt).containsExactly(KeyState.COOLING);
    }

    @Test
    void anInputTokenRateLimitThenAnotherFailureRestsNoKeyWhenTheAttemptsRunOut() {
        ByKey attempt = new ByKey(key -> key.equals(K1) ? fail(gemini(429, GeminiErrorTest.D9_INPUT_TOKENS))
                : key.equals(K2) ? fail(gemini(500, D10_INTERNAL)) : fail(gemini(503, D10_UNAVAILABLE)));

        GeminiBalanceException e = failure(loop.run(MODEL, attempt));

        assertThat(attempt.keys).containsExactly(K1, K2, K3);
        assertThat(e.httpStatus()).as("the rate limit ranks first").isEqualTo(429);
        assertThat(e.retryAfter()).as("Gemini's delay: no key rests").contains(Duration.ofSeconds(38));
        assertThat(pool.status()).allSatisfy(s -> assertThat(s.state()).as(s.masked()).isEqualTo(KeyState.ACTIVE));
        assertNoStrikes();
    }
}
