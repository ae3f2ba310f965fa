package io.github.geminibalance.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Parsing of Gemini error bodies. The bodies are public so the retry tests classify exactly the same
 * bytes: the shared wire-exact fixtures (WIRE_FORMATS.md D7 to D10, E1, A.2) and a few variants.
 */
public class GeminiErrorTest {

    /** D7: 400 invalid API key. */
    public static final String D7_INVALID_KEY = GeminiFixtures.errorBody(GeminiErrorKind.API_KEY_INVALID_400);

    /** D8: 403 suspended key; the message quotes the key. */
    public static final String D8_SUSPENDED = GeminiFixtures.errorBody(GeminiErrorKind.CONSUMER_SUSPENDED_403);

    /** D8, the variant for a request without a key: only code, message and status. */
    public static final String D8_NO_KEY = """
            {
              "error": {
                "code": 403,
                "message": "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
                "status": "PERMISSION_DENIED"
              }
            }
            """;

    /** D9: 429 per-minute quota with QuotaFailure, Help and RetryInfo 38s. */
    public static final String D9_RATE_LIMIT = GeminiFixtures.errorBody(GeminiErrorKind.RATE_LIMITED_429);

    /** D9 with a fractional delay. */
    public static final String D9_RATE_LIMIT_3_5S = D9_RATE_LIMIT.replace("\"38s\"", "\"3.5s\"");

    /** D9 for the per-minute input-token quota (a prompt larger than the quota gets it from every key), 38s. */
    public static final String D9_INPUT_TOKENS = io.github.geminibalance.testing.GeminiFixtures.inputTokenQuotaBody(
            "gemini-2.5-flash", "38s");

    /** D9 for the per-day quota; it still carries a short RetryInfo (47s). */
    public static final String D9_DAILY = GeminiFixtures.errorBody(GeminiErrorKind.DAILY_QUOTA_429);

    /** The bare 429 without details. */
    public static final String BARE_429 = GeminiFixtures.errorBody(GeminiErrorKind.RESOURCE_EXHAUSTED_BARE_429);

    /** D10: 500. */
    public static final String D10_INTERNAL = GeminiFixtures.errorBody(GeminiErrorKind.INTERNAL_500);

    /** D10: 503. */
    public static final String D10_UNAVAILABLE = GeminiFixtures.errorBody(GeminiErrorKind.UNAVAILABLE_503);

    /** A 400 about the request itself (quirk E1), with a BadRequest field violation. */
    public static final String BAD_REQUEST_SCHEMA = GeminiFixtures.errorBody(GeminiErrorKind.BAD_REQUEST_400);

    /** The region block (quirk E19). */
    public static final String FAILED_PRECONDITION_LOCATION = """
            {
              "error": {
                "code": 400,
                "message": "User location is not supported for the API use.",
                "status": "FAILED_PRECONDITION"
              }
            }
            """;

    /** An unknown model (A.2), for gemini-2.5-flash and generateContent. */
    public static final String NOT_FOUND_MODEL = GeminiFixtures.errorBody(GeminiErrorKind.MODEL_NOT_FOUND_404);

    /** An HTML page from a proxy in front of Gemini. */
    public static final String HTML_502 =
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>";

