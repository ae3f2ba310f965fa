package io.github.geminibalance.retry;

import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.upstream.GeminiApiException;
import io.github.geminibalance.upstream.GeminiError;
import io.github.geminibalance.util.Secrets;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Turns whatever ended a request into the {@link GeminiBalanceException} a client sees: Gemini's own
 * status and message where they concern the request, and an honest gateway error (502, 503, 504) where
 * the upstream or the key pool failed. Messages are scrubbed of API keys.
 */
public final class ErrorMapper {

    // A qualified or inner class name, or an exception's simple name, in a message from the JDK or Netty.
    private static final Pattern JAVA_NAME = Pattern.compile(
            "\\b[a-z]+(\\.[a-z0-9_]+)+\\.[A-Z]\\w*|\\$[A-Z]|\\w*(Exception|Error)\\b");

    private ErrorMapper() {}

    /**
     * Maps a failure (see {@link Failure#clientError}); {@code retryAfter} is used for rate limits when
     * known (may be null).
     */
    public static GeminiBalanceException toClient(Throwable failure, Duration retryAfter) {
        return Failure.of(failure).clientError(retryAfter);
    }

    /**
     * What went wrong on the connection, in words: the exception's message when it is plain text, else
     * a phrase for its kind. Clients never see Java type names (the server log has the exception).
     */
    static String describe(IOException e) {
        String message = e.getMessage();
        if (message != null && !message.isBlank() && !JAVA_NAME.matcher(message).find()) {
            return Secrets.scrub(message);
        }
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof java.io.EOFException || e instanceof java.nio.channels.ClosedChannelException) {
            return "the connection closed early";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "the TLS handshake or session failed";
        }
        return "the connection failed";
    }

    /**
     * The client's error when the same per-minute input-token 429 came back from two keys: the request
     * is too large for the pool's quota (or, rarely, every key's input tokens for this minute are spent).
     * No {@code Retry-After}: waiting does not make an oversized prompt fit, and a client that honours
     * the header would resend it forever; a client that retries anyway costs two attempts and rests no
     * key.
     */
    public static GeminiBalanceException inputTokenQuota(Throwable failure) {
        Throwable t = RetryPolicy.unwrap(failure);
        String gemini = t instanceof GeminiApiException e ? " (Gemini: " + Secrets.scrub(e.error().message()) + ")"
                : "";
        return new GeminiBalanceException(429, "requests", "request_exceeds_input_token_quota", null, null,
                "the request is larger than the per-minute input-token quota of the pool's keys; shorten the "
                        + "prompt or its images" + gemini, t);
    }

    /** Maps a Gemini error response. */
    public static GeminiBalanceException fromGemini(int status, GeminiError error, Duration retryAfter,
            Throwable cause) {
        String message = Secrets.scrub(error.message());
        String reason = error.reason().orElse(null);
        if (status == 429) {
            boolean daily = error.isDailyQuota();
            Duration wait = retryAfter != null ? retryAfter : error.retryDelay().orElse(null);
            return new GeminiBalanceException(429, daily ? "insufficient_quota" : "requests",
                    daily ? "insufficient_quota" : "rate_limit_exceeded", null, wait,
                    "Gemini rate limit: " + message, cause);
        }
        if (RetryPolicy.isKeyError(status, error) || (reason != null && reason.startsWith("CONSUMER_"))) {
            return new GeminiBalanceException(503, "server_error", "upstream_key_rejected", null, null,
                    "Gemini rejected the pool's API key" + (reason != null ? " (" + reason + ")" : "")
                            + ": " + message, cause);
        }
        if (status == 403) {
            return new GeminiBalanceException(403, "invalid_request_error", "permission_denied", null, null,
                    "Gemini refused access: " + message, cause);
        }
        if (status == 404) {
            return new InvalidRequestException(404, "model", "model_not_found", message);
        }
        if (status == 400 && "FAILED_PRECONDITION".equals(error.status())) {
            return new GeminiBalanceException(400, "invalid_request_error", "failed_precondition", null, null,
                    message, cause);
        }
        if (status >= 400 && status < 500 && status != 408) {
            String param = error.badRequestField().orElse(null);
            return new GeminiBalanceException(status, "invalid_request_error", null, param, null,
                    "Gemini rejected the request: " + message, cause);
        }
        int mapped = status == 503 ? 503 : status == 504 || status == 408 ? 504 : 502;
        return new GeminiBalanceException(mapped, "server_error", "upstream_error", null, null,
                "Gemini error " + status + (error.status() != null ? " " + error.status() : "") + ": " + message,
                cause);
    }
}
