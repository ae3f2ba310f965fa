package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.config.UpstreamOptions;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Vertex AI express mode ({@code VERTEX_API_KEYS}) through the running server: the {@code /vertex-express}
 * routes with Google's genai SDK, the key of the Vertex pool at the fake's Vertex base, the admin listing,
 * and {@code VERTEX_FALLBACK} for the native routes when the Gemini pool has no usable key.
 */
class VertexExpressTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String GEMINI_KEY = "AIzaSyVERTEX-test-gemini-key-01";
    private static final String VERTEX_KEY = "AQ.Ab8RN6vertex-express-test-key-0001";
    private static final String VERTEX_PATH = "/v1beta1/publishers/google/models/" + MODEL;
    private static final String ADMIN = "admin-vertex-token-0001";
    private static final String NATIVE = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}";

    private FakeGemini gemini;
    private TestServer server;

    @BeforeEach
    void fake() {
        gemini = FakeGemini.start().generateContent(MODEL, null, GeminiFixtures.textResponse("From Gemini."));
        var wm = gemini.server();
        wm.stubFor(post(urlPathEqualTo(VERTEX_PATH + ":generateContent")).atPriority(1)
                .withHeader("x-goog-api-key", equalTo(VERTEX_KEY))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody(GeminiFixtures.textResponse("From Vertex."))));
        wm.stubFor(post(urlPathEqualTo(VERTEX_PATH + ":streamGenerateContent")).atPriority(1)
                .withHeader("x-goog-api-key", equalTo(VERTEX_KEY)).withQueryParam("alt", equalTo("sse"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(GeminiFixtures.sseBody(GeminiFixtures.textStream("Vertex", " streams", ".")))));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        gemini.close();
    }

    private void start(List<String> vertexKeys, boolean fallback) {
        URI base = URI.create(gemini.baseUrl().replace("/v1beta", "/v1beta1/publishers/google"));
        UpstreamOptions upstream = new UpstreamOptions(List.of(), true, Map.of("x-team", "blue"), vertexKeys, base,
                fallback);
        server = TestServer.start(TestServer.config(gemini, List.of(GEMINI_KEY)).upstream(upstream).build(),
                TestServer.serverConfig().withAuthToken(ADMIN));
    }

    private Client sdk() {
        return Client.builder().apiKey(TestServer.TOKEN).vertexAI(false)
                .httpOptions(HttpOptions.builder()
                        .baseUrl(server.url().replace("localhost", "127.0.0.1") + "/vertex-express")
                        .apiVersion("v1beta")
                        .retryOptions(HttpRetryOptions.builder().attempts(1).build())
                        .build())
                .build();
    }

    private List<LoggedRequest> vertexCalls() {
        return gemini.server().findAll(postRequestedFor(urlPathMatching("/v1beta1/publishers/google/.*")));
    }

    private HttpResponse<String> nativeCall(String prefix, String method) throws Exception {
        return server.send(server.request(prefix + "/models/" + MODEL + ":" + method, null)
                .header("x-goog-api-key", TestServer.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(NATIVE)).build());
    }

    @Test
    void theGenaiSdkGeneratesAndStreamsWithTheVertexPool() throws Exception {
        start(List.of(VERTEX_KEY), false);
        Client client = sdk();

        GenerateContentResponse answer = client.models.generateContent(MODEL, "hi", null);
        assertThat(answer.text()).isEqualTo("From Vertex.");
        StringBuilder streamed = new StringBuilder();
        try (ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream(MODEL, "hi", null)) {
            for (GenerateContentResponse chunk : stream) {
                streamed.append(chunk.text());
            }
        }
        assertThat(streamed.toString()).isEqualTo("Vertex streams.");

        assertThat(vertexCalls()).hasSize(2).allSatisfy(r -> {
            assertThat(r.getHeader("x-goog-api-key")).isEqualTo(VERTEX_KEY);
            assertThat(r.getHeader("x-team")).isEqualTo("blue");
            assertThat(r.getUrl()).doesNotContain(TestServer.TOKEN);
        });
        assertThat(gemini.server().findAll(postRequestedFor(urlPathMatching("/v1beta/.*")))).isEmpty();

        JsonNode vertexKeys = Json.mapper().readTree(server.send(server.request("/admin/vertex-keys", ADMIN).GET().build()).body());
        assertThat(vertexKeys.path("keys")).hasSize(1);
        assertThat(vertexKeys.path("keys").get(0).path("key").asText()).isEqualTo("AQ.A...0001");
        assertThat(vertexKeys.path("keys").get(0).path("requests_today").asLong()).isEqualTo(2);
        String geminiKeys = server.send(server.request("/admin/keys", ADMIN).GET().build()).body();
        assertThat(geminiKeys).doesNotContain("AQ.A");
        assertThat(vertexKeys.toString()).doesNotContain(VERTEX_KEY);
    }

    @Test
    void onlyTheGenerateCallsAreServedAndErrorsComeInGeminisShape() throws Exception {
        start(List.of(VERTEX_KEY), false);

        HttpResponse<String> count = nativeCall("/vertex-express/v1beta", "countTokens");
        assertThat(count.statusCode()).isEqualTo(404);
        assertThat(Json.mapper().readTree(count.body()).path("error").path("status").asText()).isEqualTo("NOT_FOUND");
        HttpResponse<String> list = server.send(server.request("/vertex-express/v1beta/models", null)
                .header("x-goog-api-key", TestServer.TOKEN).GET().build());
        assertThat(list.statusCode()).isEqualTo(404);
        HttpResponse<String> anonymous = server.send(server.request("/vertex-express/v1beta/models/" + MODEL
                + ":generateContent", null).POST(HttpRequest.BodyPublishers.ofString(NATIVE)).build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(Json.mapper().readTree(anonymous.body()).path("error").path("code").asInt()).isEqualTo(401);
        assertThat(vertexCalls()).isEmpty();
    }

    @Test
    void withoutVertexKeysTheRoutesAnswer503() throws Exception {
        start(List.of(), false);
        HttpResponse<String> answer = nativeCall("/vertex-express/v1beta", "generateContent");
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(Json.mapper().readTree(answer.body()).path("error").path("message").asText())
                .contains("VERTEX_API_KEYS");
    }

    @Test
    void theFallbackServesNativeGenerateCallsWhenTheGeminiPoolHasNoUsableKey() throws Exception {
        start(List.of(VERTEX_KEY), true);
        HttpResponse<String> before = nativeCall("/v1beta", "generateContent");
        assertThat(before.body()).contains("From Gemini.");
        assertThat(vertexCalls()).isEmpty();

        GeminiBalance facade = server.context().getBean(GeminiBalance.class);
        assertThat(facade.disableKey(facade.keyStatus().get(0).id())).isTrue();

        HttpResponse<String> after = nativeCall("/v1beta", "generateContent");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).contains("From Vertex.");
        HttpResponse<String> streamed = nativeCall("/gemini/v1beta", "streamGenerateContent?alt=sse");
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.body()).contains("Vertex").contains(" streams");
        assertThat(vertexCalls()).hasSize(2);

        // other routes do not fall back
        assertThat(nativeCall("/v1beta", "countTokens").statusCode()).isEqualTo(503);
        assertThat(server.postJson("/v1/chat/completions", "{\"model\":\"" + MODEL
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(503);
        assertThat(vertexCalls()).hasSize(2);
    }

    @Test
    void withoutTheFallbackAGeminiPoolWithoutKeysAnswers503() throws Exception {
        start(List.of(VERTEX_KEY), false);
        GeminiBalance facade = server.context().getBean(GeminiBalance.class);
        facade.disableKey(facade.keyStatus().get(0).id());

        assertThat(nativeCall("/v1beta", "generateContent").statusCode()).isEqualTo(503);
        assertThat(vertexCalls()).isEmpty();
    }
}
