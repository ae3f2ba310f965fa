package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonSchemaLocalValidation;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.StructuredResponse;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK's {@code responses()} against the running server, which talks to a fake
 * Gemini speaking Gemini's wire format: create, streaming with the SDK's {@link ResponseAccumulator}, a
 * function-call round trip carrying a Gemini 3 call id and thought signature, structured output, and
 * failures arriving as the SDK's own exception types.
 */
class ResponsesSdkTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String TOOL_MODEL = "gemini-3-flash-preview";
    private static final String AFTER_TOOL_MODEL = "gemini-3-pro-preview";
    private static final String JSON_MODEL = "gemini-2.5-flash-lite";
    private static final String LIMIT_MODEL = "gemini-2.0-flash";
    private static final String BUSY_MODEL = "gemini-busy";
    private static final String CUT_MODEL = "gemini-2.5-pro";
    private static final String SIGNATURE = "c2lnbmF0dXJlLW9uZQ==";
    private static final String[] PIECES = {"Rayleigh scattering", " makes the sky", " blue."};

    private static FakeGemini gemini;
    private static TestServer server;
    private static OpenAIClient client;

    /** The structured output of {@link #structuredOutputThroughJsonSchema()}. */
    public static final class City {
        public String name;
        public int population;
    }

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .generateContent(MODEL, null, GeminiFixtures.textResponse("The capital of Australia is Canberra."))
                .streamGenerateContent(MODEL, null, GeminiFixtures.textStream(PIECES))
                .generateContent(TOOL_MODEL, null, """
                        {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather",
                        "args":{"city":"Oslo"},"id":"k2v9x1qa"},"thoughtSignature":"%s"}]},"finishReason":"STOP","index":0}],
                        "usageMetadata":{"promptTokenCount":30,"candidatesTokenCount":6,"totalTokenCount":36},
                        "responseId":"dG9vbA"}""".formatted(SIGNATURE))
                .streamGenerateContent(TOOL_MODEL, null, List.of("""
                        {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather",\
                        "args":{"city":"Oslo"},"id":"k2v9x1qa"},"thoughtSignature":"%s"}]},"finishReason":"STOP","index":0}],\
                        "usageMetadata":{"promptTokenCount":30,"candidatesTokenCount":6,"totalTokenCount":36}}""".formatted(SIGNATURE)))
                .generateContent(AFTER_TOOL_MODEL, null, GeminiFixtures.textResponse("It is 4 degrees in Oslo."))
                .generateContent(JSON_MODEL, null, GeminiFixtures.textResponse("{\"name\":\"Oslo\",\"population\":709000}"))
                .generateContent(LIMIT_MODEL, null, """
                        {"candidates":[{"content":{"role":"model","parts":[{"text":"Once upon"}]},"finishReason":"MAX_TOKENS","index":0}],
                        "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"totalTokenCount":7}}""")
                .streamGenerateContent(CUT_MODEL, null, List.of(
                        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hel\"}]},\"index\":0}]}"))
                .rateLimited(BUSY_MODEL, null, "38s");
        server = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-only-key-0001")).build());
        client = client(TestServer.TOKEN);
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    private static OpenAIClient client(String token) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(server.url() + "/v1")
                .apiKey(token)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
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

    @Test
    void createsAResponse() {
        Response response = client.responses().create(ResponseCreateParams.builder().model(MODEL)
                .instructions("Answer briefly.").input("What is the capital of Australia?").build());

        assertThat(response.id()).startsWith("resp_");
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(response.model().asString()).isEqualTo(MODEL);
        assertThat(text(response)).isEqualTo("The capital of Australia is Canberra.");
        assertThat(response.usage()).isPresent();
        assertThat(response.usage().get().inputTokens()).isPositive();
        assertThat(response.usage().get().totalTokens())
                .isEqualTo(response.usage().get().inputTokens() + response.usage().get().outputTokens());
        JsonNode sent = gemini.requestBodies(MODEL, "generateContent").get(0);
        assertThat(sent.at("/systemInstruction/parts/0/text").asText()).isEqualTo("Answer briefly.");
    }

    @Test
    void streamsAndTheSdksAccumulatorRebuildsTheResponse() {
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        StringBuilder deltas = new StringBuilder();
        List<Long> sequence = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model(MODEL).input("Why is the sky blue?").build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.outputTextDelta().ifPresent(d -> deltas.append(d.delta()));
                event.outputTextDelta().ifPresent(d -> sequence.add(d.sequenceNumber()));
            });
        }
        Response response = accumulator.response();

        assertThat(deltas.toString()).isEqualTo(String.join("", PIECES));
        assertThat(sequence).isSorted().doesNotHaveDuplicates();
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(text(response)).isEqualTo(String.join("", PIECES));
        assertThat(response.usage()).isPresent();
    }

    @Test
    void theStreamIsTypedServerSentEvents() throws Exception {
        java.net.http.HttpResponse<String> raw = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/hf/v1/responses"))
                        .header("Authorization", "Bearer " + TestServer.TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"" + MODEL + "\",\"input\":\"Why?\",\"stream\":true}"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/event-stream"));
        assertThat(raw.body()).startsWith("event: response.created\ndata: {\"type\":\"response.created\","
                + "\"sequence_number\":0,");
        assertThat(raw.body()).contains("event: response.output_text.delta\ndata: ")
                .contains("event: response.completed\ndata: ");
    }

    @Test
    void aStreamCutAfterItStartedEndsWithAnErrorEvent() {
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model(CUT_MODEL).input("Hi").build())) {
            stream.stream().forEach(events::add);
        }

        assertThat(events.get(0).isCreated()).isTrue();
        assertThat(events.stream().flatMap(e -> e.outputTextDelta().stream()).map(d -> d.delta()))
                .containsExactly("Hel");
        ResponseStreamEvent last = events.get(events.size() - 1);
        assertThat(last.isError()).isTrue();
        assertThat(last.asError().message()).contains("no usable answer");
        assertThat(last.asError().sequenceNumber()).isEqualTo(events.size() - 1);
        assertThat(events).noneMatch(ResponseStreamEvent::isCompleted);
    }

    @Test
    void aStreamedFunctionCallIsAccumulated() {
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model(TOOL_MODEL).input("Weather in Oslo?").addTool(weatherTool())
                        .build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ResponseFunctionToolCall call = accumulator.response().output().get(0).asFunctionCall();

        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(call.callId()).startsWith("call_gk2v9x1qa.");
    }

    @Test
    void functionCallRoundTripCarriesTheGeminiIdAndSignature() {
        ResponseCreateParams first = ResponseCreateParams.builder().model(TOOL_MODEL).input("Weather in Oslo?")
                .addTool(weatherTool()).build();
        Response calling = client.responses().create(first);
        ResponseOutputItem item = calling.output().get(0);
        assertThat(item.isFunctionCall()).isTrue();
        ResponseFunctionToolCall call = item.asFunctionCall();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"Oslo\"}");

        List<ResponseInputItem> input = List.of(
                ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                        .content("Weather in Oslo?").build()),
                ResponseInputItem.ofFunctionCall(call),
                ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                        .callId(call.callId()).output("4 degrees, cloudy").build()));
        Response answer = client.responses().create(ResponseCreateParams.builder().model(AFTER_TOOL_MODEL)
                .inputOfResponse(input).addTool(weatherTool()).build());

        assertThat(text(answer)).isEqualTo("It is 4 degrees in Oslo.");
        JsonNode sent = gemini.requestBodies(AFTER_TOOL_MODEL, "generateContent").get(0);
        JsonNode modelTurn = sent.at("/contents/1/parts/0");
        assertThat(modelTurn.at("/functionCall/id").asText()).isEqualTo("k2v9x1qa");
        assertThat(modelTurn.path("thoughtSignature").asText()).isEqualTo(SIGNATURE);
        JsonNode response = sent.at("/contents/2/parts/0/functionResponse");
        assertThat(response.path("id").asText()).isEqualTo("k2v9x1qa");
        assertThat(response.path("name").asText()).isEqualTo("get_weather");
        assertThat(response.at("/response/result").asText()).isEqualTo("4 degrees, cloudy");
    }

    @Test
    void structuredOutputThroughJsonSchema() {
        StructuredResponse<City> response = client.responses().create(ResponseCreateParams.builder()
                .model(JSON_MODEL).input("Oslo's population?").text(City.class, JsonSchemaLocalValidation.YES)
                .build());
        City city = response.output().stream().flatMap(item -> item.message().stream())
                .flatMap(m -> m.content().stream()).flatMap(c -> c.outputText().stream()).findFirst().orElseThrow();

        assertThat(city.name).isEqualTo("Oslo");
        assertThat(city.population).isEqualTo(709000);
        JsonNode sent = gemini.requestBodies(JSON_MODEL, "generateContent").get(0);
        assertThat(sent.at("/generationConfig/responseMimeType").asText()).isEqualTo("application/json");
        assertThat(sent.at("/generationConfig/responseJsonSchema/properties/population").isObject()).isTrue();
    }

    @Test
    void maxTokensMakesAnIncompleteResponse() {
        Response response = client.responses().create(ResponseCreateParams.builder().model(LIMIT_MODEL)
                .input("Tell me a story.").maxOutputTokens(2L).build());

        assertThat(response.status()).contains(ResponseStatus.INCOMPLETE);
        assertThat(response.incompleteDetails().flatMap(d -> d.reason()).map(r -> r.asString()))
                .contains("max_output_tokens");
        assertThat(text(response)).isEqualTo("Once upon");
    }

    @Test
    void failuresArriveAsTheSdksExceptions() {
        int calls = gemini.requestCount();
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model(MODEL)
                .input("Hi").previousResponseId("resp_123").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("Previous response with id 'resp_123' not found.");
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model(MODEL)
                .input("Hi").temperature(3.0).build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("temperature");
        assertThat(gemini.requestCount()).as("a bad request never reaches Gemini").isEqualTo(calls);
        assertThatThrownBy(() -> client.responses().retrieve("resp_123"))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model(BUSY_MODEL)
                .input("Hi").build()))
                .isInstanceOf(RateLimitException.class);
        assertThatThrownBy(() -> client("not-a-token").responses().create(ResponseCreateParams.builder().model(MODEL)
                .input("Hi").build()))
                .isInstanceOf(UnauthorizedException.class);
    }
}
