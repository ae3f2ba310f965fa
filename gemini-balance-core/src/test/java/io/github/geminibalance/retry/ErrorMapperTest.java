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
import static io.github.geminibalance.upstream.GeminiErrorTest.FAILED_PRECONDITION_LOCATION;
import static io.github.geminibalance.upstream.GeminiErrorTest.HTML_502;
import static io.github.geminibalance.upstream.GeminiErrorTest.NOT_FOUND_MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.upstream.GeminiApiException;
import io.github.geminibalance.upstream.GeminiErrorTest;
import io.github.geminibalance.upstream.SoftFailureException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ErrorMapperTest {

    private static GeminiApiException gemini(int status, String body) {
        return new GeminiApiException(status, GeminiErrorTest.parse(status, body), false);
    }

    /**
     * name, failure, retryAfter passed in, expected HTTP status, type, code (null for none), param (null for
     * none), retryAfter (null for none), message start.
     */
    static Stream<Arguments> mappings() {
        return Stream.of(
                Arguments.of("429 per minute, delay from RetryInfo", gemini(429, D9_RATE_LIMIT), null,
                        429, "requests", "rate_limit_exceeded", null, Duration.ofSeconds(38), "Gemini rate limit: You exceeded"),
                Arguments.of("429 per minute, delay from the pool wins", gemini(429, D9_RATE_LIMIT), Duration.ofSeconds(7),
                        429, "requests", "rate_limit_exceeded", null, Duration.ofSeconds(7), "Gemini rate limit: "),
                Arguments.of("429 without details", gemini(429, BARE_429), null,
                        429, "requests", "rate_limit_exceeded", null, null, "Gemini rate limit: Resource has been exhausted"),
                Arguments.of("429 daily quota", gemini(429, D9_DAILY), Duration.ofHours(5),
                        429, "insufficient_quota", "insufficient_quota", null, Duration.ofHours(5), "Gemini rate limit: "),
                Arguments.of("400 API_KEY_INVALID", gemini(400, D7_INVALID_KEY), null,
                        503, "server_error", "upstream_key_rejected", null, null,
                        "Gemini rejected the pool's API key (API_KEY_INVALID): API key not valid."),
                Arguments.of("400 API_KEY_EXPIRED", gemini(400,
                        "{\"error\":{\"code\":400,\"message\":\"API key expired. Please renew the API key.\",\"status\":"
                                + "\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\","
                                + "\"reason\":\"API_KEY_EXPIRED\",\"domain\":\"googleapis.com\"}]}}"), null,
                        503, "server_error", "upstream_key_rejected", null, null,
                        "Gemini rejected the pool's API key (API_KEY_EXPIRED)"),
                Arguments.of("403 CONSUMER_SUSPENDED", gemini(403, D8_SUSPENDED), null,
                        503, "server_error", "upstream_key_rejected", null, null,
                        "Gemini rejected the pool's API key (CONSUMER_SUSPENDED)"),
                Arguments.of("403 without details", gemini(403, D8_NO_KEY), null,
                        503, "server_error", "upstream_key_rejected", null, null, "Gemini rejected the pool's API key: Method"),
                Arguments.of("404 NOT_FOUND", gemini(404, NOT_FOUND_MODEL), null,
                        404, "invalid_request_error", "model_not_found", "model", null, "models/gemini-2.5-flash is not found"),
                Arguments.of("400 with BadRequest field", gemini(400, BAD_REQUEST_SCHEMA), null,
                        400, "invalid_request_error", null, "tools[0].function_declarations[0].parameters", null,
                        "Gemini rejected the request: Invalid JSON payload received."),
                Arguments.of("400 FAILED_PRECONDITION", gemini(400, FAILED_PRECONDITION_LOCATION), null,
                        400, "invalid_request_error", "failed_precondition", null, null, "User location is not supported"),
                Arguments.of("500 INTERNAL", gemini(500, D10_INTERNAL), null,
                        502, "server_error", "upstream_error", null, null, "Gemini error 500 INTERNAL: An internal error"),
                Arguments.of("503 UNAVAILABLE", gemini(503, D10_UNAVAILABLE), null,
                        503, "server_error", "upstream_error", null, null, "Gemini error 503 UNAVAILABLE: The model is overloaded."),
                Arguments.of("504 DEADLINE_EXCEEDED", gemini(504,
                        "{\"error\":{\"code\":504,\"message\":\"Deadline expired.\",\"status\":\"DEADLINE_EXCEEDED\"}}"), null,
                        504, "server_error", "upstream_error", null, null, "Gemini error 504 DEADLINE_EXCEEDED"),
                Arguments.of("502 HTML", gemini(502, HTML_502), null,
                        502, "server_error", "upstream_error", null, null, "Gemini error 502: <html>"),
                Arguments.of("in-stream 503", new CompletionException(new GeminiApiException(503,
                        GeminiErrorTest.parse(503, D10_UNAVAILABLE), true)), null,
                        503, "server_error", "upstream_error", null, null, "Gemini error 503"),
                Arguments.of("HttpTimeoutException", new HttpTimeoutException("request timed out"), null,
                        504, "server_error", "upstream_timeout", null, null, "Gemini did not answer in time"),
                Arguments.of("TimeoutException", new CompletionException(new TimeoutException()), null,
                        504, "server_error", "upstream_timeout", null, null, "Gemini did not answer in time"),
                Arguments.of("IOException", new IOException("Connection reset"), null,
                        502, "server_error", "upstream_unreachable", null, null, "could not reach Gemini: Connection reset"),
                Arguments.of("IOException naming a class", new IOException("java.io.EOFException: EOF reached"), null,
                        502, "server_error", "upstream_unreachable", null, null, "could not reach Gemini: the connection failed"),
                Arguments.of("ClosedChannelException", new java.nio.channels.ClosedChannelException(), null,
                        502, "server_error", "upstream_unreachable", null, null, "could not reach Gemini: the connection closed early"),
                Arguments.of("SoftFailureException", new SoftFailureException("EMPTY_RESPONSE", "no candidates"), null,
                        502, "server_error", "empty_response", null, null, "Gemini returned no usable answer: no candidates"),
                Arguments.of("CancellationException", new CancellationException(), null,
                        499, "invalid_request_error", "cancelled", null, null, "the request was cancelled"),
                Arguments.of("unknown", new IllegalStateException("secret internals"), null,
                        500, "server_error", "internal_error", null, null, "internal error; see the server log"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mappings")
    void mapsFailuresToClientErrors(String name, Throwable failure, Duration retryAfterIn, int status, String type,
            String code, String param, Duration retryAfter, String messageStart) {
        GeminiBalanceException e = ErrorMapper.toClient(failure, retryAfterIn);

        assertThat(e.httpStatus()).isEqualTo(status);
        assertThat(e.type()).isEqualTo(type);
        assertThat(e.code().orElse(null)).isEqualTo(code);
        assertThat(e.param().orElse(null)).isEqualTo(param);
        assertThat(e.retryAfter().orElse(null)).isEqualTo(retryAfter);
        assertThat(e.getMessage()).startsWith(messageStart);
    }

    @Test
    void notFoundIsAnInvalidRequest() {
        assertThat(ErrorMapper.toClient(gemini(404, NOT_FOUND_MODEL), null)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void unknownFailuresDoNotLeakTheirMessage() {
        GeminiBalanceException e = ErrorMapper.toClient(new IllegalStateException("AIzaSyEXAMPLE-not-a-real-key"), null);

        assertThat(e.getMessage()).doesNotContain("AIza");
    }

    @Test
    void geminiBalanceExceptionsPassThrough() {
        InvalidRequestException original = new InvalidRequestException("messages[0].content", "must not be empty");

        assertThat(ErrorMapper.toClient(original, null)).isSameAs(original);
        assertThat(ErrorMapper.toClient(new CompletionException(original), Duration.ofSeconds(3))).isSameAs(original);
    }

    @Test
    void causeIsKept() {
        GeminiApiException cause = gemini(503, D10_UNAVAILABLE);

        assertThat(ErrorMapper.toClient(new CompletionException(cause), null)).hasCause(cause);
    }

    @Test
    void suspendedKeyQuotedByGeminiIsMaskedEverywhere() {
        String raw = "AIzaSyEXAMPLE-not-a-real-key";
        GeminiBalanceException e = ErrorMapper.toClient(new CompletionException(gemini(403, D8_SUSPENDED)), null);

        assertThat(e.getMessage()).contains("api_key:").doesNotContain(raw).doesNotContain("EXAMPLE-not-a-real");
        // the whole chain, as a server log would print it
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(raw).doesNotContain("EXAMPLE-not-a-real");
    }

    @Test
    void keyInATransportMessageIsMasked() {
        GeminiBalanceException e = ErrorMapper.toClient(
                new IOException("failed for https://x/v1beta/models?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqx9Q4"), null);

        assertThat(e.getMessage()).contains("AIza...x9Q4").doesNotContain("AIzaSyDdI0hCZtE6vySjMm");
    }
}
