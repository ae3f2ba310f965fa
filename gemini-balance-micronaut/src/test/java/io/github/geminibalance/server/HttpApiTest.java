package io.github.geminibalance.server;

import static io.github.geminibalance.server.OpenAiSdkTest.EMBEDDING_MODEL;
import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Exact wire behaviour of the server over raw HTTP: status codes, headers, bodies and SSE framing. */
class HttpApiTest {

    private static final String BUSY_MODEL = "gemini-busy";
    private static final String OVERLOADED_MODEL = "gemini-overloaded";
    private static final String MISSING_MODEL = "gemini-nope";
    private static final String[] PIECES = {"Rayleigh scattering", " makes the sky blue."};

    private static FakeGemini gemini;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .generateContent(MODEL, null, GeminiFixtures.textResponse("Canberra."))
                .streamGenerateContent(MODEL, null, GeminiFixtures.textStream(PIECES))
                .embed(EMBEDDING_MODEL, null, 4)
                .models(List.of(MODEL, EMBEDDING_MODEL), 50)
                .rateLimited(BUSY_MODEL, null, "38s")
                .error(OVERLOADED_MODEL, null, GeminiErrorKind.UNAVAILABLE_503)
                .error(MISSING_MODEL, null, GeminiErrorKind.MODEL_NOT_FOUND_404);
        server = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-key-0001", "AIzaSyTEST-key-0002"))
                .build());
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    private static String chat(String model, boolean stream) {
        return """
                {"model": "%s", "stream": %s, "messages": [{"role": "user", "content": "Why is the sky blue?"}]}
                """.formatted(model, stream);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        return Json.mapper().readTree(response.body());
    }

    /** Asserts the OpenAI error envelope with all four members present. */
    private static JsonNode error(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode error = json(response).path("error");
        assertThat(error.has("message") && error.has("type") && error.has("param") && error.has("code"))
                .as("envelope members in %s", response.body()).isTrue();
        assertThat(error.path("message").asText()).isNotBlank();
        return error;
    }

    // ---- health, auth, CORS ----

    @Test
    void healthNeedsNoToken() throws Exception {
        HttpResponse<String> response = server.send(server.request("/health", null).GET().build());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.path("keys").path("total").asInt()).isEqualTo(2);
        assertThat(body.path("keys").path("usable").asInt()).isEqualTo(2);
        int sum = 0;
        for (JsonNode count : body.path("keys").path("states")) {
            sum += count.asInt();
        }
        assertThat(sum).isEqualTo(2);
        assertThat(body.path("keys").path("states").has("INVALID")).isTrue();
        assertThat(response.body()).doesNotContain("AIza");
    }

    @Test
    void missingOrWrongTokenIs401WithBearerChallenge() throws Exception {
        HttpResponse<String> missing = server.send(server.request("/v1/models", null).GET().build());
        HttpResponse<String> wrong = server.send(server.request("/v1/models", "sk-wrong-token-123").GET().build());
        HttpResponse<String> unknownRoute = server.send(server.request("/v1/nothing-here", null).GET().build());

        for (HttpResponse<String> r : List.of(missing, wrong, unknownRoute)) {
            JsonNode error = error(r, 401);
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
            assertThat(error.path("param").isNull()).isTrue();
            assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        }
        assertThat(wrong.body()).doesNotContain("sk-wrong-token-123");
    }

    @Test
    void adminPathsRefuseClientTokensAndAreOffWithoutAuthToken() throws Exception {
        HttpResponse<String> response = server.get("/admin/keys");

        JsonNode error = error(response, 404);
        assertThat(error.path("message").asText()).contains("AUTH_TOKEN");
    }

    @Test
    void corsPreflightIsAnsweredWithoutToken() throws Exception {
        HttpResponse<String> response = server.send(server.request("/v1/chat/completions", null)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://chat.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type, x-stainless-os")
                .build());

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(
                m -> assertThat(m).contains("POST").contains("GET"));
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
                .contains("authorization, content-type, x-stainless-os");
        assertThat(response.headers().firstValue("Access-Control-Max-Age")).contains("600");
    }

    @Test
    void actualCrossOriginResponsesCarryAllowOriginEvenOnErrors() throws Exception {
        HttpResponse<String> ok = server.send(server.request("/v1/chat/completions", TestServer.TOKEN)
                .header("Origin", "https://chat.example.com")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chat(MODEL, false))).build());
        HttpResponse<String> refused = server.send(server.request("/v1/models", null)
                .header("Origin", "https://chat.example.com").GET().build());

        assertThat(ok.statusCode()).isEqualTo(200); // the server is on localhost: no drive-by-localhost 403
        assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    }

    // ---- chat ----

    @Test
    void nonStreamedChatIsWrittenWithTheCoreMapper() throws Exception {
        HttpResponse<String> response = server.postJson("/v1/chat/completions", chat(MODEL, false));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("choices").path(0).path("message").path("content").asText()).isEqualTo("Canberra.");
        // members the schema forces with @JsonInclude(ALWAYS) survive (Micronaut's mapper would drop them)
        assertThat(response.body()).contains("\"logprobs\":null");
    }

    @Test
    void bodyIsReadAsJsonWhateverTheContentTypeSays() throws Exception {
        // curl -d sends application/x-www-form-urlencoded; some clients send no Content-Type at all
        HttpResponse<String> form = server.send(server.request("/v1/chat/completions", TestServer.TOKEN)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(chat(MODEL, false))).build());
        HttpResponse<String> none = server.send(server.request("/v1/chat/completions", TestServer.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(chat(MODEL, false))).build());

        assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
        assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
        assertThat(json(form).path("choices").path(0).path("message").path("content").asText()).isEqualTo("Canberra.");
    }

    @Test
    void streamIsFramedAsSseEndingInDone() throws Exception {
        HttpResponse<String> response = server.postJson("/v1/chat/completions", chat(MODEL, true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("text/event-stream"));
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-cache");
        assertThat(response.headers().firstValue("X-Accel-Buffering")).contains("no");

        String body = response.body();
        assertThat(body).startsWith("data: {").endsWith("data: [DONE]\n\n").doesNotContain("\r");
        List<String> events = Arrays.asList(body.split("\n\n"));
        assertThat(events).allSatisfy(e -> assertThat(e).startsWith("data: ").doesNotContain("\n"));
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");

        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(e -> {
            try {
                return Json.mapper().readTree(e.substring("data: ".length()));
            } catch (Exception ex) {
                throw new AssertionError("not JSON: " + e, ex);
            }
        }).toList();
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
        assertThat(chunks.get(0).path("choices").path(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(events.get(0)).contains("\"finish_reason\":null");
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.path("choices").forEach(ch -> text.append(ch.path("delta").path("content").asText(""))));
        assertThat(text).hasToString(String.join("", PIECES));
        assertThat(chunks.get(chunks.size() - 1).path("choices").path(0).path("finish_reason").asText())
                .isEqualTo("stop");
    }

    @Test
    void streamFailingBeforeTheFirstEventGetsTheUpstreamStatusNotA200() throws Exception {
        HttpResponse<String> response = server.postJson("/v1/chat/completions", chat(OVERLOADED_MODEL, true));

        JsonNode error = error(response, 503);
        assertThat(error.path("type").asText()).isEqualTo("server_error");
        assertThat(response.body()).doesNotContain("data:");
    }

    @Test
    void unknownModelUpstreamIs404ModelNotFound() throws Exception {
        JsonNode error = error(server.postJson("/v1/chat/completions", chat(MISSING_MODEL, false)), 404);

        assertThat(error.path("code").asText()).isEqualTo("model_not_found");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void everyKeyRateLimitedIs429WithRetryAfter() throws Exception {
        HttpResponse<String> response = server.postJson("/v1/chat/completions", chat(BUSY_MODEL, false));

        error(response, 429);
        long seconds = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
        long millis = Long.parseLong(response.headers().firstValue("retry-after-ms").orElseThrow());
        assertThat(seconds).isBetween(1L, 38L);
        assertThat(millis).isBetween(1L, 38_000L);
        assertThat(seconds).isEqualTo((millis + 999) / 1000);
        assertThat(response.body()).doesNotContain("AIza");
    }

    // ---- bad input ----

    @Test
    void malformedJsonIs400() throws Exception {
        JsonNode error = error(server.postJson("/v1/chat/completions", "{\"model\": \"x\", \"messages\": [}"), 400);

        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).contains("not valid JSON").contains("line 1")
                .doesNotContain("Source");
        assertThat(error.path("param").isNull()).isTrue();
    }

    @Test
    void wrongFieldTypesAre400NamingTheField() throws Exception {
        JsonNode content = error(server.postJson("/v1/chat/completions",
                "{\"model\": \"x\", \"messages\": [{\"role\": \"user\", \"content\": 5}]}"), 400);
        JsonNode messages = error(server.postJson("/v1/chat/completions",
                "{\"model\": \"x\", \"messages\": \"hello\"}"), 400);
        JsonNode temperature = error(server.postJson("/hf/v1/chat/completions",
                "{\"model\": \"x\", \"temperature\": \"hot\", \"messages\": []}"), 400);

        assertThat(content.path("param").asText()).isEqualTo("messages[0].content");
        assertThat(content.path("message").asText()).contains("a string or an array").contains("an integer");
        assertThat(messages.path("param").asText()).isEqualTo("messages");
        assertThat(messages.path("message").asText()).contains("expected an array");
        assertThat(temperature.path("param").asText()).isEqualTo("temperature");
    }

    @Test
    void emptyBodyIs400() throws Exception {
        JsonNode error = error(server.postJson("/v1/embeddings", ""), 400);
        JsonNode blank = error(server.postJson("/v1/chat/completions", " \n"), 400);

        assertThat(error.path("message").asText()).contains("empty");
        assertThat(blank.path("message").asText()).contains("empty");
    }

    // ---- embeddings, models ----

    @Test
    void embeddingsAsFloatsOrBase64() throws Exception {
        JsonNode floats = json(server.postJson("/v1/embeddings",
                "{\"model\": \"" + EMBEDDING_MODEL + "\", \"input\": \"hi\", \"encoding_format\": \"float\"}"));
        JsonNode base64 = json(server.postJson("/v1/embeddings",
                "{\"model\": \"" + EMBEDDING_MODEL + "\", \"input\": [\"hi\"], \"encoding_format\": \"base64\"}"));

        double[] expected = FakeGemini.embeddingValues("hi", 4);
        JsonNode array = floats.path("data").path(0).path("embedding");
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(4);
        assertThat(array.path(0).floatValue()).isEqualTo((float) expected[0]);
        ByteBuffer decoded = ByteBuffer.wrap(Base64.getDecoder().decode(base64.path("data").path(0).path("embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(decoded.remaining()).isEqualTo(4 * Float.BYTES);
        assertThat(decoded.getFloat()).isEqualTo((float) expected[0]);
        assertThat(decoded.getFloat()).isEqualTo((float) expected[1]);
    }

    @Test
    void unknownModelIdIs404() throws Exception {
        JsonNode error = error(server.get("/v1/models/gpt-4o"), 404);

        assertThat(error.path("code").asText()).isEqualTo("model_not_found");
        assertThat(json(server.get("/v1/models/" + MODEL)).path("id").asText()).isEqualTo(MODEL);
        assertThat(json(server.get("/hf/v1/models/models/" + MODEL)).path("id").asText()).isEqualTo(MODEL);
    }

    // ---- framework errors in the envelope ----

    @Test
    void unknownRouteIs404Envelope() throws Exception {
        HttpResponse<String> response = server.send(server.request("/v1/nothing-here", TestServer.TOKEN)
                .header("Accept", "text/html").GET().build());

        JsonNode error = error(response, 404);
        assertThat(error.path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void wrongMethodIs405Envelope() throws Exception {
        JsonNode error = error(server.get("/v1/chat/completions"), 405);

        assertThat(error.path("code").asText()).isEqualTo("method_not_allowed");
        assertThat(error.path("message").asText()).contains("POST");
    }

    @Test
    void managementEndpointsOtherThanPrometheusAreOff() throws Exception {
        for (String path : List.of("/beans", "/env", "/loggers", "/info", "/routes")) {
            error(server.get(path), 404);
        }
        assertThat(server.get("/prometheus").statusCode()).isEqualTo(200);
        assertThat(server.send(server.request("/prometheus", null).GET().build()).statusCode()).isEqualTo(401);
    }
}
