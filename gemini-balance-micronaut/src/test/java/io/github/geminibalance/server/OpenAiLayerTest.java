package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.store.RecordQuery;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.testing.FakeGemini;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Google's OpenAI layer, pooled ({@code /openai/v1/...}): the official OpenAI SDK against the running server,
 * which forwards to the fake Gemini's {@code /v1beta/openai/...} with a pool key as a bearer token.
 */
class OpenAiLayerTest {

    private static final String KEY_A = "AIzaSyLAYER-only-key-00000000000000001";
    private static final String KEY_B = "AIzaSyLAYER-only-key-00000000000000002";
    private static final String MODEL = "gemini-2.5-flash";
    private static final String TIRED_MODEL = "gemini-2.5-pro";
    private static final String ANSWER = """
            {"id":"chatcmpl-google-1","object":"chat.completion","created":1765000000,"model":"gemini-2.5-flash",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Canberra, and %s"},
             "finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}""";
    private static final String STREAM = """
            data: {"id":"chatcmpl-google-2","object":"chat.completion.chunk","created":1765000000,"model":"gemini-2.5-flash","choices":[{"index":0,"delta":{"role":"assistant","content":"Can"}}]}

            data: {"id":"chatcmpl-google-2","object":"chat.completion.chunk","created":1765000000,"model":"gemini-2.5-flash","choices":[{"index":0,"delta":{"content":"berra"},"finish_reason":"stop"}]}

            data: [DONE]

            """;
    // Google's layer answers errors as a JSON array of Gemini's error object
    private static final String QUOTA_429 = """
            [{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}]""";

