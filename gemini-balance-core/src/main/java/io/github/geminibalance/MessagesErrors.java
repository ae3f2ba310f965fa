package io.github.geminibalance;

import io.github.geminibalance.anthropic.ErrorResponse;
import io.github.geminibalance.anthropic.ErrorTypes;

/**
 * How a failed request looks on the Anthropic Messages front door: Anthropic's envelope
 * {@code {"type":"error","error":{"type","message"}}} and the status its SDKs act on. 400 and the
 * other client errors keep their status ({@code invalid_request_error}, with 401
 * {@code authentication_error}, 403 {@code permission_error}, 404 {@code not_found_error}, 413
 * {@code request_too_large}); 429 is {@code rate_limit_error} (with the core's {@code Retry-After}
 * when every key is resting); Gemini's own 503 ("the model is overloaded") is 529
 * {@code overloaded_error}, so the SDKs back off and retry; 504 is {@code timeout_error}; every other
 * server-side failure is {@code api_error} with its status. The message names the request field at
 * fault first when there is one.
 */
public final class MessagesErrors {

    private MessagesErrors() {}

    /** The HTTP status for {@code e}. */
    public static int status(GeminiBalanceException e) {
        return overloaded(e) ? 529 : e.httpStatus();
    }

    /** The Anthropic error type for {@code e} ({@link ErrorTypes}). */
    public static String type(GeminiBalanceException e) {
        if (overloaded(e)) {
            return ErrorTypes.OVERLOADED;
        }
        return switch (e.httpStatus()) {
            case 401 -> ErrorTypes.AUTHENTICATION;
            case 403 -> ErrorTypes.PERMISSION;
            case 404 -> ErrorTypes.NOT_FOUND;
            case 413 -> ErrorTypes.REQUEST_TOO_LARGE;
            case 429 -> ErrorTypes.RATE_LIMIT;
            case 504 -> ErrorTypes.TIMEOUT;
            default -> e.httpStatus() >= 500 ? ErrorTypes.API : ErrorTypes.INVALID_REQUEST;
        };
    }

    /** The message: the field at fault first ({@code messages.0.content: ...}) when it is known. */
    public static String message(GeminiBalanceException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        String param = e.param().orElse(null);
        return param == null || message.startsWith(param) ? message : param + ": " + message;
    }

    /** The envelope for {@code e}. */
    public static ErrorResponse body(GeminiBalanceException e) {
        return ErrorResponse.of(type(e), message(e));
    }

    /** The envelope for any failure, mapped as the facade maps it. */
    public static ErrorResponse body(Throwable failure) {
        return body(GeminiBalanceException.from(failure));
    }

    // Gemini said 503 (its "model is overloaded"); a pool without a usable key is not that
    private static boolean overloaded(GeminiBalanceException e) {
        return e.httpStatus() == 503 && "upstream_error".equals(e.code().orElse(null));
    }
}
