package io.github.geminibalance;

/**
 * The client's request is malformed or asks for something unsupported: HTTP 400 (or 404 for an unknown
 * model), type {@code invalid_request_error}. Never retried and never counted against a key.
 */
public class InvalidRequestException extends GeminiBalanceException {

    private static final long serialVersionUID = 1L;

    /**
     * A 400 naming the field at fault.
     *
     * @param param the request field at fault (a JSON path such as {@code messages[2].content}), or null
     * @param message what is wrong
     */
    public InvalidRequestException(String param, String message) {
        this(400, param, null, message);
    }

    /**
     * An invalid request with an explicit status and code.
     *
     * @param httpStatus 400, 404, 413...
     * @param param the field at fault, or null
     * @param code an OpenAI error code such as {@code model_not_found}, or null
     * @param message what is wrong
     */
    public InvalidRequestException(int httpStatus, String param, String code, String message) {
        super(httpStatus, "invalid_request_error", code, param, null, message, null);
    }
}
