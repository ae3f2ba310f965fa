package io.github.geminibalance.retry;

import static io.github.geminibalance.upstream.GeminiErrorTest.BAD_REQUEST_SCHEMA;
import static io.github.geminibalance.upstream.GeminiErrorTest.BARE_429;
import static io.github.geminibalance.upstream.GeminiErrorTest.D10_INTERNAL;
import static io.github.geminibalance.upstream.GeminiErrorTest.D10_UNAVAILABLE;
import static io.github.geminibalance.upstream.GeminiErrorTest.D7_INVALID_KEY;
import static io.github.geminibalance.upstream.GeminiErrorTest.D8_NO_KEY;
import static io.github.geminibalance.upstream.GeminiErrorTest.D8_SUSPENDED;
import static io.github.geminibalance.upstream.GeminiErrorTest.D9_DAILY;
import static io.github.geminibalance.upstream.GeminiErrorTest.D9_RATE_LIMIT;
import static io.github.geminibalance.upstream.GeminiErrorTest.D9_RATE_LIMIT_3_5S;
import static io.github.geminibalance.upstream.GeminiErrorTest.FAILED_PRECONDITION_LOCATION;
import static io.github.geminibalance.upstream.GeminiErrorTest.HTML_502;
import static io.github.geminibalance.upstream.GeminiErrorTest.NOT_FOUND_MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.keys.Verdict.Kind;
import io.github.geminibalance.upstream.GeminiApiException;
import io.github.geminibalance.upstream.GeminiError;
import io.github.geminibalance.upstream.GeminiErrorTest;
import io.github.geminibalance.upstream.SoftFailureException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");
    private final RetryPolicy policy = new RetryPolicy(3, Clock.fixed(NOW, ZoneOffset.UTC));

    private static String body(String status, int code, String reason) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"m\",\"status\":\"" + status + "\",\"details\":[{\"@type\":"
                + "\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"" + reason + "\",\"domain\":\"googleapis.com\"}]}}";
    }

    /** name, HTTP status, body, verdict kind, rest end (null if none), retry, verdict status, verdict reason. */
    static Stream<Arguments> geminiErrors() {
        return Stream.of(
                Arguments.of("400 API_KEY_INVALID (D7)", 400, D7_INVALID_KEY, Kind.INVALID, null, true, 400, "API_KEY_INVALID"),
                Arguments.of("400 API_KEY_EXPIRED", 400, body("INVALID_ARGUMENT", 400, "API_KEY_EXPIRED"),
                        Kind.INVALID, null, true, 400, "API_KEY_EXPIRED"),
                Arguments.of("403 CONSUMER_SUSPENDED (D8)", 403, D8_SUSPENDED, Kind.INVALID, null, true, 403,
                        "CONSUMER_SUSPENDED"),
                Arguments.of("403 PERMISSION_DENIED without details", 403, D8_NO_KEY, Kind.INVALID, null, true, 403,
                        "PERMISSION_DENIED"),
                Arguments.of("403 API_KEY_SERVICE_BLOCKED", 403, body("PERMISSION_DENIED", 403, "API_KEY_SERVICE_BLOCKED"),
                        Kind.INVALID, null, true, 403, "API_KEY_SERVICE_BLOCKED"),
                Arguments.of("403 about a resource, not the key", 403,
                        "{\"error\":{\"code\":403,\"message\":\"You do not have permission to access the File abc"
                                + " or it may not exist.\",\"status\":\"PERMISSION_DENIED\"}}",
                        Kind.NEUTRAL, null, false, 0, null),
                Arguments.of("403 about a cache that is gone or another project's, not the key", 403,
                        "{\"error\":{\"code\":403,\"message\":\"CachedContent not found (or permission denied)\","
                                + "\"status\":\"PERMISSION_DENIED\"}}",
                        Kind.NEUTRAL, null, false, 0, null),
                Arguments.of("403 Imagen for billed users only: the key rests for that model", 403,
                        "{\"error\":{\"code\":403,\"message\":\"Imagen API is only accessible to billed users at"
                                + " this time.\",\"status\":\"PERMISSION_DENIED\"}}",
                        Kind.COOLDOWN, NOW.plus(RetryPolicy.BILLING_REST), true, 403, RetryPolicy.BILLING_REQUIRED),
                Arguments.of("403 billed users only, with an ErrorInfo: still not an invalid key", 403,
                        "{\"error\":{\"code\":403,\"message\":\"Imagen API is only accessible to billed users at"
                                + " this time.\",\"status\":\"PERMISSION_DENIED\",\"details\":[{\"@type\":"
                                + "\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"PERMISSION_DENIED\"}]}}",
                        Kind.COOLDOWN, NOW.plus(RetryPolicy.BILLING_REST), true, 403, RetryPolicy.BILLING_REQUIRED),
                Arguments.of("400 billed users only (how Gemini says it for Imagen)", 400,
                        "{\"error\":{\"code\":400,\"message\":\"Imagen API is only accessible to billed users at"
                                + " this time.\",\"status\":\"INVALID_ARGUMENT\"}}",
                        Kind.COOLDOWN, NOW.plus(RetryPolicy.BILLING_REST), true, 400, RetryPolicy.BILLING_REQUIRED),
                Arguments.of("401 UNAUTHENTICATED", 401,
                        "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\","
                                + "\"status\":\"UNAUTHENTICATED\"}}",
                        Kind.INVALID, null, true, 401, "UNAUTHENTICATED"),
                Arguments.of("429 RetryInfo 38s (D9)", 429, D9_RATE_LIMIT, Kind.COOLDOWN, NOW.plusSeconds(38), true, 429,
                        "RESOURCE_EXHAUSTED"),
                Arguments.of("429 RetryInfo 3.5s", 429, D9_RATE_LIMIT_3_5S, Kind.COOLDOWN, NOW.plusMillis(3500), true, 429,
                        "RESOURCE_EXHAUSTED"),
                Arguments.of("429 without details", 429, BARE_429, Kind.COOLDOWN, NOW.plusSeconds(60), true, 429,
                        "RESOURCE_EXHAUSTED"),
                Arguments.of("429 per-day quota", 429, D9_DAILY, Kind.EXHAUSTED,
                        Instant.parse("2026-06-16T07:00:00Z"), true, 429, "DAILY_QUOTA"),
                Arguments.of("400 INVALID_ARGUMENT about the request", 400, BAD_REQUEST_SCHEMA, Kind.NEUTRAL, null, false,
                        0, null),
                Arguments.of("400 FAILED_PRECONDITION (location)", 400, FAILED_PRECONDITION_LOCATION, Kind.NEUTRAL, null,
                        false, 0, null),
                Arguments.of("404 NOT_FOUND", 404, NOT_FOUND_MODEL, Kind.NEUTRAL, null, false, 0, null),
                Arguments.of("413 too large", 413, "{\"error\":{\"code\":413,\"message\":\"too big\"}}", Kind.NEUTRAL,
                        null, false, 0, null),
                Arguments.of("500 INTERNAL (D10)", 500, D10_INTERNAL, Kind.FAILURE, null, true, 500, "INTERNAL"),
                Arguments.of("503 UNAVAILABLE (D10)", 503, D10_UNAVAILABLE, Kind.FAILURE, null, true, 503, "UNAVAILABLE"),
                Arguments.of("504 DEADLINE_EXCEEDED", 504,
                        "{\"error\":{\"code\":504,\"message\":\"Deadline expired before operation could complete.\","
                                + "\"status\":\"DEADLINE_EXCEEDED\"}}",
                        Kind.FAILURE, null, true, 504, "DEADLINE_EXCEEDED"),
                Arguments.of("408 request timeout", 408, "", Kind.FAILURE, null, true, 408, "HTTP_408"),
                Arguments.of("502 HTML from a proxy", 502, HTML_502, Kind.FAILURE, null, true, 502, "HTTP_502"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geminiErrors")
    void classifiesGeminiErrors(String name, int status, String body, Kind kind, Instant until, boolean retry,
            int verdictStatus, String reason) {
        GeminiError error = GeminiErrorTest.parse(status, body);

        Classification byStatus = policy.classify(status, error);
        Classification byException = policy.classify(new GeminiApiException(status, error, false));

        for (Classification c : new Classification[] {byStatus, byException}) {
            assertThat(c.verdict().kind()).isEqualTo(kind);
            assertThat(c.verdict().until()).isEqualTo(until);
            assertThat(c.retry()).isEqualTo(retry);
            assertThat(c.verdict().status()).isEqualTo(verdictStatus);
            assertThat(c.verdict().reason()).isEqualTo(reason);
        }
    }

    /** name, failure, verdict kind, retry, verdict status, verdict reason. */
    static Stream<Arguments> exceptions() {
        GeminiApiException rateLimited = new GeminiApiException(429, GeminiErrorTest.parse(429, D9_RATE_LIMIT), false);
        return Stream.of(
                Arguments.of("HttpTimeoutException", new HttpTimeoutException("request timed out"), Kind.FAILURE, true,
                        504, "TIMEOUT"),
                Arguments.of("TimeoutException (orTimeout)", new TimeoutException(), Kind.FAILURE, true, 504, "TIMEOUT"),
                Arguments.of("IOException", new IOException("connection reset"), Kind.FAILURE, true, 502, "CONNECTION"),
                Arguments.of("ConnectException", new ConnectException("refused"), Kind.FAILURE, true, 502, "CONNECTION"),
                Arguments.of("SoftFailureException", new SoftFailureException("EMPTY_RESPONSE", "no candidates"),
                        Kind.FAILURE, true, 200, "EMPTY_RESPONSE"),
                Arguments.of("CompletionException(IOException)", new CompletionException(new IOException("reset")),
                        Kind.FAILURE, true, 502, "CONNECTION"),
                Arguments.of("CompletionException(CompletionException(HttpTimeoutException))",
                        new CompletionException(new CompletionException(new HttpTimeoutException("t"))), Kind.FAILURE,
                        true, 504, "TIMEOUT"),
                Arguments.of("ExecutionException(SoftFailureException)",
                        new ExecutionException(new SoftFailureException("STREAM_ENDED_EARLY", "ended")), Kind.FAILURE,
                        true, 200, "STREAM_ENDED_EARLY"),
                Arguments.of("CompletionException(GeminiApiException 429)", new CompletionException(rateLimited),
                        Kind.COOLDOWN, true, 429, "RESOURCE_EXHAUSTED"),
                Arguments.of("in-stream GeminiApiException 503",
                        new GeminiApiException(503, GeminiErrorTest.parse(503, D10_UNAVAILABLE), true), Kind.FAILURE, true,
                        503, "UNAVAILABLE"),
                Arguments.of("CancellationException", new CancellationException(), Kind.NEUTRAL, false, 0, null),
                Arguments.of("unknown RuntimeException", new IllegalStateException("bug"), Kind.NEUTRAL, false, 0, null),
                Arguments.of("CompletionException(NullPointerException)", new CompletionException(new NullPointerException()),
                        Kind.NEUTRAL, false, 0, null),
                Arguments.of("InvalidRequestException", new InvalidRequestException("messages", "bad"), Kind.NEUTRAL,
                        false, 0, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exceptions")
    void classifiesExceptions(String name, Throwable failure, Kind kind, boolean retry, int verdictStatus, String reason) {
        Classification c = policy.classify(failure);

        assertThat(c.verdict().kind()).isEqualTo(kind);
        assertThat(c.retry()).isEqualTo(retry);
        assertThat(c.verdict().status()).isEqualTo(verdictStatus);
        assertThat(c.verdict().reason()).isEqualTo(reason);
    }

    /** now, the next midnight in Los Angeles. */
    static Stream<Arguments> dailyQuotaEnds() {
        return Stream.of(
                // summer (PDT, UTC-7)
                Arguments.of("2026-06-15T12:00:00Z", "2026-06-16T07:00:00Z"),
                // 23:59 PDT: a minute to go
                Arguments.of("2026-06-16T06:59:00Z", "2026-06-16T07:00:00Z"),
                // exactly midnight PDT: the next one, a day later
                Arguments.of("2026-06-16T07:00:00Z", "2026-06-17T07:00:00Z"),
                // winter (PST, UTC-8)
                Arguments.of("2026-01-10T20:00:00Z", "2026-01-11T08:00:00Z"),
                // spring forward: 2026-03-08 has 23 hours in Los Angeles
                Arguments.of("2026-03-08T07:30:00Z", "2026-03-08T08:00:00Z"),
                Arguments.of("2026-03-08T12:00:00Z", "2026-03-09T07:00:00Z"),
                // fall back: 2026-11-01 has 25 hours
                Arguments.of("2026-11-01T06:30:00Z", "2026-11-01T07:00:00Z"),
                Arguments.of("2026-11-01T12:00:00Z", "2026-11-02T08:00:00Z"));
    }

    @ParameterizedTest(name = "at {0} the daily quota returns at {1}")
    @MethodSource("dailyQuotaEnds")
    void dailyQuotaEndsAtTheNextMidnightInLosAngeles(String now, String midnight) {
        RetryPolicy p = new RetryPolicy(3, Clock.fixed(Instant.parse(now), ZoneOffset.UTC));

        Classification c = p.classify(429, GeminiErrorTest.parse(429, D9_DAILY));

        assertThat(c.verdict().kind()).isEqualTo(Kind.EXHAUSTED);
        assertThat(c.verdict().until()).isEqualTo(Instant.parse(midnight));
        assertThat(c.retry()).isTrue();
    }

    @Test
    void unwrapStripsFutureWrappersOnly() {
        IOException io = new IOException("x");
        RuntimeException other = new RuntimeException(io);

        assertThat(RetryPolicy.unwrap(new CompletionException(new ExecutionException(io)))).isSameAs(io);
        assertThat(RetryPolicy.unwrap(other)).isSameAs(other);
        CompletionException empty = new CompletionException("no cause", null);
        assertThat(RetryPolicy.unwrap(empty)).isSameAs(empty);
    }

    @Test
    void maxAttemptsMustBePositive() {
        assertThat(policy.maxAttempts()).isEqualTo(3);
        assertThatThrownBy(() -> new RetryPolicy(0, Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class);
    }
}
