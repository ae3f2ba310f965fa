package io.github.geminibalance.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.keys.Verdict;
import io.github.geminibalance.upstream.GeminiApiException;
import io.github.geminibalance.upstream.GeminiErrorTest;
import io.github.geminibalance.upstream.SoftFailureException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table for every kind of failure: the verdict on the key and the client's error come from the same
 * {@link Failure}, and the old entry points ({@link RetryPolicy#classify}, {@link ErrorMapper#toClient})
 * answer exactly what it says.
 */
class FailureTest {

    private final RetryPolicy policy = new RetryPolicy(3,
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new GeminiApiException(400, GeminiErrorTest.parse(400, GeminiErrorTest.D7_INVALID_KEY), false),
                        Failure.Kind.GEMINI, Verdict.Kind.INVALID, true, 503),
                Arguments.of(new GeminiApiException(429, GeminiErrorTest.parse(429, GeminiErrorTest.D9_RATE_LIMIT), false),
                        Failure.Kind.GEMINI, Verdict.Kind.COOLDOWN, true, 429),
                Arguments.of(new SoftFailureException("NO_CANDIDATE", "no candidate"),
                        Failure.Kind.EMPTY_ANSWER, Verdict.Kind.FAILURE, true, 502),
                Arguments.of(new HttpTimeoutException("slow"), Failure.Kind.TIMEOUT, Verdict.Kind.FAILURE, true, 504),
                Arguments.of(new ConnectException("refused"), Failure.Kind.CONNECTION, Verdict.Kind.FAILURE, true, 502),
                Arguments.of(new IOException("reset"), Failure.Kind.CONNECTION, Verdict.Kind.FAILURE, true, 502),
                Arguments.of(new CancellationException(), Failure.Kind.CANCELLED, Verdict.Kind.NEUTRAL, false, 499),
                Arguments.of(new InvalidRequestException("model", "no model"),
                        Failure.Kind.CLIENT_ERROR, Verdict.Kind.NEUTRAL, false, 400),
                Arguments.of(new IllegalStateException("bug"), Failure.Kind.INTERNAL, Verdict.Kind.NEUTRAL, false, 500));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void oneRecognitionGivesTheVerdictAndTheClientError(Throwable t, Failure.Kind kind, Verdict.Kind verdict,
            boolean retry, int clientStatus) {
        for (Throwable wrapped : new Throwable[] {t, new CompletionException(t), new ExecutionException(t)}) {
            Failure f = Failure.of(wrapped);

            assertThat(f.kind()).isEqualTo(kind);
            assertThat(f.cause()).isSameAs(t);
            Classification c = f.classification(policy);
            assertThat(c.verdict().kind()).isEqualTo(verdict);
            assertThat(c.retry()).isEqualTo(retry);
            GeminiBalanceException e = f.clientError(Duration.ofSeconds(7));
            assertThat(e.httpStatus()).isEqualTo(clientStatus);

            assertThat(policy.classify(wrapped)).isEqualTo(c);
            assertThat(ErrorMapper.toClient(wrapped, null).httpStatus()).isEqualTo(clientStatus);
        }
    }

    @ParameterizedTest
    @MethodSource("failures")
    void aClientErrorIsPassedOnAsItIs(Throwable t, Failure.Kind kind, Verdict.Kind verdict, boolean retry,
            int clientStatus) {
        if (t instanceof GeminiBalanceException g) {
            assertThat(Failure.of(new CompletionException(g)).clientError(null)).isSameAs(g);
        } else {
            assertThat(Failure.of(t).clientError(null).getCause()).isSameAs(t);
        }
    }

    @org.junit.jupiter.api.Test
    void nullIsAnInternalFailureNotTheKeysFault() {
        assertThat(Failure.of(null).kind()).isEqualTo(Failure.Kind.INTERNAL);
        assertThat(policy.classify(null).verdict()).isEqualTo(Verdict.NEUTRAL);
        assertThat(ErrorMapper.toClient(null, null).httpStatus()).isEqualTo(500);
    }
}