    private static FakeGemini gemini;
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start();
        server = TestServer.start(TestServer.config(gemini, List.of(KEY_A, KEY_B)).build());
        client = OpenAIOkHttpClient.builder().baseUrl(server.url() + "/openai/v1").apiKey(TestServer.TOKEN)
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @BeforeEach
    void stubs() {
        gemini.server().resetAll();
        for (String key : List.of(KEY_A, KEY_B)) {
            // the answer names the key that was used (by its last digit), so the test sees which one served
            gemini.server().stubFor(post(urlEqualTo("/v1beta/openai/chat/completions"))
                    .withHeader("Authorization", equalTo("Bearer " + key))
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.notContaining("\"stream\":true"))
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(MODEL))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody(ANSWER.formatted("key " + key.charAt(key.length() - 1)))));
        }
        gemini.server().stubFor(post(urlEqualTo("/v1beta/openai/chat/completions"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("\"stream\":true"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(STREAM)));
        // the tired model: the first key is out of quota, the second serves
        gemini.server().stubFor(post(urlEqualTo("/v1beta/openai/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + KEY_A))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(TIRED_MODEL))
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withBody(QUOTA_429)));
        gemini.server().stubFor(post(urlEqualTo("/v1beta/openai/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + KEY_B))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(TIRED_MODEL))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(ANSWER.formatted("key 2"))));
        gemini.server().stubFor(get(urlPathEqualTo("/v1beta/openai/models"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"object\":\"list\",\"data\":[{\"id\":\"models/gemini-2.5-flash\","
                                + "\"object\":\"model\",\"owned_by\":\"google\"}]}")));
    }

    private static ChatCompletionCreateParams question(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Capital of Australia?").build();
    }

    @Test
    void aChatCompletionGoesToGooglesLayerWithAPoolKeyAndComesBackUnchanged() {
        ChatCompletion first = client.chat().completions().create(question(MODEL));
        ChatCompletion second = client.chat().completions().create(question(MODEL));

        assertThat(first.id()).isEqualTo("chatcmpl-google-1"); // Google's own answer, not this server's
        assertThat(first.choices().get(0).message().content()).hasValueSatisfying(c -> assertThat(c).startsWith("Canberra"));
        assertThat(List.of(first, second).stream().map(c -> c.choices().get(0).message().content().orElseThrow())
                .collect(Collectors.toSet())).as("the two calls rotate over the pool")
                .containsExactlyInAnyOrder("Canberra, and key 1", "Canberra, and key 2");
        List<LoggedRequest> sent = gemini.server().findAll(
                com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/v1beta/openai/chat/completions")));
        assertThat(sent).hasSize(2).allSatisfy(r -> {
            assertThat(r.getHeader("Authorization")).isIn("Bearer " + KEY_A, "Bearer " + KEY_B);
            assertThat(r.getBodyAsString()).contains("Capital of Australia?");
            assertThat(r.toString()).doesNotContain(TestServer.TOKEN); // the client's token stays here
        });
    }

    @Test
    void aStreamIsRelayedEventByEvent() {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(question(MODEL))) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }
        assertThat(text.toString()).isEqualTo("Canberra");
    }

    @Test
    void aKeyOutOfQuotaRestsAndAnotherServesTheSameRequest() throws Exception {
        ChatCompletion answer = client.chat().completions().create(question(TIRED_MODEL));

        assertThat(answer.choices().get(0).message().content()).contains("Canberra, and key 2");
        GeminiBalance pool = server.context().getBean(GeminiBalance.class);
        KeyStatus a = pool.keyStatus().stream().filter(s -> s.masked().endsWith("0001")).findFirst().orElseThrow();
        assertThat(a.state()).isEqualTo(KeyState.COOLING);
        assertThat(a.restingUntil()).as("for that model only").containsOnlyKeys(TIRED_MODEL);

        List<RequestRecord> records = waitForRecords(pool, "google.openai", TIRED_MODEL);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).status()).isEqualTo(200);
        assertThat(records.get(0).attempts()).hasSize(2);
    }

    @Test
    void modelsAndErrorsAndPathsOutsideTheLayer() throws Exception {
        HttpResponse<String> models = server.get("/openai/v1/models");
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.body()).contains("models/gemini-2.5-flash");

        for (String path : List.of("/openai/v1/..%2F..%2Fv1beta%2Fmodels", "/openai/v1/chat/%2E%2E/x",
                "/openai/v1/a%20b")) {
            HttpResponse<String> refused = server.send(server.request(path, TestServer.TOKEN).GET().build());
            assertThat(refused.statusCode()).as(path).isEqualTo(404);
            JsonNode error = io.github.geminibalance.internal.Json.mapper().readTree(refused.body()).path("error");
            assertThat(error.path("type").asText()).as(path).isEqualTo("invalid_request_error");
        }

        HttpResponse<String> anonymous = server.send(server.request("/openai/v1/models", null).GET().build());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        // Google refuses the request itself: its 400 comes back in OpenAI's shape, and no key rests
        gemini.server().stubFor(post(urlEqualTo("/v1beta/openai/chat/completions"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("bad-model"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("[{\"error\":{\"code\":400,\"message\":\"* GenerateContentRequest.model: unexpected "
                                + "model name format\",\"status\":\"INVALID_ARGUMENT\"}}]")));
        HttpResponse<String> bad = server.send(server.request("/openai/v1/chat/completions", TestServer.TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"bad-model\",\"messages\":[]}")).build());
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode error = io.github.geminibalance.internal.Json.mapper().readTree(bad.body()).path("error");
        assertThat(error.path("message").asText()).contains("unexpected model name format");
        assertThat(error.has("type")).isTrue();
        assertThat(bad.body()).doesNotContain(KEY_A).doesNotContain(KEY_B);
        assertThat(gemini.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                urlEqualTo("/v1beta/openai/chat/completions")))).as("a request error is not retried").hasSize(1);
    }

    @Test
    void aFilteredModelIsRefusedWithoutReachingGoogleAndLeftOutOfTheList() throws Exception {
        // FILTERED_MODELS is the original's default here: it holds gemini-pro-vision and gemini-1.0-pro-vision-latest
        gemini.server().stubFor(get(urlPathEqualTo("/v1beta/openai/models"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"object\":\"list\",\"data\":["
                                + "{\"id\":\"models/gemini-2.5-flash\",\"object\":\"model\",\"owned_by\":\"google\"},"
                                + "{\"id\":\"models/gemini-pro-vision\",\"object\":\"model\",\"owned_by\":\"google\"},"
                                + "{\"id\":\"gemini-1.0-pro-vision-latest\",\"object\":\"model\",\"owned_by\":\"google\"},"
                                + "{\"id\":\"models/gemini-2.5-pro\",\"object\":\"model\",\"owned_by\":\"google\"}]}")));
        List<String> ids = client.models().list().data().stream().map(com.openai.models.models.Model::id).toList();
        assertThat(ids).containsExactly("models/gemini-2.5-flash", "models/gemini-2.5-pro");
        GeminiBalance pool = server.context().getBean(GeminiBalance.class);
        long usedBefore = pool.keyStatus().stream().mapToLong(KeyStatus::requestsToday).sum();

        for (String model : List.of("gemini-pro-vision", "models/gemini-pro-vision")) {
            assertThatThrownBy(() -> client.chat().completions().create(question(model)))
                    .as(model).isInstanceOfSatisfying(NotFoundException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(404);
                        assertThat(e.code()).hasValue("model_not_found");
                        assertThat(e.param()).hasValue("model");
                        assertThat(e.getMessage()).contains("'gemini-pro-vision'").contains("FILTERED_MODELS");
                    });
        }
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream =
                    client.chat().completions().createStreaming(question("gemini-pro-vision"))) {
                stream.stream().forEach(chunk -> { });
            }
        }).isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).hasValue("model_not_found"));
        assertThatThrownBy(() -> client.models().retrieve("gemini-1.0-pro-vision-latest"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).hasValue("model_not_found"));

        assertThat(gemini.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl())))
                .as("only the model list reached Google").hasSize(1);
        assertThat(pool.keyStatus().stream().mapToLong(KeyStatus::requestsToday).sum())
                .as("no key is leased for a refused model").isEqualTo(usedBefore);
        assertThat(pool.keyStatus()).allSatisfy(k -> assertThat(k.consecutiveFailures()).isZero());
    }

    private static List<RequestRecord> waitForRecords(GeminiBalance pool, String route, String model)
            throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            List<RequestRecord> found = pool.store().queries().requests(RecordQuery.latest(100)).items().stream()
                    .filter(r -> route.equals(r.route()) && model.equals(r.modelAsked())).toList();
            if (!found.isEmpty()) {
                return found;
            }
            Thread.sleep(50);
        }
        return List.of();
    }
}
