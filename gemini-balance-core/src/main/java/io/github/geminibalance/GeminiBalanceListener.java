package io.github.geminibalance;

import java.time.Duration;

/**
 * Observes what the pipeline does, for metrics and logs. Every method has an empty default; calls come
 * from I/O threads, so implementations must be fast and must not block. Arguments never contain a key:
 * keys are identified by their stable id.
 */
public interface GeminiBalanceListener {

    /** A listener that does nothing. */
    GeminiBalanceListener NONE = new GeminiBalanceListener() {};

    /**
     * One upstream attempt ended.
     *
     * @param model the Gemini model
     * @param keyId the key's stable id
     * @param outcome {@code success}, {@code rate_limited}, {@code quota_exhausted}, {@code key_invalid},
     *     {@code failure} or {@code client_error}
     * @param status the HTTP status seen (200 on success, 0 when no response)
     * @param duration from sending to the outcome (for streams: to the first chunk)
     */
    default void onAttempt(String model, String keyId, String outcome, int status, Duration duration) {}

    /**
     * A key was set to rest for a model.
     *
     * @param keyId the key's stable id
     * @param model the model
     * @param cooldown how long it rests
     */
    default void onCooldown(String keyId, String model, Duration cooldown) {}

    /**
     * A client request ended (for streams: when the answer was committed or refused).
     *
     * @param operation {@code chat}, {@code chat_stream}, {@code embeddings} or {@code models}
     * @param model the requested model ({@code ""} for models)
     * @param status the HTTP status the client gets
     * @param duration the time the request took
     */
    default void onRequest(String operation, String model, int status, Duration duration) {}

    /**
     * A stream's first chunk is ready to send.
     *
     * @param model the requested model
     * @param timeToFirstChunk from the client's request to the first chunk
     */
    default void onFirstChunk(String model, Duration timeToFirstChunk) {}
}
