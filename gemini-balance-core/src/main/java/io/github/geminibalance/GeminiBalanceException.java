package io.github.geminibalance;

import java.time.Duration;
import java.util.Optional;

/**
 * A request that gemini-balance could not serve. It carries everything an adapter needs to answer in
 * the OpenAI error envelope: the HTTP status, the OpenAI error {@code type}, {@code code} and
 * {@code param}, and how long the client should wait before retrying. Messages never contain an API key
 * or a client token.
 */
public class GeminiBalanceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The HTTP status to answer with. */
    private final int httpStatus;
    /** The OpenAI error type. */
    private final String type;
    /** The OpenAI error code, or null. */
    private final String code;
    /** The request field at fault, or null. */
    private final String param;
    /** How long the client should wait before retrying, or null. */
    private final Duration retryAfter;

    /**
     * Creates an exception.
     *
     * @param httpStatus the HTTP status to answer with
     * @param type the OpenAI error type, such as {@code invalid_request_error}
     * @param code the OpenAI error code, or null
     * @param param the request field at fault, or null
     * @param retryAfter how long to wait before retrying, or null
     * @param message a message for the client
     * @param cause the cause, or null
     */
    public GeminiBalanceException(int httpStatus, String type, String code, String param, Duration retryAfter,
            String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfter = retryAfter;
    }

    /**
     * The exception a client should see for any failure of a {@link GeminiBalance} call: the failure
     * itself when it is one (after unwrapping {@code CompletionException} and {@code ExecutionException}),
     * otherwise its mapping (timeouts to 504, connection failures to 502, anything unexpected to 500).
     *
     * @param failure what ended the call
     * @return the exception to answer with
     */
    public static GeminiBalanceException from(Throwable failure) {
        return io.github.geminibalance.retry.ErrorMapper.toClient(failure, null);
    }

    /** The HTTP status to answer with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The OpenAI error {@code type}. */
    public String type() {
        return type;
    }

    /** The OpenAI error {@code code}, if any. */
    public Optional<String> code() {
        return Optional.ofNullable(code);
    }

    /** The request field at fault, if any. */
    public Optional<String> param() {
        return Optional.ofNullable(param);
    }

    /** How long the client should wait before retrying, if known. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
