package io.github.geminibalance;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.upstream.GeminiApiException;
import java.util.List;
import java.util.Optional;

/**
 * Gemini's own error behind a failed call, for adapters that answer in Gemini's error shape (the native
 * routes): the {@code error} object of Gemini's response, with its {@code details} as they came.
 *
 * @param code the HTTP status Gemini answered with
 * @param message Gemini's message; it may quote an API key, so scrub it before showing it
 *     ({@link io.github.geminibalance.util.Secrets#scrub})
 * @param status the google.rpc status name, such as {@code RESOURCE_EXHAUSTED}, or null
 * @param details the {@code details} entries as JSON, possibly empty
 */
public record UpstreamError(int code, String message, String status, List<JsonNode> details) {

    /** Freezes the details. */
    public UpstreamError {
        details = details == null ? List.of() : List.copyOf(details);
    }

    /**
     * Gemini's error in a failure's cause chain.
     *
     * @param failure a failure of a {@link GeminiBalance} call, such as a {@link GeminiBalanceException}
     * @return Gemini's error, or empty when the failure did not come from a Gemini error response
     */
    public static Optional<UpstreamError> of(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof GeminiApiException api) {
                var e = api.error();
                return Optional.of(new UpstreamError(e.code(), e.message(), e.status(), e.details()));
            }
        }
        return Optional.empty();
    }
}
