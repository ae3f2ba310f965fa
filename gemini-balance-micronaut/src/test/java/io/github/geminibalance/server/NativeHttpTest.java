package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Gemini-native routes over raw HTTP: bodies forwarded byte for byte, answers relayed byte for byte,
 * the client's token never reaching Gemini, and Gemini's error shape for every refusal.
 */
class NativeHttpTest {

    static final String MODEL = "gemini-2.5-flash";
    private static final String JSON_STREAM_MODEL = "gemini-2.0-flash";
    private static final String BUSY_MODEL = "gemini-busy";
    private static final String MISSING_MODEL = "gemini-nope";
    private static final String PICKY_MODEL = "gemini-picky";
    private static final String LEAKY_MODEL = "gemini-leaky";
    private static final String EMBEDDING_MODEL = "gemini-embedding-001";
    private static final String KEY_1 = "AIzaSyTEST-native-key-001";
    private static final String KEY_2 = "AIzaSyTEST-native-key-002";
    private static final String ANSWER = GeminiFixtures.textResponse("Canberra.");
    // Google's JSON-array stream format (no alt=sse): one array, elements separated by ",\r\n".
    private static final String JSON_ARRAY_STREAM = "[{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hel\"}],"
            + "\"role\": \"model\"},\"index\": 0}],\"modelVersion\": \"gemini-2.0-flash\"}\r\n,\r\n"
            + "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"lo\"}],\"role\": \"model\"},"
            + "\"finishReason\": \"STOP\",\"index\": 0}],\"modelVersion\": \"gemini-2.0-flash\"}\r\n]";

