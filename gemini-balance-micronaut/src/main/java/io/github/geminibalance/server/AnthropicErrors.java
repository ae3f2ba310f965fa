package io.github.geminibalance.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.MessagesErrors;
import io.github.geminibalance.anthropic.ErrorResponse;
import io.github.geminibalance.anthropic.ErrorTypes;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Builds the errors Anthropic clients (the Anthropic SDKs, Claude Code) see on {@code /v1/messages}, in
 * Anthropic's shape {@code {"type":"error","error":{"type":"...","message":"..."}}} with the status
 * their SDKs map to exception types: the mapping of core failures is {@link MessagesErrors}'s (Gemini's
 * 503 is 529 {@code overloaded_error}); {@code retry-after} goes with a 429 when the core knows the wait.
 */
final class AnthropicErrors {

    private AnthropicErrors() {}

    /** The answer to a failed Messages call. */
    static MutableHttpResponse<byte[]> of(GeminiBalanceException e) {
        int status = MessagesErrors.status(e);
        MutableHttpResponse<byte[]> response = response(status, body(MessagesErrors.body(e)));
        e.retryAfter().ifPresent(wait -> ErrorResponses.retryAfter(response, wait));
        return response;
    }

    /** An error the server produces itself (auth, routing, limits), its type chosen by status. */
    static MutableHttpResponse<byte[]> of(int status, String message) {
        return response(status, body(status, message));
    }

    /** The serialized envelope for a status without a more specific type. */
    static byte[] body(int status, String message) {
        return body(ErrorResponse.of(typeFor(status), message == null ? "" : message));
    }

    /** The Anthropic error type of a status. */
    static String typeFor(int status) {
        return switch (status) {
            case 401 -> ErrorTypes.AUTHENTICATION;
            case 403 -> ErrorTypes.PERMISSION;
            case 404, 405 -> ErrorTypes.NOT_FOUND;
            case 413 -> ErrorTypes.REQUEST_TOO_LARGE;
            case 429 -> ErrorTypes.RATE_LIMIT;
            case 504 -> ErrorTypes.TIMEOUT;
            case 529 -> ErrorTypes.OVERLOADED;
            default -> status >= 500 ? ErrorTypes.API : ErrorTypes.INVALID_REQUEST;
        };
    }

    static byte[] body(ErrorResponse error) {
        try {
            return GeminiBalance.jsonWriter().writeValueAsBytes(error);
        } catch (JsonProcessingException impossible) {
            return "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"internal error\"}}"
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    private static MutableHttpResponse<byte[]> response(int status, byte[] body) {
        return HttpResponse.<byte[]>status(status, status == 529 ? "Overloaded" : ErrorResponses.reason(status))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(body);
    }
}
