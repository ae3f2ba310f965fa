package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stored responses through the official OpenAI Java SDK against the running server (memory store) and a
 * fake Gemini: a response is retrieved, continued with {@code previous_response_id} (the stored turn reaches
 * Gemini, the instructions do not), a function call is answered in the next request with its Gemini id and
 * thought signature intact, a response is deleted, and another client token never sees it.
 */
class ResponsesStoredSdkTest {

    private static final String FIRST_MODEL = "gemini-2.5-flash";
    // one model per test that creates a first response, so each test's requests to the fake stay its own
    private static final String DELETED_MODEL = "gemini-1.5-flash";
    private static final String DELETED_AGAIN_MODEL = "gemini-1.5-flash-8b";
    private static final String PRIVATE_MODEL = "gemini-1.5-pro";
    private static final String NOT_STORED_MODEL = "gemini-2.0-flash-lite";
    private static final String NEXT_MODEL = "gemini-2.5-flash-lite";
    private static final String TOOL_MODEL = "gemini-3-flash-preview";
    private static final String AFTER_TOOL_MODEL = "gemini-3-pro-preview";
    private static final String STREAM_MODEL = "gemini-2.0-flash";
    private static final String SAME_ID_MODEL = "gemini-2.0-flash-001";
    private static final String AFTER_STREAM_MODEL = "gemini-2.5-pro";
    private static final String SIGNATURE = "c2lnbmF0dXJlLW9uZQ==";
    private static final String OTHER_TOKEN = "sk-test-other-client-token";

