package io.github.geminibalance.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.openai.ErrorResponse;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Builds every error a client sees, in the OpenAI envelope
 * {@code {"error":{"message","type","param","code"}}}, written with the core's mapper so all four members
 * are present even when null.
 */
final class ErrorResponses {

    /** The {@code type} of client errors. */
    static final String INVALID_REQUEST = "invalid_request_error";
    /** The {@code type} of server-side failures. */
    static final String SERVER_ERROR = "server_error";
    /** The OpenAI SDKs' millisecond-precision companion of {@code Retry-After}. */
    static final String RETRY_AFTER_MS = "retry-after-ms";

    private ErrorResponses() {}

    /** An error response with the given status and envelope members (param and code may be null). */
    static MutableHttpResponse<byte[]> of(int status, String message, String type, String param, String code) {
        return HttpResponse.<byte[]>status(status, reason(status))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(envelope(message, type, param, code));
    }

    /**
     * The response for a core failure: its status and envelope, plus {@code Retry-After} (whole seconds,
     * rounded up) and {@code retry-after-ms} when the core says how long to wait.
     */
    static MutableHttpResponse<byte[]> of(GeminiBalanceException e) {
        MutableHttpResponse<byte[]> response = of(e.httpStatus(), e.getMessage(), e.type(),
                e.param().orElse(null), e.code().orElse(null));
        e.retryAfter().ifPresent(wait -> retryAfter(response, wait));
        return response;
    }

    /** Sets {@code Retry-After} (whole seconds, rounded up) and {@code retry-after-ms}. */
    static void retryAfter(MutableHttpResponse<?> response, Duration wait) {
        long millis = Math.max(0, wait.toMillis());
        long seconds = (millis + 999) / 1000;
        response.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        response.header(RETRY_AFTER_MS, Long.toString(millis));
    }

    /** The serialized envelope. */
    static byte[] envelope(String message, String type, String param, String code) {
        try {
            return GeminiBalance.jsonWriter().writeValueAsBytes(ErrorResponse.of(message, type, param, code));
        } catch (JsonProcessingException impossible) {
            // Four strings always serialize; keep a constant fallback rather than throwing from error handling.
            return ("{\"error\":{\"message\":\"internal error\",\"type\":\"server_error\",\"param\":null,"
                    + "\"code\":\"internal_error\"}}").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The reason phrase of a status, also for non-standard ones such as 499. */
    static String reason(int status) {
        try {
            return HttpStatus.valueOf(status).getReason();
        } catch (IllegalArgumentException nonStandard) {
            return status == 499 ? "Client Closed Request" : "Error";
        }
    }

    /** The OpenAI error {@code type} for an HTTP status without a more specific one. */
    static String typeFor(int status) {
        return status >= 500 ? SERVER_ERROR : INVALID_REQUEST;
    }
}
