package io.github.geminibalance.anthropic;

/**
 * The error envelope: {@code {"type":"error","error":{"type":...,"message":...}}}.
 *
 * @param type {@code error}
 * @param error the error
 */
public record ErrorResponse(String type, ErrorDetail error) {

    /** An error of {@code errorType} ({@link ErrorTypes}). */
    public static ErrorResponse of(String errorType, String message) {
        return new ErrorResponse("error", new ErrorDetail(errorType, message));
    }

    /**
     * An error's type and message.
     *
     * @param type the error type ({@link ErrorTypes})
     * @param message what went wrong
     */
    public record ErrorDetail(String type, String message) {}
}