    private static FakeGemini gemini;
    private static TestServer server;
    private static OpenAIClient client;
    private static OpenAIClient other;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .generateContent(FIRST_MODEL, null, text("The capital of Australia is Canberra.", "Zmlyc3Q"))
                .generateContent(DELETED_MODEL, null, text("Canberra.", "ZGVsZXRlZA"))
                .generateContent(DELETED_AGAIN_MODEL, null, text("Canberra.", "YWdhaW4"))
                .generateContent(PRIVATE_MODEL, null, text("Canberra.", "cHJpdmF0ZQ"))
                .generateContent(NOT_STORED_MODEL, null, text("Canberra.", "bm90LXN0b3JlZA"))
                .generateContent(NEXT_MODEL, null, text("Wellington.", "bmV4dA"))
                .generateContent(TOOL_MODEL, null, """
                        {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather",
                        "args":{"city":"Oslo"},"id":"k2v9x1qa"},"thoughtSignature":"%s"}]},"finishReason":"STOP","index":0}],
                        "usageMetadata":{"promptTokenCount":30,"candidatesTokenCount":6,"totalTokenCount":36},
                        "responseId":"dG9vbA"}""".formatted(SIGNATURE))
                .generateContent(AFTER_TOOL_MODEL, null, text("It is 4 degrees in Oslo.", "YWZ0ZXI"))
                .streamGenerateContent(STREAM_MODEL, null, GeminiFixtures.textStream("Rayleigh", " scattering."))
                .generateContent(AFTER_STREAM_MODEL, null, text("Yes.", "c3RyZWFtZWQ"))
                .generateContent(SAME_ID_MODEL, null, text("Canberra.", "c2FtZQ"));
        server = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-only-key-0001")).build(),
                ServerConfig.of(List.of(TestServer.TOKEN, OTHER_TOKEN)));
        client = client(TestServer.TOKEN);
        other = client(OTHER_TOKEN);
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    private static String text(String text, String responseId) {
        JsonNode root = read(GeminiFixtures.textResponse(text));
        ((com.fasterxml.jackson.databind.node.ObjectNode) root).put("responseId", responseId);
        return root.toString();
    }

    private static JsonNode read(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static OpenAIClient client(String token) {
        return OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey(token).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    private static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_weather").description("Current weather in a city")
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .strict(false)
                .build();
    }

    private static String text(Response response) {
        return response.output().stream().flatMap(item -> item.message().stream())
                .flatMap(m -> m.content().stream()).flatMap(c -> c.outputText().stream())
                .map(t -> t.text()).collect(Collectors.joining());
    }

    private static JsonNode lastSent(String model) {
        List<JsonNode> sent = gemini.requestBodies(model, "generateContent");
        return sent.get(sent.size() - 1);
    }

    private static Response first(String model) {
        return client.responses().create(ResponseCreateParams.builder().model(model)
                .instructions("Answer briefly.").input("What is the capital of Australia?").build());
    }

    @Test
    void answersWithTheSameGeminiResponseIdGetTheirOwnIdsAndAContinuationKeepsItsPredecessor() {
        // the fake answers this model with one responseId every time, as a cache or a proxy in front of Gemini may
        Response created = first(SAME_ID_MODEL);
        Response continued = client.responses().create(ResponseCreateParams.builder().model(SAME_ID_MODEL)
                .previousResponseId(created.id()).input("And of New Zealand?").build());

        assertThat(continued.id()).startsWith("resp_").isNotEqualTo(created.id());
        assertThat(created.id()).matches("resp_[0-9a-f]{32}");
        assertThat(client.responses().retrieve(created.id()).previousResponseId()).isEmpty();
        assertThat(client.responses().retrieve(continued.id()).previousResponseId()).contains(created.id());
    }

    @Test
    void aStoredResponseIsRetrievedAndContinuedWithPreviousResponseId() {
        Response created = first(FIRST_MODEL);

        Response retrieved = client.responses().retrieve(created.id());
        assertThat(retrieved.id()).isEqualTo(created.id());
        assertThat(retrieved.status()).contains(ResponseStatus.COMPLETED);
        assertThat(text(retrieved)).isEqualTo("The capital of Australia is Canberra.");
        assertThat(retrieved.instructions().flatMap(i -> i.string())).contains("Answer briefly.");

        Response next = client.responses().create(ResponseCreateParams.builder().model(NEXT_MODEL)
                .previousResponseId(created.id()).input("And of New Zealand?").build());
        assertThat(text(next)).isEqualTo("Wellington.");
        assertThat(next.previousResponseId()).contains(created.id());

        JsonNode sent = lastSent(NEXT_MODEL);
        assertThat(sent.at("/contents/0/role").asText()).isEqualTo("user");
        assertThat(sent.at("/contents/0/parts/0/text").asText()).isEqualTo("What is the capital of Australia?");
        assertThat(sent.at("/contents/1/role").asText()).isEqualTo("model");
        assertThat(sent.at("/contents/1/parts/0/text").asText()).isEqualTo("The capital of Australia is Canberra.");
        assertThat(sent.at("/contents/2/parts/0/text").asText()).as(sent.toString()).isEqualTo("And of New Zealand?");
        assertThat(sent.path("contents")).hasSize(3);
        assertThat(sent.has("systemInstruction")).as("instructions are not inherited").isFalse();
    }

    @Test
    void aFunctionCallIsAnsweredInTheNextRequestWithItsIdAndThoughtSignature() {
        Response calling = client.responses().create(ResponseCreateParams.builder().model(TOOL_MODEL)
                .input("Weather in Oslo?").addTool(weatherTool()).build());
        ResponseFunctionToolCall call = calling.output().get(0).asFunctionCall();

        Response answer = client.responses().create(ResponseCreateParams.builder().model(AFTER_TOOL_MODEL)
                .previousResponseId(calling.id()).addTool(weatherTool())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(
                        ResponseInputItem.FunctionCallOutput.builder().callId(call.callId())
                                .output("4 degrees, cloudy").build())))
                .build());

        assertThat(text(answer)).isEqualTo("It is 4 degrees in Oslo.");
        JsonNode sent = lastSent(AFTER_TOOL_MODEL);
        assertThat(sent.at("/contents/0/parts/0/text").asText()).isEqualTo("Weather in Oslo?");
        JsonNode modelTurn = sent.at("/contents/1/parts/0");
        assertThat(modelTurn.at("/functionCall/id").asText()).isEqualTo("k2v9x1qa");
        assertThat(modelTurn.at("/functionCall/name").asText()).isEqualTo("get_weather");
        assertThat(modelTurn.path("thoughtSignature").asText()).isEqualTo(SIGNATURE);
        JsonNode response = sent.at("/contents/2/parts/0/functionResponse");
        assertThat(response.path("id").asText()).isEqualTo("k2v9x1qa");
        assertThat(response.at("/response/result").asText()).isEqualTo("4 degrees, cloudy");
    }

    @Test
    void aStreamedResponseIsStoredToo() {
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model(STREAM_MODEL).input("Why is the sky blue?").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Response streamed = accumulator.response();

        assertThat(text(client.responses().retrieve(streamed.id()))).isEqualTo("Rayleigh scattering.");
        client.responses().create(ResponseCreateParams.builder().model(AFTER_STREAM_MODEL)
                .previousResponseId(streamed.id()).input("Really?").build());
        JsonNode sent = lastSent(AFTER_STREAM_MODEL);
        assertThat(sent.at("/contents/1/parts/0/text").asText()).isEqualTo("Rayleigh scattering.");
    }

    @Test
    void aDeletedResponseIsGone() throws Exception {
        Response created = first(DELETED_MODEL);
        HttpResponse<String> deleted = server.send(server.request("/hf/v1/responses/" + created.id(),
                TestServer.TOKEN).DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(read(deleted.body())).isEqualTo(read(
                "{\"id\":\"" + created.id() + "\",\"object\":\"response\",\"deleted\":true}"));

        assertThatThrownBy(() -> client.responses().retrieve(created.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.responses().delete(created.id())).isInstanceOf(NotFoundException.class);

        Response again = first(DELETED_AGAIN_MODEL);
        client.responses().delete(again.id()); // through the SDK as well
        assertThatThrownBy(() -> client.responses().retrieve(again.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void anotherClientTokenNeverSeesTheResponse() {
        Response created = first(PRIVATE_MODEL);

        assertThatThrownBy(() -> other.responses().retrieve(created.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> other.responses().delete(created.id())).isInstanceOf(NotFoundException.class);
        int calls = gemini.requestCount();
        assertThatThrownBy(() -> other.responses().create(ResponseCreateParams.builder().model(NEXT_MODEL)
                .previousResponseId(created.id()).input("And of New Zealand?").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("Previous response with id '" + created.id() + "' not found.");
        assertThat(gemini.requestCount()).as("nothing reached Gemini").isEqualTo(calls);
        assertThat(client.responses().retrieve(created.id()).id()).isEqualTo(created.id());
    }

    @Test
    void retrievingAndDeletingNeedAClientToken() throws Exception {
        Response created = first(PRIVATE_MODEL);
        assertThat(server.send(server.request("/v1/responses/" + created.id(), null).GET().build()).statusCode())
                .isEqualTo(401);
        assertThat(server.send(server.request("/hf/v1/responses/" + created.id(), "sk-wrong").DELETE().build())
                .statusCode()).isEqualTo(401);
        assertThat(client.responses().retrieve(created.id()).id()).isEqualTo(created.id());
    }

    @Test
    void anUnknownPreviousResponseIdIsA404InOpenAisShape() throws Exception {
        HttpResponse<String> raw = server.postJson("/v1/responses",
                "{\"model\":\"" + FIRST_MODEL + "\",\"input\":\"Hi\",\"previous_response_id\":\"resp_nope\"}");
        assertThat(raw.statusCode()).isEqualTo(404);
        JsonNode error = read(raw.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo("previous_response_id");
        assertThat(error.path("message").asText()).isEqualTo("Previous response with id 'resp_nope' not found.");

        assertThat(server.get("/v1/responses/resp_nope").statusCode()).isEqualTo(404);
    }

    @Test
    void aResponseCreatedWithStoreFalseIsNotKept() {
        Response created = client.responses().create(ResponseCreateParams.builder().model(NOT_STORED_MODEL)
                .input("What is the capital of Australia?").store(false).build());
        assertThatThrownBy(() -> client.responses().retrieve(created.id())).isInstanceOf(NotFoundException.class);
    }
}
