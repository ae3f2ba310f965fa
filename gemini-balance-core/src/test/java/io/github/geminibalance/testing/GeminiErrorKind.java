package io.github.geminibalance.testing;

/**
 * The Gemini error answers the fake can give, each with the HTTP status and body Google sends (see
 * WIRE_FORMATS.md A.8, D7-D10, E1). The bodies are the fixtures under {@code fixtures/gemini/errors/}.
 */
public enum GeminiErrorKind {

    /** 400 INVALID_ARGUMENT "API key not valid", ErrorInfo reason {@code API_KEY_INVALID} + LocalizedMessage (D7). */
    API_KEY_INVALID_400(400, "INVALID_ARGUMENT", "api-key-invalid-400.json"),

    /**
     * 403 PERMISSION_DENIED "Requests to this API ... are blocked.", ErrorInfo reason {@code
     * API_KEY_SERVICE_BLOCKED} + LocalizedMessage; the method name in it follows the called method.
     */
    PERMISSION_DENIED_403(403, "PERMISSION_DENIED", "permission-denied-403.json"),

    /**
     * 403 PERMISSION_DENIED "Consumer 'api_key:...' has been suspended.", ErrorInfo reason {@code
     * CONSUMER_SUSPENDED} (D8). Like Google, the message quotes the raw key the request used.
     */
    CONSUMER_SUSPENDED_403(403, "PERMISSION_DENIED", "consumer-suspended-403.json"),

    /**
     * 429 RESOURCE_EXHAUSTED for the per-minute quota: QuotaFailure with quotaId {@code
     * GenerateRequestsPerMinutePerProjectPerModel-FreeTier}, Help, RetryInfo retryDelay {@code "38s"} (D9).
     */
    RATE_LIMITED_429(429, "RESOURCE_EXHAUSTED", "rate-limited-429.json"),

    /**
     * 429 RESOURCE_EXHAUSTED for the daily quota: quotaId {@code
     * GenerateRequestsPerDayPerProjectPerModel-FreeTier}. It still carries a short RetryInfo ({@code
     * "47s"}), as real daily-quota answers do, so a proxy must classify by quotaId, not by the delay.
     */
    DAILY_QUOTA_429(429, "RESOURCE_EXHAUSTED", "daily-quota-429.json"),

    /** 429 RESOURCE_EXHAUSTED "Resource has been exhausted (e.g. check quota)." without details (D9 note). */
    RESOURCE_EXHAUSTED_BARE_429(429, "RESOURCE_EXHAUSTED", "resource-exhausted-bare-429.json"),

    /**
     * 400 INVALID_ARGUMENT about the request itself: "Invalid JSON payload received. Unknown name
     * \"additionalProperties\" ..." with a BadRequest fieldViolations detail (E1). The key is fine.
     */
    BAD_REQUEST_400(400, "INVALID_ARGUMENT", "bad-request-400.json"),

    /** 404 NOT_FOUND "models/X is not found for API version v1beta, or is not supported for M. ..." (A.2). */
    MODEL_NOT_FOUND_404(404, "NOT_FOUND", "model-not-found-404.json"),

    /** 500 INTERNAL "An internal error has occurred. ..." (D10). */
    INTERNAL_500(500, "INTERNAL", "internal-500.json"),

    /** 503 UNAVAILABLE "The model is overloaded. Please try again later." (D10). */
    UNAVAILABLE_503(503, "UNAVAILABLE", "unavailable-503.json");

    private final int httpStatus;
    private final String googleStatus;
    private final String fixture;

    GeminiErrorKind(int httpStatus, String googleStatus, String fixture) {
        this.httpStatus = httpStatus;
        this.googleStatus = googleStatus;
        this.fixture = fixture;
    }

    /** The HTTP status of the answer, equal to {@code error.code} in its body. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The {@code google.rpc.Code} name in {@code error.status}, e.g. {@code RESOURCE_EXHAUSTED}. */
    public String googleStatus() {
        return googleStatus;
    }

    /** The fixture file name under {@code fixtures/gemini/errors/}. */
    String fixture() {
        return fixture;
    }
}
