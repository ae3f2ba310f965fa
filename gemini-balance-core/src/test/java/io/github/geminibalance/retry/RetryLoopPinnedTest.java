package io.github.geminibalance.retry;

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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link RetryLoop#runOn} and {@link KeyPool#acquire(String, String)}: one given key, never another. */
class RetryLoopPinnedTest {

    private static final String K1 = "AIzaSyA-k1aaaaaaaaaaaaaaaaaaaaaaaaaa0001";
    private static final String K2 = "AIzaSyB-k2bbbbbbbbbbbbbbbbbbbbbbbbbb0002";
    private static final String MODEL = "gemini-2.5-flash";
    private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final KeyPool pool = new KeyPool(List.of(K1, K2), 3, KeySelection.ROUND_ROBIN, clock);
    private final RetryLoop loop = new RetryLoop(pool, new RetryPolicy(3, clock));
    private final List<String> keys = new ArrayList<>();

    private static String id(String key) {
        return new ApiKey(key).id();
    }

    private RetryLoop.Call<String> answering(CompletableFuture<String> outcome) {
        return attempt -> {
            keys.add(attempt.key().value());
            return outcome;
        };
    }

    private KeyStatus status(String key) {
        return pool.status(id(key)).orElseThrow();
    }

    private static GeminiBalanceException failure(CompletableFuture<?> result) {
        Throwable t = assertThatThrownBy(() -> result.get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).actual().getCause();
        assertThat(t).isInstanceOf(GeminiBalanceException.class);
        return (GeminiBalanceException) t;
    }

    @Test
    void everyCallGoesToTheGivenKeyWithoutMovingTheRotation() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(loop.runOn(id(K2), MODEL, answering(CompletableFuture.completedFuture("ok")))
                    .get(1, TimeUnit.SECONDS)).isEqualTo("ok");
        }
        assertThat(keys).containsExactly(K2, K2, K2);
        assertThat(loop.run(MODEL, answering(CompletableFuture.completedFuture("ok"))).get(1, TimeUnit.SECONDS))
                .isEqualTo("ok");
        assertThat(keys.get(3)).as("the rotation starts where it was").isEqualTo(K1);
        assertThat(pool.status()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
    }

    @Test
    void aFailureIsNeverRetriedOnAnotherKeyAndIsChargedAsUsual() {
        GeminiApiException unavailable = new GeminiApiException(503, GeminiErrorTest.parse(503, D10_UNAVAILABLE), false);
        GeminiBalanceException e = failure(loop.runOn(id(K1), MODEL,
                answering(CompletableFuture.failedFuture(unavailable))));
        assertThat(e.httpStatus()).isGreaterThanOrEqualTo(500);
        assertThat(keys).containsExactly(K1);

        GeminiApiException limited = new GeminiApiException(429, GeminiErrorTest.parse(429, D9_RATE_LIMIT), false);
        assertThat(failure(loop.runOn(id(K1), MODEL, answering(CompletableFuture.failedFuture(limited)))).httpStatus())
                .isEqualTo(429);
        assertThat(status(K1).state()).isEqualTo(KeyState.COOLING);
        assertThat(keys).containsExactly(K1, K1);

        // resting: the call is refused with the key's wait, no attempt made
        GeminiBalanceException resting = failure(loop.runOn(id(K1), MODEL, answering(CompletableFuture.completedFuture("x"))));
        assertThat(resting.httpStatus()).isEqualTo(429);
        assertThat(resting.retryAfter()).hasValueSatisfying(d -> assertThat(d.toSeconds()).isEqualTo(38));
        assertThat(keys).hasSize(2);
    }

    @Test
    void aRemovedKeyGives404AndAnInvalidOne503() {
        GeminiApiException invalid = new GeminiApiException(400, GeminiErrorTest.parse(400, D7_INVALID_KEY), false);
        failure(loop.runOn(id(K1), MODEL, answering(CompletableFuture.failedFuture(invalid))));
        assertThat(status(K1).state()).isEqualTo(KeyState.INVALID);
        GeminiBalanceException unusable = failure(loop.runOn(id(K1), MODEL,
                answering(CompletableFuture.completedFuture("x"))));
        assertThat(unusable.httpStatus()).isEqualTo(503);
        assertThat(unusable.code()).contains("key_unusable");
        assertThat(unusable.getMessage()).doesNotContain(K1);

        pool.remove(List.of(id(K2)));
        GeminiBalanceException removed = failure(loop.runOn(id(K2), MODEL,
                answering(CompletableFuture.completedFuture("x"))));
        assertThat(removed.httpStatus()).isEqualTo(404);
        assertThat(removed.code()).contains("key_removed");
        assertThat(keys).containsExactly(K1);
    }

    @Test
    void acquireByIdLeasesOnlyThatKeyWhenItCanServe() {
        KeyPool.Lease lease = pool.acquire(id(K2), MODEL).orElseThrow();
        assertThat(lease.key().value()).isEqualTo(K2);
        assertThat(status(K2).inFlight()).isEqualTo(1);
        lease.complete(Verdict.SUCCESS);
        assertThat(pool.acquire("k-unknown", MODEL)).isEmpty();
        pool.disable(id(K2));
        assertThat(pool.acquire(id(K2), MODEL)).isEmpty();
    }
}
