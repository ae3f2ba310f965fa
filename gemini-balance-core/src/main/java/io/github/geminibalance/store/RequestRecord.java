package io.github.geminibalance.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One client call, written once the call has ended. Token counts are 0 when unknown.
 *
 * @param id the store's id, 0 before the record is stored
 * @param at when the call arrived
 * @param requestId the request id shown to the client and in logs
 * @param route the route, such as {@code openai.chat} or {@code gemini.generateContent}
 * @param modelAsked the model the client named
 * @param modelSent the Gemini model the call was sent to, or null when it never was
 * @param stream whether the client asked for a stream
 * @param client the client label (the name of the token used), or null
 * @param attempts the key and outcome of each upstream attempt, in order
 * @param status the HTTP status returned to the client
 * @param latencyMs milliseconds from arrival to the last byte
 * @param ttfbMs milliseconds from arrival to the first byte, or -1 when none was sent
 * @param promptTokens prompt tokens reported by Gemini
 * @param completionTokens candidate tokens reported by Gemini
 * @param thinkingTokens thinking tokens reported by Gemini
 * @param cachedTokens cached-content tokens reported by Gemini
 * @param finishReason the finish reason of the answer, or null
 * @param errorCode the error code returned to the client, or null
 */
public record RequestRecord(
        long id,
        Instant at,
        String requestId,
        String route,
        String modelAsked,
        String modelSent,
        boolean stream,
        String client,
        List<Attempt> attempts,
        int status,
        long latencyMs,
        long ttfbMs,
        long promptTokens,
        long completionTokens,
        long thinkingTokens,
        long cachedTokens,
        String finishReason,
        String errorCode) {

    /** Checks the required components and copies the attempts. */
    public RequestRecord {
        Objects.requireNonNull(at, "at");
        attempts = List.copyOf(attempts);
    }

    /** The model the record is filed under: the one sent, or the one asked when none was sent. */
    public String model() {
        return modelSent != null ? modelSent : modelAsked;
    }

    /** The key of the last attempt, or null when no attempt was made. */
    public String keyId() {
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).keyId();
    }

    /** This record with the store's id. */
    public RequestRecord withId(long newId) {
        return new RequestRecord(newId, at, requestId, route, modelAsked, modelSent, stream, client, attempts,
                status, latencyMs, ttfbMs, promptTokens, completionTokens, thinkingTokens, cachedTokens,
                finishReason, errorCode);
    }
}
