package io.github.geminibalance.retry;

import static io.github.geminibalance.upstream.GeminiErrorTest.D10_UNAVAILABLE;
import static io.github.geminibalance.upstream.GeminiErrorTest.D7_INVALID_KEY;
import static io.github.geminibalance.upstream.GeminiErrorTest.D9_RATE_LIMIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.config.KeySelection;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.upstream.GeminiApiException;
import io.github.geminibalance.upstream.GeminiErrorTest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An attempt gives its key back once, with the verdict its outcome deserves. */
class AttemptTest {

    private static final String K1 = "AIzaSyA-k1aaaaaaaaaaaaaaaaaaaaaaaaaa0001";
    private static final String MODEL = "gemini-2.5-flash";
    private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final KeyPool pool = new KeyPool(List.of(K1), 3, KeySelection.ROUND_ROBIN, clock);
    private final RetryPolicy policy = new RetryPolicy(3, clock);

    private Attempt attempt() {
        return new Attempt(pool.acquire(MODEL, Set.of()).orElseThrow(), pool, policy);
    }

    private KeyStatus status() {
        return pool.status().get(0);
    }

    private static GeminiApiException gemini(int status, String body) {
        return new GeminiApiException(status, GeminiErrorTest.parse(status, body), false);
    }

    @Test
    void holdsTheKeyUntilItEnds() {
        Attempt a = attempt();
        assertThat(status().inFlight()).isEqualTo(1);
        assertThat(a.isDone()).isFalse();

        a.succeeded();

        assertThat(a.isDone()).isTrue();
        assertThat(status().inFlight()).isZero();
        assertThat(status().state()).isEqualTo(KeyState.ACTIVE);
    }

    @Test
    void aFailureIsClassifiedByThePolicy() {
        attempt().failed(gemini(429, D9_RATE_LIMIT));
        assertThat(status().state()).as("Gemini's 429 with a retry delay rests the key").isEqualTo(KeyState.COOLING);

        KeyPool other = new KeyPool(List.of(K1), 3, KeySelection.ROUND_ROBIN, clock);
        new Attempt(other.acquire(MODEL, Set.of()).orElseThrow(), other, policy).failed(gemini(400, D7_INVALID_KEY));
        assertThat(other.status().get(0).state()).isEqualTo(KeyState.INVALID);
    }

    @Test
    void onlyTheFirstEndingCounts() {
        Attempt a = attempt();
        a.abandoned();
        a.failed(gemini(400, D7_INVALID_KEY)); // a late error path: ignored
        a.failed(gemini(503, D10_UNAVAILABLE));

        assertThat(status().state()).isEqualTo(KeyState.ACTIVE);
        assertThat(status().consecutiveFailures()).isZero();
        assertThat(status().inFlight()).isZero();
    }

    @Test
    void handingOverIsNoted() {
        Attempt a = attempt();
        assertThat(a.handedOver()).isFalse();
        assertThat(a.handOver()).isSameAs(a);
        assertThat(a.handedOver()).isTrue();
        assertThat(a.isDone()).as("handing over does not end it").isFalse();
    }

    @Test
    void tokensAreCountedOnItsKey() {
        Attempt a = attempt();
        a.countTokens(120);
        a.succeeded();
        assertThat(status().tokensToday()).isEqualTo(120);
    }
}
