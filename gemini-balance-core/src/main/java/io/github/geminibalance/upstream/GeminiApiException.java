package io.github.geminibalance.upstream;

import java.util.Objects;

/**
 * Gemini answered with an error: a non-2xx status, or an {@code {"error":...}} event inside a stream.
 * Carries the typed body so the retry policy can classify it. Never contains the key.
 */
public final class GeminiApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final transient GeminiError error;
    private final boolean inStream;

    /**
     * Creates the exception.
     *
     * @param httpStatus the HTTP status (for an in-stream error, the code inside the event)
     * @param error the parsed body
     * @param inStream whether the error arrived inside a 200 stream
     */
    public GeminiApiException(int httpStatus, GeminiError error, boolean inStream) {
        super("Gemini " + httpStatus + (error.status() != null ? " " + error.status() : "") + ": " + error.message());
        this.httpStatus = httpStatus;
        this.error = Objects.requireNonNull(error, "error");
        this.inStream = inStream;
    }

    /** The HTTP status. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The typed error body. */
    public GeminiError error() {
        return error;
    }

    /** Whether it arrived inside a stream that had answered 200. */
    public boolean inStream() {
        return inStream;
    }
}