    private static FakeGemini gemini;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start();
        server = TestServer.start(TestServer.config(gemini, List.of(KEY_1, KEY_2)).build());
    }

    @BeforeEach
    void stubs() {
        gemini.reset();
        gemini.generateContent(MODEL, null, ANSWER)
                .streamGenerateContentRaw(MODEL, null, GeminiFixtures.textStreamSse())
                .countTokens(MODEL, null, 7)
                .embed(EMBEDDING_MODEL, null, 4)
                .models(List.of(MODEL, EMBEDDING_MODEL), 50)
                .rateLimited(BUSY_MODEL, null, "38s")
                .error(MISSING_MODEL, null, GeminiErrorKind.MODEL_NOT_FOUND_404)
                .error(PICKY_MODEL, null, GeminiErrorKind.BAD_REQUEST_400);
        gemini.server().stubFor(post(urlPathEqualTo("/v1beta/models/" + JSON_STREAM_MODEL + ":streamGenerateContent"))
                .withQueryParam("alt", absent())
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody(JSON_ARRAY_STREAM)));
        // An error that quotes a key in its message and its details, as Google does for suspended consumers.
        gemini.server().stubFor(post(urlPathEqualTo("/v1beta/models/" + LEAKY_MODEL + ":generateContent"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody("""
                                {"error": {"code": 400, "message": "Bad value in request made with AIzaSyTEST-native-key-001.",
                                  "status": "INVALID_ARGUMENT", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                  "reason": "BAD_VALUE", "metadata": {"consumer": "api_key:AIzaSyTEST-native-key-001"}}]}}
                                """)));
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    private static HttpRequest.Builder nativeRequest(String path) {
        return server.request(path, null).header("x-goog-api-key", TestServer.TOKEN);
    }

    private static HttpResponse<byte[]> sendBytes(HttpRequest request) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> postNative(String path, String body) throws Exception {
        return server.send(nativeRequest(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static List<LoggedRequest> upstreamRequests() {
        List<LoggedRequest> requests = new ArrayList<>();
        for (ServeEvent event : gemini.server().getAllServeEvents()) {
            requests.add(event.getRequest());
        }
        Collections.reverse(requests);
        return requests;
    }

    /** Asserts Gemini's error shape and returns the {@code error} object. */
    private static JsonNode geminiError(HttpResponse<String> response, int status, String googleStatus) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        JsonNode error = Json.mapper().readTree(response.body()).path("error");
        assertThat(error.path("code").isInt()).as("numeric code in %s", response.body()).isTrue();
        assertThat(error.path("code").asInt()).isEqualTo(status);
        assertThat(error.path("status").asText()).isEqualTo(googleStatus);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.has("type") || error.has("param")).as("no OpenAI members").isFalse();
        return error;
    }

    // ---- passthrough ----

    @ParameterizedTest
    @ValueSource(strings = {"/v1beta", "/gemini/v1beta"})
    void generateContentForwardsTheBodyByteForByteAndRelaysTheAnswerUnchanged(String prefix) throws Exception {
        // Odd spacing, a field Gemini may add tomorrow and one only Gemini knows: all must survive.
        String body = "{ \"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Capital of Australia?\"}]}],\n"
                + "  \"cachedContent\": \"cachedContents/abc123\", \"futureField\": {\"nested\": [1, 2.50, null]} }";

        HttpResponse<byte[]> response = sendBytes(nativeRequest(prefix + "/models/" + MODEL + ":generateContent")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json; charset=UTF-8");
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(ANSWER);
        List<LoggedRequest> upstream = upstreamRequests();
        assertThat(upstream).hasSize(1);
        assertThat(upstream.get(0).getBody()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
        assertThat(upstream.get(0).getUrl()).isEqualTo("/v1beta/models/" + MODEL + ":generateContent");
    }

    @Test
    void sseStreamIsRelayedByteForByte() throws Exception {
        HttpResponse<byte[]> response = sendBytes(nativeRequest("/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"Why is the sky blue?\"}]}]}"))
                .build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("text/event-stream"));
        assertThat(response.body()).isEqualTo(GeminiFixtures.textStreamSse().getBytes(StandardCharsets.UTF_8));
        assertThat(upstreamRequests().get(0).getUrl())
                .isEqualTo("/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse");
    }

    @Test
    void jsonArrayStreamStaysAJsonArrayWhenTheClientAskedForIt() throws Exception {
        HttpResponse<byte[]> response = sendBytes(nativeRequest("/v1beta/models/" + JSON_STREAM_MODEL + ":streamGenerateContent")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"Hi\"}]}]}"))
                .build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json; charset=UTF-8");
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(JSON_ARRAY_STREAM);
        assertThat(upstreamRequests().get(0).getUrl())
                .isEqualTo("/v1beta/models/" + JSON_STREAM_MODEL + ":streamGenerateContent");
    }

    @Test
    void percentEncodedColonIsTheSameCall() throws Exception {
        HttpResponse<String> response = postNative("/v1beta/models/" + MODEL + "%3AcountTokens",
                "{\"contents\":[{\"parts\":[{\"text\":\"count me\"}]}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(response.body()).path("totalTokens").asInt()).isEqualTo(7);
    }

    @Test
    void modelsListAndOneModelComeFromGemini() throws Exception {
        HttpResponse<String> list = server.send(nativeRequest("/v1beta/models?pageSize=1").GET().build());
        HttpResponse<String> one = server.send(nativeRequest("/gemini/v1beta/models/" + EMBEDDING_MODEL).GET().build());

        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode page = Json.mapper().readTree(list.body());
        assertThat(page.path("models")).hasSize(1);
        assertThat(page.path("models").get(0).path("name").asText()).isEqualTo("models/" + MODEL);
        assertThat(page.path("nextPageToken").asText()).isNotEmpty();
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(one.body()).path("supportedGenerationMethods").toString())
                .contains("embedContent");
        assertThat(upstreamRequests().get(0).getUrl()).isEqualTo("/v1beta/models?pageSize=1");
    }

    // ---- the client's token stays here ----

    @Test
    void clientTokenInTheQueryNeverReachesGemini() throws Exception {
        HttpResponse<String> response = server.send(server.request("/v1beta/models/" + MODEL
                        + ":streamGenerateContent?key=" + TestServer.TOKEN + "&alt=sse", null)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"Hi\"}]}]}"))
                .build());

        assertThat(response.statusCode()).isEqualTo(200);
        LoggedRequest upstream = upstreamRequests().get(0);
        assertThat(upstream.getUrl()).isEqualTo("/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse");
        assertThat(upstream.getHeader("x-goog-api-key")).isIn(KEY_1, KEY_2);
        assertThat(upstream.containsHeader("Authorization")).isFalse();
        assertThat(upstream.getAllHeaderKeys().stream().map(upstream::getHeader)).doesNotContain(TestServer.TOKEN);
    }

    @Test
    void everyTokenFormIsAcceptedAndOnlyThePoolKeyIsForwarded() throws Exception {
        String path = "/v1beta/models/" + MODEL + ":generateContent";
        String body = "{\"contents\":[{\"parts\":[{\"text\":\"Hi\"}]}]}";
        List<HttpRequest.Builder> forms = List.of(
                server.request(path, null).header("x-goog-api-key", TestServer.TOKEN),
                server.request(path + "?key=" + TestServer.TOKEN, null),
                server.request(path, TestServer.TOKEN)); // Authorization: Bearer

        for (HttpRequest.Builder form : forms) {
            HttpResponse<String> response = server.send(form.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }

        for (LoggedRequest upstream : upstreamRequests()) {
            assertThat(upstream.getUrl()).isEqualTo("/v1beta/models/" + MODEL + ":generateContent");
            assertThat(upstream.getHeader("x-goog-api-key")).isIn(KEY_1, KEY_2);
            assertThat(upstream.containsHeader("Authorization")).isFalse();
        }
        assertThat(gemini.keysUsed()).hasSize(3).doesNotContain(TestServer.TOKEN);
    }

    @Test
    void missingOrWrongTokenIs401InGeminisShape() throws Exception {
        String path = "/v1beta/models/" + MODEL + ":generateContent";
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofString("{}");
        List<HttpResponse<String>> refused = List.of(
                server.send(server.request(path, null).POST(body).build()),
                server.send(server.request(path, null).header("x-goog-api-key", "sk-wrong-token").POST(body).build()),
                server.send(server.request(path + "?key=sk-wrong-token", null).POST(body).build()),
                server.send(server.request(path, "sk-wrong-token").POST(body).build()),
                server.send(server.request("/gemini/v1beta/models", null).GET().build()));

        for (HttpResponse<String> response : refused) {
            geminiError(response, 401, "UNAUTHENTICATED");
            assertThat(response.body()).doesNotContain("sk-wrong-token");
        }
        assertThat(gemini.requestCount()).isZero();
    }

    @Test
    void openAiRoutesStillWantABearerToken() throws Exception {
        HttpResponse<String> response = server.send(server.request("/v1/models", null)
                .header("x-goog-api-key", TestServer.TOKEN).GET().build());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(Json.mapper().readTree(response.body()).path("error").path("code").asText()).isEqualTo("invalid_api_key");
    }

    // ---- errors ----

    @Test
    void rateLimitOnEveryKeyIs429InGeminisShapeWithRetryInfo() throws Exception {
        HttpResponse<String> response = postNative("/v1beta/models/" + BUSY_MODEL + ":generateContent",
                "{\"contents\":[{\"parts\":[{\"text\":\"Hi\"}]}]}");

        JsonNode error = geminiError(response, 429, "RESOURCE_EXHAUSTED");
        assertThat(error.path("details").findValuesAsText("retryDelay")).containsExactly("38s");
        assertThat(error.path("details").findValuesAsText("quotaId"))
                .containsExactly("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
        assertThat(response.headers().firstValue("Retry-After")).hasValueSatisfying(
                s -> assertThat(Long.parseLong(s)).isPositive());
        assertThat(gemini.keysUsed()).containsExactlyInAnyOrder(KEY_1, KEY_2);
    }

    @Test
    void clientErrorsAreGeminisOwnWithDetails() throws Exception {
        HttpResponse<String> missing = postNative("/v1beta/models/" + MISSING_MODEL + ":generateContent", "{}");
        HttpResponse<String> picky = postNative("/v1beta/models/" + PICKY_MODEL + ":generateContent", "{}");

        assertThat(geminiError(missing, 404, "NOT_FOUND").path("message").asText())
                .startsWith("models/" + MISSING_MODEL + " is not found for API version v1beta");
        JsonNode bad = geminiError(picky, 400, "INVALID_ARGUMENT");
        assertThat(bad.path("details").get(0).path("@type").asText())
                .isEqualTo("type.googleapis.com/google.rpc.BadRequest");
        assertThat(bad.path("details").get(0).path("fieldViolations").get(0).path("field").asText())
                .isEqualTo("tools[0].function_declarations[0].parameters");
        assertThat(gemini.requestCount()).as("a client error is not retried on other keys").isEqualTo(2);
    }

    @Test
    void keysQuotedByGeminiAreMaskedInMessageAndDetails() throws Exception {
        HttpResponse<String> response = postNative("/v1beta/models/" + LEAKY_MODEL + ":generateContent", "{}");

        JsonNode error = geminiError(response, 400, "INVALID_ARGUMENT");
        assertThat(response.body()).doesNotContain(KEY_1).doesNotContain(KEY_2);
        assertThat(error.path("message").asText()).startsWith("Bad value in request made with AIza");
        assertThat(error.path("details").get(0).path("reason").asText()).isEqualTo("BAD_VALUE");
        assertThat(error.path("details").get(0).path("metadata").path("consumer").asText()).startsWith("api_key:");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/v1beta/models/" + MODEL + ":predict",
            "/v1beta/models/" + MODEL + "/../../files",
            "/v1beta/files",
            "/v1beta/tunedModels/x:generateContent",
            "/v1beta/models/" + MODEL + "%2F..%2Fx:generateContent"})
    void unknownResourcesAre404AndNeverReachGemini(String path) throws Exception {
        HttpResponse<String> response = postNative(path, "{}");

        geminiError(response, 404, "NOT_FOUND");
        assertThat(gemini.requestCount()).isZero();
    }

    @Test
    void getOnAGenerationMethodIs404() throws Exception {
        HttpResponse<String> response = server.send(nativeRequest("/v1beta/models/" + MODEL + ":generateContent")
                .GET().build());

        geminiError(response, 404, "NOT_FOUND");
        assertThat(gemini.requestCount()).isZero();
    }

    @Test
    void frameworkErrorsOnNativeRoutesUseGeminisShapeToo() throws Exception {
        HttpResponse<String> response = server.send(nativeRequest("/v1beta/models/" + MODEL + ":generateContent")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build());

        geminiError(response, 405, "UNIMPLEMENTED");
    }

    // ---- CORS ----

    @Test
    void corsPreflightAndHeadersWorkOnNativeRoutes() throws Exception {
        String path = "/v1beta/models/" + MODEL + ":generateContent";
        HttpResponse<String> preflight = server.send(server.request(path, null)
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "x-goog-api-key, content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        HttpResponse<String> actual = server.send(nativeRequest(path).header("Origin", "https://app.example")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[]}")).build());
        HttpResponse<String> refused = server.send(server.request(path, null).header("Origin", "https://app.example")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
                .hasValueSatisfying(h -> assertThat(h.toLowerCase()).contains("x-goog-api-key"));
        assertThat(actual.statusCode()).isEqualTo(200);
        assertThat(actual.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    }
}
