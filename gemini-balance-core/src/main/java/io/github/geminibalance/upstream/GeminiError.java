package io.github.geminibalance.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.util.Secrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Gemini error body {@code {"error":{"code","message","status","details":[...]}}}, with typed access
 * to the details that decide what happens to the key: {@code ErrorInfo.reason} ({@code API_KEY_INVALID},
 * {@code CONSUMER_SUSPENDED}...), {@code RetryInfo.retryDelay} and {@code QuotaFailure} quota ids.
 *
 * @param code the HTTP status Gemini reported
 * @param message Gemini's message, kept for the client; API keys in it (a suspended key is quoted) are masked
 * @param status the google.rpc code name, such as {@code RESOURCE_EXHAUSTED}; may be null
 * @param details the raw {@code details} entries
 */
public record GeminiError(int code, String message, String status, List<JsonNode> details) {

    private static final String TYPE_PREFIX = "type.googleapis.com/google.rpc.";

    /** Freezes the details and masks any API key in the message. */
    public GeminiError {
        details = details == null ? List.of() : List.copyOf(details);
        message = message == null ? "" : Secrets.scrub(message);
    }

    /**
     * Parses an error body. A body that is not Gemini's JSON (an HTML page from a proxy, say) becomes
     * an error with the HTTP status and a short excerpt of the text.
     */
    public static GeminiError parse(int httpStatus, byte[] body) {
        try {
            JsonNode root = Json.mapper().readTree(body);
            if (root != null && root.isArray() && root.size() > 0) {
                root = root.get(0); // the JSON-array stream format wraps errors in an array
            }
            JsonNode error = root == null ? null : root.get("error");
            if (error != null && error.isObject()) {
                return fromNode(error, httpStatus);
            }
        } catch (Exception ignored) {
            // fall through: not JSON
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
        if (text.length() > 200) {
            text = text.substring(0, 200) + "...";
        }
        return new GeminiError(httpStatus, text.isEmpty() ? "HTTP " + httpStatus : text, null, List.of());
    }

    /** Reads the object inside {@code "error"}. */
    public static GeminiError fromNode(JsonNode error, int fallbackCode) {
        List<JsonNode> details = new ArrayList<>();
        JsonNode d = error.get("details");
        if (d != null && d.isArray()) {
            d.forEach(details::add);
        }
        int code = error.path("code").isInt() ? error.get("code").asInt() : fallbackCode;
        return new GeminiError(code, error.path("message").asText(""),
                error.hasNonNull("status") ? error.get("status").asText() : null, details);
    }

    /** The first detail of a google.rpc type such as {@code RetryInfo}. */
    public Optional<JsonNode> detail(String rpcType) {
        for (JsonNode n : details) {
            if ((TYPE_PREFIX + rpcType).equals(n.path("@type").asText())) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /** {@code ErrorInfo.reason}, such as {@code API_KEY_INVALID}. */
    public Optional<String> reason() {
        return detail("ErrorInfo").map(n -> n.path("reason").asText(null));
    }

    /** {@code RetryInfo.retryDelay} ("38s", "3.5s") as a duration. */
    public Optional<Duration> retryDelay() {
        return detail("RetryInfo").map(n -> n.path("retryDelay").asText("")).flatMap(GeminiError::parseDuration);
    }

    /** The quota ids of {@code QuotaFailure} violations. */
    public List<String> quotaIds() {
        List<String> ids = new ArrayList<>();
        detail("QuotaFailure").ifPresent(n -> n.path("violations")
                .forEach(v -> ids.add(v.path("quotaId").asText(v.path("quotaMetric").asText("")))));
        return ids;
    }

    /** Whether a 429 is about a per-day quota, which only resets at midnight Pacific time. */
    public boolean isDailyQuota() {
        return quotaIds().stream().anyMatch(id -> id.contains("PerDay"));
    }

    /**
     * Whether a 429 names a per-minute <em>input-token</em> quota ({@code quotaId} such as {@code
     * GenerateContentInputTokensPerModelPerMinute-FreeTier}, or a {@code quotaMetric} ending in {@code
     * input_token_count}). Unlike a requests-per-minute limit, it may be caused by the request itself: a
     * prompt larger than the per-minute quota is refused by every key, however rested.
     */
    public boolean isInputTokenQuota() {
        List<String> names = new ArrayList<>();
        detail("QuotaFailure").ifPresent(n -> n.path("violations").forEach(v -> {
            names.add(v.path("quotaId").asText(""));
            names.add(v.path("quotaMetric").asText(""));
        }));
        return !isDailyQuota() && names.stream().map(s -> s.toLowerCase(java.util.Locale.ROOT))
                .anyMatch(s -> s.contains("inputtokens") || s.contains("input_token"));
    }

    /** The field named by the first {@code BadRequest} field violation, if any. */
    public Optional<String> badRequestField() {
        return detail("BadRequest").map(n -> n.path("fieldViolations").path(0).path("field").asText(null));
    }

    static Optional<Duration> parseDuration(String text) {
        if (text == null || !text.endsWith("s")) {
            return Optional.empty();
        }
        try {
            java.math.BigDecimal seconds = new java.math.BigDecimal(text.substring(0, text.length() - 1));
            if (seconds.signum() < 0) {
                return Optional.empty();
            }
            long millis = seconds.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
            return Optional.of(Duration.ofMillis(millis));
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}
