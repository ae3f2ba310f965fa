package io.github.geminibalance.upstream;

/**
 * Gemini answered 200 but with nothing usable: no candidates (and no block reason), or a stream that
 * ended before producing anything. Retried on another key.
 */
public final class SoftFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    /**
     * Creates the exception.
     *
     * @param reason a short code, such as {@code EMPTY_RESPONSE} or {@code STREAM_ENDED_EARLY}
     * @param message a message for logs and clients
     */
    public SoftFailureException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** The short code. */
    public String reason() {
        return reason;
    }
}
