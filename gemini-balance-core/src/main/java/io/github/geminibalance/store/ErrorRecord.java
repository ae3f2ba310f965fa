package io.github.geminibalance.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One failed upstream attempt. The caller scrubs secrets from {@code message} and {@code requestBody}
 * before offering the record.
 *
 * @param id the store's id, 0 before the record is stored
 * @param at when the attempt failed
 * @param requestId the request id of the client call
 * @param keyId the key used
 * @param status the HTTP status Gemini answered, or 0 when none came
 * @param reason Gemini's reason ({@code RESOURCE_EXHAUSTED}, {@code API_KEY_INVALID}, ...), or null
 * @param message Gemini's message, scrubbed, or null
 * @param model the Gemini model
 * @param client the client label, or null
 * @param requestBody the request body sent, capped, or null when not recorded
 */
public record ErrorRecord(
        long id,
        Instant at,
        String requestId,
        String keyId,
        int status,
        String reason,
        String message,
        String model,
        String client,
        String requestBody) {

    /** Checks the required components. */
    public ErrorRecord {
        Objects.requireNonNull(at, "at");
    }

    /** This record with the store's id. */
    public ErrorRecord withId(long newId) {
        return new ErrorRecord(newId, at, requestId, keyId, status, reason, message, model, client, requestBody);
    }

    /** This record without its request body (lists show no body). */
    public ErrorRecord withoutBody() {
        return new ErrorRecord(id, at, requestId, keyId, status, reason, message, model, client, null);
    }
}
