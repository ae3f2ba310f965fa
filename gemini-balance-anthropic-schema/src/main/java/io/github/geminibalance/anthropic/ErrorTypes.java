package io.github.geminibalance.anthropic;

/** The known error types and the HTTP status each comes with; the set grows, so they are plain strings. */
public final class ErrorTypes {

    /** 400: the request is malformed or names something invalid. */
    public static final String INVALID_REQUEST = "invalid_request_error";
    /** 401: no or a wrong API key. */
    public static final String AUTHENTICATION = "authentication_error";
    /** 403: the key may not do this. */
    public static final String PERMISSION = "permission_error";
    /** 404: no such resource (or model). */
    public static final String NOT_FOUND = "not_found_error";
    /** 413: the request is too large. */
    public static final String REQUEST_TOO_LARGE = "request_too_large";
    /** 429: too many requests. */
    public static final String RATE_LIMIT = "rate_limit_error";
    /** 500: an unexpected error. */
    public static final String API = "api_error";
    /** 504: the request timed out. */
    public static final String TIMEOUT = "timeout_error";
    /** 529: the service is overloaded. */
    public static final String OVERLOADED = "overloaded_error";

    private ErrorTypes() {}
}
