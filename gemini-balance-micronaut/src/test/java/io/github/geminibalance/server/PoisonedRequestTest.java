package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Upstream failures that are not a key's fault never rest the pool: a request whose body makes Gemini
 * answer 500 on every key, and a short Gemini outage. Also: the error a failed request reports does not
 * depend on the key order. The real server against the fake, over HTTP.
 */
class PoisonedRequestTest {

    private static final String KEY_A = "AIzaSyTEST-poison-key-0A";
    private static final String KEY_B = "AIzaSyTEST-poison-key-0B";
    private static final String KEY_C = "AIzaSyTEST-poison-key-0C";
    private static final String QUOTA_KEY = "AIzaSyTEST-quota-key-001";
    private static final String BAD_KEY = "AIzaSyTEST-bad-key-00001";
    private static final String MARKER = "poison-7f3a";
    // Gemini's own 500 body, byte for byte
    private static final String INTERNAL_500 = "{\"error\":{\"code\":500,\"message\":\"An internal error has occurred. "
            + "Please retry or report in https://developers.generativeai.google/guide/troubleshooting\","
            + "\"status\":\"INTERNAL\"}}";

    private FakeGemini gemini;
    private TestServer server;

    @BeforeEach
    void startGemini() {
        gemini = FakeGemini.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        gemini.close();
    }

    private void startServer(List<String> keys) {
        // few strikes to FAILING, so that charging a poisoned request to the keys would show at once
        server = TestServer.start(TestServer.config(gemini, keys).maxFailures(3).maxRetries(3).build());
    }

    private HttpResponse<String> chat(String text) throws Exception {
        return server.postJson("/v1/chat/completions", "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + text + "\"}]}");
    }

    private JsonNode health() throws Exception {
        HttpResponse<String> response = server.send(server.request("/health", null).GET().build());
        assertThat(response.statusCode()).as("health: %s", response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    private void assertNoKeyFailing() throws Exception {
        String body = health().toString();
        assertThat(body).contains("\"status\":\"UP\"").contains("\"FAILING\":0").contains("\"ACTIVE\":3");
    }

    @Test
    void poisonedRequestsDoNotRestAnyKey() throws Exception {
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("Fine."));
        // any key, any model: a body with the marker makes Gemini fail (ahead of the any-key answer)
        gemini.server().stubFor(post(urlPathMatching("/v1beta/models/.*"))
                .atPriority(1)
                .withHeader(FakeGemini.API_KEY_HEADER, matching(".+"))
                .withRequestBody(containing(MARKER))
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody(INTERNAL_500)));
        startServer(List.of(KEY_A, KEY_B, KEY_C));

        for (int i = 0; i < 10; i++) {
            HttpResponse<String> poisoned = chat("please " + MARKER + " " + i);
            assertThat(poisoned.statusCode()).as("poisoned %d: %s", i, poisoned.body()).isEqualTo(502);
            assertThat(poisoned.body()).contains("upstream_error").contains("INTERNAL");
        }
        assertThat(gemini.requestCount()).as("the failure follows the request: at most two attempts each")
                .isLessThanOrEqualTo(20);
        assertNoKeyFailing();

        for (int i = 0; i < 100; i++) {
            HttpResponse<String> normal = chat("hello " + i);
            assertThat(normal.statusCode()).as("normal %d: %s", i, normal.body()).isEqualTo(200);
            assertThat(normal.body()).contains("Fine.");
        }
        assertNoKeyFailing();
    }

    @Test
    void promptsLargerThanTheInputTokenQuotaRestNoKey() throws Exception {
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("Fine."));
        // a free-tier pool: a prompt over the per-minute input-token quota gets the same 429 from every key
        gemini.server().stubFor(post(urlPathMatching("/v1beta/models/.*"))
                .atPriority(1)
                .withHeader(FakeGemini.API_KEY_HEADER, matching(".+"))
                .withRequestBody(containing(MARKER))
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody(GeminiFixtures.inputTokenQuotaBody(MODEL, "38s"))));
        startServer(List.of(KEY_A, KEY_B, KEY_C));

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> oversized = chat("a very long prompt " + MARKER + " " + i);
            assertThat(oversized.statusCode()).as("oversized %d: %s", i, oversized.body()).isEqualTo(429);
            assertThat(oversized.body()).contains("request_exceeds_input_token_quota").contains("input-token quota");
            assertThat(oversized.headers().firstValue("Retry-After")).as("waiting will not make it fit").isEmpty();
        }
        assertThat(gemini.requestCount()).as("the 429 follows the request: two attempts each").isEqualTo(10);
        assertThat(health().toString()).contains("\"COOLING\":0").contains("\"ACTIVE\":3");

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> normal = chat("hello " + i);
            assertThat(normal.statusCode()).as("normal %d: %s", i, normal.body()).isEqualTo(200);
            assertThat(normal.body()).contains("Fine.");
        }
        assertThat(gemini.requestCount()).as("each normal request served at the first attempt").isEqualTo(13);
        assertThat(health().toString()).contains("\"COOLING\":0").contains("\"ACTIVE\":3");
        assertNoKeyFailing();
    }

    @Test
    void aShortOutageOnEveryKeyLeavesNoKeyFailing() throws Exception {
        gemini.error(MODEL, null, GeminiErrorKind.UNAVAILABLE_503);
        startServer(List.of(KEY_A, KEY_B, KEY_C));

        for (int i = 0; i < 20; i++) {
            HttpResponse<String> during = chat("during " + i);
            assertThat(during.statusCode()).as("during %d: %s", i, during.body()).isEqualTo(503);
            assertThat(during.body()).contains("overloaded");
        }
        assertThat(gemini.requestCount()).as("no retry amplification once the outage is recognised")
                .isLessThan(40);
        assertNoKeyFailing();
        assertThat(server.get("/health").body()).as("the outage is the model's, not the keys'")
                .contains("\"failingModels\":1").contains("\"status\":\"UP\"");

        gemini.reset();
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("Back."));
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> after = chat("after " + i);
            assertThat(after.statusCode()).as("after %d: %s", i, after.body()).isEqualTo(200);
            assertThat(after.body()).contains("Back.");
        }
        assertNoKeyFailing();
        assertThat(server.get("/health").body()).contains("\"failingModels\":0");
    }

    @Test
    void aRestingKeyIsReportedWhateverTheKeyOrder() throws Exception {
        gemini.rateLimited(MODEL, QUOTA_KEY, "41s")
                .error(MODEL, BAD_KEY, GeminiErrorKind.API_KEY_INVALID_400);
        for (List<String> keys : List.of(List.of(QUOTA_KEY, BAD_KEY), List.of(BAD_KEY, QUOTA_KEY))) {
            startServer(keys);

            HttpResponse<String> response = chat("hello");

            assertThat(response.statusCode()).as("keys %s: %s", keys, response.body()).isEqualTo(429);
            assertThat(response.headers().firstValue("Retry-After")).as("keys %s", keys).contains("41");
            assertThat(response.body()).contains("rate_limit_exceeded").doesNotContain("AIza");
            server.close();
            server = null;
        }
    }
}
