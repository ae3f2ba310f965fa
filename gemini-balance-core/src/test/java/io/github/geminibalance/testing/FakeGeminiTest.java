package io.github.geminibalance.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FakeGeminiTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String CHAT = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";

    private static FakeGemini gemini;
    private static HttpClient http;

    @BeforeAll
    static void startFake() {
        gemini = FakeGemini.start();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stopFake() {
        gemini.close();
    }

    @BeforeEach
    void clean() {
        gemini.reset();
    }

    @Test
    void baseUrlPointsAtV1betaOnLoopback() {
        assertThat(gemini.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/v1beta");
    }

    @Test
    void generateContentIsPrettyPrintedJsonWithGooglesContentType() throws Exception {
        gemini.generateContent(MODEL, null, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}],"
                + "\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"modelVersion\":\"gemini-2.5-flash\"}");

        HttpResponse<String> response = post(MODEL + ":generateContent", "k1", CHAT);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=UTF-8");
        assertThat(response.body()).isEqualTo("""
                {
                  "candidates": [
                    {
                      "content": {
                        "parts": [
                          {
                            "text": "Hi"
                          }
                        ],
                        "role": "model"
                      },
                      "finishReason": "STOP",
                      "index": 0
                    }
                  ],
                  "modelVersion": "gemini-2.5-flash"
                }
                """);
    }

    @Test
    void streamEventsAreFramedAsSingleLineGoogleJsonEndingInCrlfCrlf() throws Exception {
        // pretty-printed input must come out on one line in Google's compact style
        gemini.streamGenerateContent(MODEL, null, List.of(
                "{\n  \"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Par\"}], \"role\": \"model\"}, \"index\": 0}]\n}",
                "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"is\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":3,\"totalTokenCount\":5}}"));

        HttpResponse<byte[]> response = postBytes(MODEL + ":streamGenerateContent?alt=sse", "k1", CHAT);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        assertThat(response.headers().firstValue("Content-Disposition")).hasValue("attachment");
        String expected = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Par\"}],\"role\": \"model\"},\"index\": 0}]}\r\n\r\n"
                + "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"is\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],"
                + "\"usageMetadata\": {\"promptTokenCount\": 3,\"totalTokenCount\": 5}}\r\n\r\n";
        assertThat(response.body()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void streamStubRequiresAltSse() throws Exception {
        gemini.streamGenerateContent(MODEL, null, GeminiFixtures.textStream("a"));

        assertThat(post(MODEL + ":streamGenerateContent", "k1", CHAT).statusCode()).isEqualTo(404);
        assertThat(post(MODEL + ":streamGenerateContent?alt=sse", "k1", CHAT).statusCode()).isEqualTo(200);
    }

    @Test
    void rawStreamIsSentByteForByte() throws Exception {
        String d2 = GeminiFixtures.textStreamSse();
        String odd = "data: {\"candidates\": []}\n\ndata: {\"candidates\"";
        gemini.streamGenerateContentRaw(MODEL, "a", d2).streamGenerateContentRaw(MODEL, "b", odd);

        assertThat(postBytes(MODEL + ":streamGenerateContent?alt=sse", "a", CHAT).body())
                .isEqualTo(d2.getBytes(StandardCharsets.UTF_8));
        assertThat(postBytes(MODEL + ":streamGenerateContent?alt=sse", "b", CHAT).body())
                .isEqualTo(odd.getBytes(StandardCharsets.UTF_8));
        assertThat(d2).startsWith("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Rayleigh scattering\"}]")
                .endsWith("\"responseId\": \"c3RyZWFtX2RlbW9fMDI\"}\r\n\r\n");
    }

    @Test
    void colonInPathMatchesOnlyTheStubbedModelAndMethodAndMayBePercentEncoded() throws Exception {
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("ok"));

        assertThat(post(MODEL + ":generateContent", "k", CHAT).statusCode()).isEqualTo(200);
        assertThat(post(MODEL + "%3AgenerateContent", "k", CHAT).statusCode()).isEqualTo(200);
        // the dot in the model id is literal, and other methods or models are not stubbed
        assertThat(post("gemini-2x5-flash:generateContent", "k", CHAT).statusCode()).isEqualTo(404);
        assertThat(post(MODEL + ":countTokens", "k", CHAT).statusCode()).isEqualTo(404);
        assertThat(post(MODEL + "-lite:generateContent", "k", CHAT).statusCode()).isEqualTo(404);
    }

    @Test
    void keySpecificStubsWinOverAnyKeyStubsWhateverTheOrder() throws Exception {
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("from any key"))
                .error(MODEL, "key-a", GeminiErrorKind.RATE_LIMITED_429)
                .error(MODEL, "key-b", GeminiErrorKind.API_KEY_INVALID_400)
                // registered last, still loses against the key-specific ones
                .generateContent(MODEL, null, GeminiFixtures.textResponse("from any key, later"));

        assertThat(post(MODEL + ":generateContent", "key-a", CHAT).statusCode()).isEqualTo(429);
        HttpResponse<String> b = post(MODEL + ":generateContent", "key-b", CHAT);
        assertThat(b.statusCode()).isEqualTo(400);
        assertThat(json(b.body()).at("/error/details/0/reason").asText()).isEqualTo("API_KEY_INVALID");
        HttpResponse<String> c = post(MODEL + ":generateContent", "key-c", CHAT);
        assertThat(c.statusCode()).isEqualTo(200);
        assertThat(json(c.body()).at("/candidates/0/content/parts/0/text").asText()).isEqualTo("from any key, later");
        // the error stub covers the stream endpoint too, as a plain JSON error
        HttpResponse<String> stream = post(MODEL + ":streamGenerateContent?alt=sse", "key-a", CHAT);
        assertThat(stream.statusCode()).isEqualTo(429);
        assertThat(stream.headers().firstValue("Content-Type")).hasValue("application/json; charset=UTF-8");
    }

    @Test
    void keyInQueryParameterMatchesLikeTheHeader() throws Exception {
        gemini.error(MODEL, "key-a", GeminiErrorKind.UNAVAILABLE_503)
                .generateContent(MODEL, null, GeminiFixtures.textResponse("ok"));

        assertThat(send(request(MODEL + ":generateContent?key=key-a", null, CHAT)).statusCode()).isEqualTo(503);
        assertThat(send(request(MODEL + ":generateContent?key=key-z", null, CHAT)).statusCode()).isEqualTo(200);
        assertThat(gemini.keysUsed()).containsExactly("key-a", "key-z");
    }

    @Test
    void requestWithoutAnyKeyGetsGooglesUnregisteredCaller403() throws Exception {
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("ok"));

        HttpResponse<String> response = send(request(MODEL + ":generateContent", null, CHAT));

        assertThat(response.statusCode()).isEqualTo(403);
        JsonNode error = json(response.body()).get("error");
        assertThat(error.get("status").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(error.get("message").asText()).startsWith("Method doesn't allow unregistered callers");
        assertThat(error.has("details")).isFalse();
        assertThat(gemini.keysUsed()).containsExactly((String) null);
    }

    @ParameterizedTest
    @EnumSource(GeminiErrorKind.class)
    void everyErrorKindHasItsStatusAndAGoogleErrorBody(GeminiErrorKind kind) throws Exception {
        gemini.error(MODEL, "k", kind);

        HttpResponse<String> response = post(MODEL + ":generateContent", "k", CHAT);

        assertThat(response.statusCode()).isEqualTo(kind.httpStatus());
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=UTF-8");
        assertThat(response.body()).startsWith("{\n  \"error\": {\n    \"code\": " + kind.httpStatus() + ",\n").endsWith("}\n");
        JsonNode body = json(response.body());
        JsonNode error = body.get("error");
        assertThat(error.fieldNames()).toIterable().startsWith("code", "message", "status");
        assertThat(error.get("code").asInt()).isEqualTo(kind.httpStatus());
        assertThat(error.get("status").asText()).isEqualTo(kind.googleStatus());
        for (JsonNode detail : error.path("details")) {
            assertThat(detail.get("@type").asText()).startsWith("type.googleapis.com/google.rpc.");
        }
        // the body is the hand-written fixture, except where the fake names the call's model or key
        JsonNode expected = json(fixture("errors/" + kind.fixture()));
        if (kind == GeminiErrorKind.MODEL_NOT_FOUND_404 || kind == GeminiErrorKind.CONSUMER_SUSPENDED_403) {
            ((ObjectNode) expected.get("error")).set("message", error.get("message"));
        }
        assertThat(body).isEqualTo(expected);
    }

    @Test
    void rateLimitCarriesQuotaFailureHelpAndRetryInfoForTheModel() throws Exception {
        gemini.error(MODEL, "a", GeminiErrorKind.RATE_LIMITED_429)
                .error(MODEL, "b", GeminiErrorKind.DAILY_QUOTA_429)
                .rateLimited(MODEL, "c", "7s");

        JsonNode a = json(post(MODEL + ":generateContent", "a", CHAT).body()).at("/error/details");
        assertThat(a.findValuesAsText("@type")).containsExactly(
                "type.googleapis.com/google.rpc.QuotaFailure",
                "type.googleapis.com/google.rpc.Help",
                "type.googleapis.com/google.rpc.RetryInfo");
        assertThat(a.at("/0/violations/0/quotaId").asText()).isEqualTo("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
        assertThat(a.at("/0/violations/0/quotaDimensions/model").asText()).isEqualTo(MODEL);
        assertThat(a.at("/2/retryDelay").asText()).isEqualTo("38s");

        JsonNode b = json(post(MODEL + ":generateContent", "b", CHAT).body()).at("/error/details");
        assertThat(b.at("/0/violations/0/quotaId").asText()).isEqualTo("GenerateRequestsPerDayPerProjectPerModel-FreeTier");

        JsonNode c = json(post(MODEL + ":streamGenerateContent?alt=sse", "c", CHAT).body()).at("/error/details");
        assertThat(c.at("/2/retryDelay").asText()).isEqualTo("7s");
        assertThatThrownBy(() -> gemini.rateLimited(MODEL, "c", "7 seconds"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorBodiesFollowTheModelMethodAndKeyOfTheCall() throws Exception {
        gemini.error("gemini-9-nope", "k", GeminiErrorKind.MODEL_NOT_FOUND_404)
                .error(MODEL, "blocked", GeminiErrorKind.PERMISSION_DENIED_403)
                .error(MODEL, "AIzaSuspendedTestKey", GeminiErrorKind.CONSUMER_SUSPENDED_403);

        assertThat(json(post("gemini-9-nope:generateContent", "k", CHAT).body()).at("/error/message").asText())
                .isEqualTo("models/gemini-9-nope is not found for API version v1beta, or is not supported for "
                        + "generateContent. Call ListModels to see the list of available models and their supported methods.");
        JsonNode blocked = json(post(MODEL + ":streamGenerateContent?alt=sse", "blocked", CHAT).body()).get("error");
        assertThat(blocked.at("/details/0/reason").asText()).isEqualTo("API_KEY_SERVICE_BLOCKED");
        assertThat(blocked.at("/details/0/metadata/methodName").asText())
                .isEqualTo("google.ai.generativelanguage.v1beta.GenerativeService.StreamGenerateContent");
        // Google quotes the raw key here; a proxy must not pass that on unmasked
        assertThat(json(post(MODEL + ":generateContent", "AIzaSuspendedTestKey", CHAT).body()).at("/error/message").asText())
                .isEqualTo("Permission denied: Consumer 'api_key:AIzaSuspendedTestKey' has been suspended.");
    }

    @Test
    void embedContentIsDeterministicPerTextAndHonoursOutputDimensionality() throws Exception {
        gemini.embed("gemini-embedding-001", null, 8);

        JsonNode hello = json(post("gemini-embedding-001:embedContent", "k",
                "{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"hello\"}]}}").body());
        JsonNode again = json(post("gemini-embedding-001:embedContent", "k",
                "{\"content\":{\"parts\":[{\"text\":\"hello\"}]}}").body());
        JsonNode other = json(post("gemini-embedding-001:embedContent", "k",
                "{\"content\":{\"parts\":[{\"text\":\"world\"}]}}").body());
        JsonNode short4 = json(post("gemini-embedding-001:embedContent", "k",
                "{\"content\":{\"parts\":[{\"text\":\"hello\"}]},\"outputDimensionality\":4}").body());

        assertThat(doubles(hello.at("/embedding/values"))).containsExactly(FakeGemini.embeddingValues("hello", 8));
        assertThat(again).isEqualTo(hello);
        assertThat(doubles(other.at("/embedding/values"))).isNotEqualTo(doubles(hello.at("/embedding/values")));
        assertThat(doubles(short4.at("/embedding/values"))).containsExactly(FakeGemini.embeddingValues("hello", 4));
        assertThat(FakeGemini.embeddingValues("hello", 8)).startsWith(FakeGemini.embeddingValues("hello", 4));
    }

    @Test
    void batchEmbedKeepsRequestOrderAndAcceptsExactly100() throws Exception {
        gemini.embed("gemini-embedding-001", null, 3);
        List<String> texts = IntStream.range(0, 100).mapToObj(i -> "text " + i).toList();

        HttpResponse<String> response = post("gemini-embedding-001:batchEmbedContents", "k", batch(texts));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode embeddings = json(response.body()).get("embeddings");
        assertThat(embeddings).hasSize(100);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(doubles(embeddings.get(i).get("values")))
                    .as("embedding %d", i)
                    .containsExactly(FakeGemini.embeddingValues(texts.get(i), 3));
        }
    }

    @Test
    void batchEmbedOf101RequestsIsGoogles400() throws Exception {
        gemini.embed("gemini-embedding-001", null, 3);
        List<String> texts = IntStream.range(0, 101).mapToObj(i -> "t" + i).toList();

        HttpResponse<String> response = post("gemini-embedding-001:batchEmbedContents", "k", batch(texts));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response.body()).get("error");
        assertThat(error.get("status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.get("message").asText())
                .contains("BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch");
    }

    @Test
    void batchEmbedItemForAnotherModelIsRejected() throws Exception {
        gemini.embed("gemini-embedding-001", null, 3);

        HttpResponse<String> response = post("gemini-embedding-001:batchEmbedContents", "k",
                "{\"requests\":[{\"model\":\"models/text-embedding-004\",\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/message").asText()).contains("requests[0].model");
    }

    @Test
    void modelsArePagedWithNextPageTokenUntilTheLastPage() throws Exception {
        gemini.models(List.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash", "gemini-embedding-001", "aqa"), 2);

        List<String> names = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            HttpResponse<String> response = get("models" + (token == null ? "" : "?pageToken=" + token), "k");
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode page = json(response.body());
            page.get("models").forEach(m -> names.add(m.get("name").asText()));
            pageSizes.add(page.get("models").size());
            token = page.has("nextPageToken") ? page.get("nextPageToken").asText() : null;
            pages++;
        } while (token != null && pages < 10);

        assertThat(pageSizes).containsExactly(2, 2, 1);
        assertThat(names).containsExactly("models/gemini-2.5-flash", "models/gemini-2.5-pro",
                "models/gemini-2.0-flash", "models/gemini-embedding-001", "models/aqa");
    }

    @Test
    void modelsHonourASmallerClientPageSizeAndListRealisticMethods() throws Exception {
        gemini.models(List.of("gemini-2.5-flash", "gemini-embedding-001"), 50);

        JsonNode first = json(get("models?pageSize=1", "k").body());
        assertThat(first.get("models")).hasSize(1);
        JsonNode flash = first.at("/models/0");
        assertThat(flash.get("displayName").asText()).isEqualTo("Gemini 2.5 Flash");
        assertThat(flash.get("inputTokenLimit").asInt()).isPositive();
        assertThat(flash.get("supportedGenerationMethods")).extracting(JsonNode::asText)
                .contains("generateContent", "countTokens").doesNotContain("embedContent");

        JsonNode second = json(get("models?pageSize=1&pageToken=" + first.get("nextPageToken").asText(), "k").body());
        assertThat(second.has("nextPageToken")).isFalse();
        assertThat(second.at("/models/0/supportedGenerationMethods")).extracting(JsonNode::asText)
                .contains("embedContent").doesNotContain("generateContent");

        assertThat(json(get("models/gemini-embedding-001", "k").body()).get("name").asText())
                .isEqualTo("models/gemini-embedding-001");
    }

    @Test
    void countTokensAnswersInTheA6Shape() throws Exception {
        gemini.countTokens(MODEL, null, 11);

        JsonNode body = json(post(MODEL + ":countTokens", "k", CHAT).body());

        assertThat(body.get("totalTokens").asInt()).isEqualTo(11);
        assertThat(body.at("/promptTokensDetails/0/modality").asText()).isEqualTo("TEXT");
    }

    @Test
    void requestBodiesAndKeysAreRecordedInArrivalOrder() throws Exception {
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("ok"))
                .streamGenerateContent(MODEL, null, GeminiFixtures.textStream("o", "k"))
                .generateContent("gemini-2.5-pro", null, GeminiFixtures.textResponse("ok"));

        post(MODEL + ":generateContent", "k1", "{\"contents\":[{\"parts\":[{\"text\":\"first\"}]}]}");
        post("gemini-2.5-pro:generateContent", "k2", "{\"contents\":[{\"parts\":[{\"text\":\"pro\"}]}]}");
        post(MODEL + ":streamGenerateContent?alt=sse", "k3", "{\"contents\":[{\"parts\":[{\"text\":\"stream\"}]}]}");
        post(MODEL + ":generateContent", "k4", "{\"contents\":[{\"parts\":[{\"text\":\"second\"}]}]}");

        assertThat(gemini.requestBodies(MODEL, "generateContent"))
                .extracting(b -> b.at("/contents/0/parts/0/text").asText())
                .containsExactly("first", "second");
        assertThat(gemini.requestBodies(MODEL, "streamGenerateContent"))
                .extracting(b -> b.at("/contents/0/parts/0/text").asText())
                .containsExactly("stream");
        assertThat(gemini.keysUsed()).containsExactly("k1", "k2", "k3", "k4");
        assertThat(gemini.requestCount()).isEqualTo(4);
    }

    @Test
    void resetRemovesStubsAndRecordedRequests() throws Exception {
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("ok"));
        post(MODEL + ":generateContent", "k", CHAT);

        gemini.reset();

        assertThat(gemini.requestCount()).isZero();
        assertThat(post(MODEL + ":generateContent", "k", CHAT).statusCode()).isEqualTo(404);
        assertThat(send(request(MODEL + ":generateContent", null, CHAT)).statusCode()).isEqualTo(403);
    }

    @Test
    void inStreamErrorCanFollowTextEvents() throws Exception {
        List<String> events = new ArrayList<>(GeminiFixtures.textStream("The first half"));
        events.add(GeminiFixtures.inStreamError());
        gemini.streamGenerateContent(MODEL, null, events);

        String body = post(MODEL + ":streamGenerateContent?alt=sse", "k", CHAT).body();

        assertThat(body).endsWith("data: {\"error\": {\"code\": 503,\"message\": \"The model is overloaded. "
                + "Please try again later.\",\"status\": \"UNAVAILABLE\"}}\r\n\r\n");
        assertThat(body.split("\r\n\r\n")).hasSize(2);
    }

    // ---- helpers ----

    private static String fixture(String name) throws IOException {
        try (var in = FakeGeminiTest.class.getResourceAsStream("/fixtures/gemini/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String batch(List<String> texts) {
        StringBuilder body = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < texts.size(); i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"")
                    .append(texts.get(i))
                    .append("\"}]}}");
        }
        return body.append("]}").toString();
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    private static JsonNode json(String body) throws IOException {
        return Json.mapper().readTree(body);
    }

    private static HttpRequest.Builder request(String pathAfterV1beta, String key, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(gemini.baseUrl() + "/models/" + pathAfterV1beta))
                .header("Content-Type", "application/json");
        if (key != null) {
            builder.header(FakeGemini.API_KEY_HEADER, key);
        }
        return body == null ? builder.GET() : builder.POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> post(String path, String key, String body) throws Exception {
        return send(request(path, key, body));
    }

    private static HttpResponse<byte[]> postBytes(String path, String key, String body) throws Exception {
        return http.send(request(path, key, body).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> get(String pathAfterV1beta, String key) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(gemini.baseUrl() + "/" + pathAfterV1beta))
                .header(FakeGemini.API_KEY_HEADER, key)
                .GET();
        return send(builder);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
