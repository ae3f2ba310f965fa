package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Anthropic Java SDK against the running server, which talks to a fake Gemini speaking
 * Gemini's wire format: messages, streaming with the SDK's accumulator, a tool-use round trip carrying
 * a Gemini 3 thought signature, thinking, token counting, and failures arriving as the SDK's own
 * exception types.
 */
class AnthropicSdkTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String CLAUDE = "claude-sonnet-4-5";
    private static final String TOOL_MODEL = "gemini-3-flash-preview";
    private static final String AFTER_TOOL_MODEL = "gemini-3-pro-preview";
    private static final String THINKING_MODEL = "gemini-2.5-pro";
    private static final String BUSY_MODEL = "gemini-busy";
    private static final String OVERLOADED_MODEL = "gemini-overloaded";
    private static final String SIGNATURE = "c2lnbmF0dXJlLW9uZQ==";
    private static final String[] PIECES = {"Rayleigh scattering", " makes the sky", " blue."};

    private static FakeGemini gemini;
    private static TestServer server;
    private static AnthropicClient client;

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
                .generateContent(AFTER_TOOL_MODEL, null, GeminiFixtures.textResponse("It is 4 degrees in Oslo."))
                .streamGenerateContent(THINKING_MODEL, null, List.of(
                        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Six times seven\",\"thought\":true}]},\"index\":0}],"
                                + "\"usageMetadata\":{\"promptTokenCount\":9,\"totalTokenCount\":9}}",
                        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\" is 42.\",\"thought\":true,"
                                + "\"thoughtSignature\":\"" + SIGNATURE + "\"}]},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":9,\"totalTokenCount\":50}}",
                        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"42\"}]},\"finishReason\":\"STOP\",\"index\":0}],"
                                + "\"usageMetadata\":{\"promptTokenCount\":9,\"candidatesTokenCount\":1,\"thoughtsTokenCount\":41,\"totalTokenCount\":51}}"))
                .countTokens(MODEL, null, 17)
                .rateLimited(BUSY_MODEL, null, "38s")
                .error(OVERLOADED_MODEL, null, GeminiErrorKind.UNAVAILABLE_503);
        server = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-only-key-0001"))
                .modelAliases(Map.of(CLAUDE, MODEL)).build());
        client = client(TestServer.TOKEN);
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    private static AnthropicClient client(String token) {
        return AnthropicOkHttpClient.builder()
                .baseUrl(server.url())
                .apiKey(token)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private static MessageCreateParams question(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(1024)
                .addUserMessage("What is the capital of Australia?").build();
    }

    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Current weather in a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .required(List.of("city")).build())
                .build();
    }

    @Test
    void createsAMessage() {
        Message message = client.messages().create(question(MODEL));

        assertThat(message.id()).startsWith("msg_");
        assertThat(message.model().asString()).isEqualTo(MODEL);
        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).asText().text()).isEqualTo("The capital of Australia is Canberra.");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isPositive();
        assertThat(message.usage().outputTokens()).isPositive();
    }

    @Test
    void aClaudeModelNameIsServedThroughModelAliases() {
        Message message = client.messages().create(question(CLAUDE));

        assertThat(message.model().asString()).isEqualTo(CLAUDE);
        assertThat(message.content().get(0).asText().text()).contains("Canberra");
    }

    @Test
    void streamsAndTheSdksAccumulatorRebuildsTheMessage() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        StringBuilder deltas = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(question(MODEL))) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.contentBlockDelta().ifPresent(d -> d.delta().text().ifPresent(t -> deltas.append(t.text())));
            });
        }
        Message message = accumulator.message();

        assertThat(deltas).hasToString(String.join("", PIECES));
        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).asText().text()).isEqualTo(String.join("", PIECES));
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isPositive();
    }

    @Test
    void toolUseRoundTripCarriesTheGeminiCallIdAndSignature() {
        MessageCreateParams first = MessageCreateParams.builder().model(TOOL_MODEL).maxTokens(1024)
                .addTool(weatherTool()).addUserMessage("What is the weather in Oslo?").build();
        Message call = client.messages().create(first);

        assertThat(call.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock toolUse = call.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertThat(toolUse.name()).isEqualTo("get_weather");
        assertThat(toolUse.id()).startsWith("toolu_");
        assertThat(toolUse._input().convert(Map.class)).isEqualTo(Map.of("city", "Oslo"));

        MessageCreateParams second = first.toBuilder().model(AFTER_TOOL_MODEL)
                .addMessage(call)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(toolUse.id()).content("4 degrees, cloudy").build())))
                .build();
        Message answer = client.messages().create(second);

        assertThat(answer.content().get(0).asText().text()).isEqualTo("It is 4 degrees in Oslo.");
        JsonNode sent = gemini.requestBodies(AFTER_TOOL_MODEL, "generateContent").get(0);
        JsonNode modelTurn = sent.at("/contents/1/parts/0");
        assertThat(modelTurn.at("/functionCall/id").asText()).isEqualTo("k2v9x1qa");
        assertThat(modelTurn.at("/thoughtSignature").asText()).isEqualTo(SIGNATURE);
        assertThat(sent.at("/contents/2/parts/0/functionResponse/id").asText()).isEqualTo("k2v9x1qa");
        assertThat(sent.at("/contents/2/parts/0/functionResponse/response/output").asText()).isEqualTo("4 degrees, cloudy");
    }

    @Test
    void thinkingStreamsAsAThinkingBlockWithItsSignature() {
        MessageCreateParams params = MessageCreateParams.builder().model(THINKING_MODEL).maxTokens(4096)
                .enabledThinking(2048).addUserMessage("What is 6 times 7?").build();
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();

        assertThat(message.content()).hasSize(2);
        assertThat(message.content().get(0).asThinking().thinking()).isEqualTo("Six times seven is 42.");
        assertThat(message.content().get(0).asThinking().signature()).isEqualTo(SIGNATURE);
        assertThat(message.content().get(1).asText().text()).isEqualTo("42");
        assertThat(message.usage().outputTokens()).isEqualTo(42);
        JsonNode sent = gemini.requestBodies(THINKING_MODEL, "streamGenerateContent").get(0);
        assertThat(sent.at("/generationConfig/thinkingConfig/thinkingBudget").asInt()).isEqualTo(2048);
        assertThat(sent.at("/generationConfig/thinkingConfig/includeThoughts").asBoolean()).isTrue();
    }

    @Test
    void countsTokens() {
        long tokens = client.messages().countTokens(MessageCountTokensParams.builder().model(MODEL)
                .addUserMessage("Hello there").build()).inputTokens();

        assertThat(tokens).isEqualTo(17);
    }

    @Test
    void aWrongTokenIsTheSdksUnauthorizedException() {
        assertThatThrownBy(() -> client("sk-wrong").messages().create(question(MODEL)))
                .isInstanceOf(UnauthorizedException.class)
                .satisfies(e -> assertThat(((AnthropicServiceException) e).statusCode()).isEqualTo(401));
    }

    @Test
    void everyKeyRestingIsTheSdksRateLimitExceptionWithRetryAfter() {
        assertThatThrownBy(() -> client.messages().create(question(BUSY_MODEL)))
                .isInstanceOf(RateLimitException.class)
                .satisfies(e -> assertThat(((AnthropicServiceException) e).headers().values("retry-after"))
                        .isNotEmpty());
    }

    @Test
    void geminiOverloadedIsTheSdksOverloadedException() {
        assertThatThrownBy(() -> client.messages().create(question(OVERLOADED_MODEL)))
                .isInstanceOf(OverloadedException.class)
                .satisfies(e -> assertThat(((AnthropicServiceException) e).statusCode()).isEqualTo(529));
    }

    @Test
    void anInvalidRequestIsTheSdksBadRequestExceptionNamingTheField() {
        MessageCreateParams params = question(MODEL).toBuilder().putAdditionalBodyProperty("temperature", JsonValue.from(1.5)).build();

        assertThatThrownBy(() -> client.messages().create(params))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("temperature");
        assertThat(gemini.requestBodies(MODEL, "generateContent")).allSatisfy(body ->
                assertThat(body.has("generationConfig") && body.at("/generationConfig/temperature").isNumber()).isFalse());
    }

    @Test
    void anUnmappedClaudeModelIsTheSdksNotFoundExceptionNamingTheSetting() {
        assertThatThrownBy(() -> client.messages().create(question("claude-opus-4-1")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("MODEL_ALIASES");
    }
}