    /** Parses a body with {@link GeminiError#parse}. */
    public static GeminiError parse(int status, String body) {
        return GeminiError.parse(status, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesTheInvalidKeyError() {
        GeminiError e = parse(400, D7_INVALID_KEY);

        assertThat(e.code()).isEqualTo(400);
        assertThat(e.status()).isEqualTo("INVALID_ARGUMENT");
        assertThat(e.message()).isEqualTo("API key not valid. Please pass a valid API key.");
        assertThat(e.reason()).contains("API_KEY_INVALID");
        assertThat(e.details()).hasSize(2);
        assertThat(e.detail("LocalizedMessage")).map(n -> n.path("locale").asText()).contains("en-US");
        assertThat(e.retryDelay()).isEmpty();
        assertThat(e.quotaIds()).isEmpty();
        assertThat(e.isDailyQuota()).isFalse();
        assertThat(e.badRequestField()).isEmpty();
    }

    @Test
    void parsesTheSuspendedKeyError() {
        GeminiError e = parse(403, D8_SUSPENDED);

        assertThat(e.code()).isEqualTo(403);
        assertThat(e.status()).isEqualTo("PERMISSION_DENIED");
        assertThat(e.reason()).contains("CONSUMER_SUSPENDED");
        assertThat(e.message()).startsWith("Permission denied: Consumer 'api_key:")
                .doesNotContain("AIzaSyEXAMPLE-not-a-real-key");
        assertThat(new GeminiApiException(403, e, false).getMessage()).doesNotContain("AIzaSyEXAMPLE");
    }

    @Test
    void parsesTheNoKeyVariantWithoutDetails() {
        GeminiError e = parse(403, D8_NO_KEY);

        assertThat(e.status()).isEqualTo("PERMISSION_DENIED");
        assertThat(e.details()).isEmpty();
        assertThat(e.reason()).isEmpty();
    }

    @Test
    void parsesTheRateLimitError() {
        GeminiError e = parse(429, D9_RATE_LIMIT);

        assertThat(e.code()).isEqualTo(429);
        assertThat(e.status()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(e.retryDelay()).contains(Duration.ofSeconds(38));
        assertThat(e.quotaIds()).containsExactly("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
        assertThat(e.isDailyQuota()).isFalse();
        assertThat(e.reason()).isEmpty();
        assertThat(e.detail("Help")).isPresent();
    }

    @Test
    void recognisesTheInputTokenQuotaByQuotaIdOrMetric() {
        assertThat(parse(429, D9_INPUT_TOKENS).isInputTokenQuota()).isTrue();
        assertThat(parse(429, D9_RATE_LIMIT).isInputTokenQuota()).as("requests per minute").isFalse();
        assertThat(parse(429, D9_DAILY).isInputTokenQuota()).isFalse();
        assertThat(parse(429, BARE_429).isInputTokenQuota()).isFalse();
        assertThat(parse(429, """
                {"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[
                  {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[
                    {"quotaMetric":"generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count"}]}]}}
                """).isInputTokenQuota()).as("by metric alone").isTrue();
    }

    @Test
    void recognisesTheDailyQuota() {
        GeminiError e = parse(429, D9_DAILY);

        assertThat(e.quotaIds()).containsExactly("GenerateRequestsPerDayPerProjectPerModel-FreeTier");
        assertThat(e.isDailyQuota()).as("by quotaId, whatever the RetryInfo says").isTrue();
        assertThat(e.retryDelay()).contains(Duration.ofSeconds(47));
    }

    @Test
    void quotaMetricStandsInForAMissingQuotaId() {
        GeminiError e = parse(429, """
                {"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[
                  {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[
                    {"quotaMetric":"generativelanguage.googleapis.com/generate_requests_PerDay"}]}]}}
                """);

        assertThat(e.quotaIds()).containsExactly("generativelanguage.googleapis.com/generate_requests_PerDay");
    }

    @Test
    void parsesTheBare429() {
        GeminiError e = parse(429, BARE_429);

        assertThat(e.code()).isEqualTo(429);
        assertThat(e.message()).isEqualTo("Resource has been exhausted (e.g. check quota).");
        assertThat(e.retryDelay()).isEmpty();
        assertThat(e.quotaIds()).isEmpty();
        assertThat(e.isDailyQuota()).isFalse();
    }

    @Test
    void parsesServerErrors() {
        GeminiError internal = parse(500, D10_INTERNAL);
        GeminiError unavailable = parse(503, D10_UNAVAILABLE);

        assertThat(internal.code()).isEqualTo(500);
        assertThat(internal.status()).isEqualTo("INTERNAL");
        assertThat(internal.message()).startsWith("An internal error has occurred.");
        assertThat(unavailable.code()).isEqualTo(503);
        assertThat(unavailable.status()).isEqualTo("UNAVAILABLE");
        assertThat(unavailable.message()).isEqualTo("The model is overloaded. Please try again later.");
    }

    @Test
    void htmlBodyBecomesAnErrorWithTheHttpStatusAndTheText() {
        GeminiError e = parse(502, HTML_502);

        assertThat(e.code()).isEqualTo(502);
        assertThat(e.status()).isNull();
        assertThat(e.message()).isEqualTo(HTML_502);
        assertThat(e.details()).isEmpty();
        assertThat(e.reason()).isEmpty();
    }

    @Test
    void longNonJsonBodyIsCut() {
        GeminiError e = parse(502, "<html>" + "x".repeat(1000) + "</html>");

        assertThat(e.message()).hasSize(203).endsWith("...");
    }

    @Test
    void emptyBodyBecomesHttpStatus() {
        assertThat(parse(503, "").message()).isEqualTo("HTTP 503");
        assertThat(parse(503, "  \n").message()).isEqualTo("HTTP 503");
    }

    @Test
    void jsonWithoutAnErrorObjectIsTreatedAsText() {
        GeminiError e = parse(500, "{\"error\":\"plain\"}");

        assertThat(e.code()).isEqualTo(500);
        assertThat(e.message()).isEqualTo("{\"error\":\"plain\"}");
    }

    @Test
    void arrayWrappedErrorIsUnwrapped() {
        GeminiError e = parse(429, "[" + D9_RATE_LIMIT + "]");

        assertThat(e.code()).isEqualTo(429);
        assertThat(e.status()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(e.retryDelay()).contains(Duration.ofSeconds(38));
    }

    @Test
    void missingCodeFallsBackToTheHttpStatus() {
        GeminiError e = parse(503, "{\"error\":{\"message\":\"overloaded\"}}");

        assertThat(e.code()).isEqualTo(503);
        assertThat(e.status()).isNull();
        assertThat(e.message()).isEqualTo("overloaded");
    }

    @Test
    void badRequestFieldNamesTheFirstViolation() {
        GeminiError e = parse(400, BAD_REQUEST_SCHEMA);

        assertThat(e.badRequestField()).contains("tools[0].function_declarations[0].parameters");
        assertThat(parse(400, "{\"error\":{\"code\":400,\"message\":\"x\",\"details\":[{\"@type\":"
                + "\"type.googleapis.com/google.rpc.BadRequest\",\"fieldViolations\":[]}]}}").badRequestField())
                .isEmpty();
    }

    @ParameterizedTest(name = "retryDelay \"{0}\" -> {1} ms")
    @CsvSource(nullValues = "none", value = {
        "38s, 38000",
        "3.5s, 3500",
        "1.5s, 1500",
        "0s, 0",
        "0.001s, 1",
        "0.0004s, 1",
        "120s, 120000",
        "abc, none",
        "abcs, none",
        "-1s, none",
        "-0.5s, none",
        "38, none",
        "38ms, none",
        "'', none",
        "NaNs, none",
    })
    void retryDelayParsing(String text, Long expectedMillis) {
        Optional<Duration> parsed = GeminiError.parseDuration(text);

        if (expectedMillis == null) {
            assertThat(parsed).isEmpty();
        } else {
            assertThat(parsed).contains(Duration.ofMillis(expectedMillis));
        }
    }

    @Test
    void retryDelayFromTheBody() {
        String body = "{\"error\":{\"code\":429,\"message\":\"x\",\"details\":[{\"@type\":"
                + "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"%s\"}]}}";

        assertThat(parse(429, body.formatted("0s")).retryDelay()).contains(Duration.ZERO);
        assertThat(parse(429, body.formatted("1.5s")).retryDelay()).contains(Duration.ofMillis(1500));
        assertThat(parse(429, body.formatted("abc")).retryDelay()).isEmpty();
        assertThat(parse(429, body.formatted("-3s")).retryDelay()).isEmpty();
        assertThat(parse(429, "{\"error\":{\"code\":429,\"message\":\"x\",\"details\":[{\"@type\":"
                + "\"type.googleapis.com/google.rpc.RetryInfo\"}]}}").retryDelay()).isEmpty();
    }

    @Test
    void unknownDetailTypesAreKeptButIgnored() {
        GeminiError e = parse(400, "{\"error\":{\"code\":400,\"message\":\"x\",\"status\":\"INVALID_ARGUMENT\","
                + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.DebugInfo\",\"detail\":\"d\"},"
                + "{\"@type\":\"type.googleapis.com/google.rpc.SomethingNew\",\"x\":1}]}}");

        assertThat(e.details()).hasSize(2);
        assertThat(e.reason()).isEmpty();
        assertThat(e.detail("DebugInfo")).isPresent();
    }
}
