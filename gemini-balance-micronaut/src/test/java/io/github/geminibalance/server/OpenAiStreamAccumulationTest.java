package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 3: an answer streamed and rebuilt with the OpenAI SDK's own {@link ChatCompletionAccumulator}
 * equals the same answer fetched without streaming. The fake gives each model the same Gemini answer in
 * both modes (a literal non-stream body and its stream events), and the test compares everything the
 * SDK models: content, refusal, tool calls (ids, names, arguments), finish reason, model and usage.
 * Reasoning ({@code reasoning_content}) is not an SDK field and the accumulator drops it, so for the
 * thinking answer the comparison covers the rest.
 *
 * <p>One difference comes from the accumulator, not from the answers, and is normalised: it always sets
 * {@code tool_calls} (an empty list when there were none). Content is compared exactly: the role chunk
 * carries {@code content: ""} only when the answer starts with text, as OpenAI's does, so a streamed
 * tool-call answer rebuilds {@code content} absent, like the non-stream one ({@link #parallelToolCalls()}).
 */
class OpenAiStreamAccumulationTest {

    private static final String TEXT_MODEL = "gemini-2.0-flash";
    private static final String TOOL_MODEL = "gemini-3-flash-preview";
    private static final String THINKING_MODEL = "gemini-2.5-pro";
    private static final String SEARCH_MODEL = "gemini-2.5-flash";

    /** D2's stream ({@link GeminiFixtures#textStreamSse()}) as one non-stream answer. */
    private static final String TEXT_RESPONSE = """
            {
              "candidates": [{
                "content": {"parts": [{"text": "Rayleigh scattering makes short blue wavelengths bounce around the sky far more than red ones."}],
                  "role": "model"},
                "finishReason": "STOP", "index": 0}],
              "usageMetadata": {"promptTokenCount": 8, "candidatesTokenCount": 17, "totalTokenCount": 25,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 8}],
                "candidatesTokensDetails": [{"modality": "TEXT", "tokenCount": 17}]},
              "modelVersion": "gemini-2.0-flash",
              "responseId": "c3RyZWFtX2RlbW9fMDI"
            }
            """;

    /** D3's parallel calls ({@link GeminiFixtures#parallelToolCallStream()}) as one non-stream answer. */
    private static final String TOOL_RESPONSE = """
            {
              "candidates": [{
                "content": {"parts": [
                    {"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}, "id": "k2v9x1qa"},
                     "thoughtSignature": "EqQBCqEBAb4+9vsAmZ1Yk0pQ3cN0..."},
                    {"functionCall": {"name": "get_weather", "args": {"city": "Bergen"}, "id": "p7d3m0zs"}}],
                  "role": "model"},
                "finishReason": "STOP", "index": 0}],
              "usageMetadata": {"promptTokenCount": 74, "candidatesTokenCount": 30, "totalTokenCount": 146,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 74}], "thoughtsTokenCount": 42},
              "modelVersion": "gemini-3-flash-preview",
              "responseId": "ZnVuY19jYWxsX2RlbW8"
            }
            """;

    /** D6 ({@link GeminiFixtures#thinkingResponse()}) as a stream: the thought summary, then the answer. */
    private static final List<String> THINKING_STREAM = List.of("""
            {"candidates": [{"content": {"parts": [{"text": "**Checking divisibility**\\n\\nI tried the small primes up to \
            the square root of 221 and found 13 divides it evenly.\\n", "thought": true}], "role": "model"}, "index": 0}],
             "usageMetadata": {"promptTokenCount": 10, "totalTokenCount": 322,
               "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 10}], "thoughtsTokenCount": 312},
             "modelVersion": "gemini-2.5-pro", "responseId": "dGhpbmtpbmdfZGVtbw"}
            """, """
            {"candidates": [{"content": {"parts": [{"text": "221 is not prime: 221 = 13 x 17."}], "role": "model"},
              "finishReason": "STOP", "index": 0}],
             "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 14, "totalTokenCount": 336,
               "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 10}], "thoughtsTokenCount": 312},
             "modelVersion": "gemini-2.5-pro", "responseId": "dGhpbmtpbmdfZGVtbw"}
            """);

    /** D4 ({@link GeminiFixtures#groundedResponse()}) as a stream: grounding arrives with the last event. */
    private static final List<String> GROUNDED_STREAM = List.of("""
            {"candidates": [{"content": {"parts": [{"text": "The 2024 Tour de France was won by Tadej Pogacar,"}],
              "role": "model"}, "index": 0}],
             "usageMetadata": {"promptTokenCount": 12, "totalTokenCount": 72,
               "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 12}], "thoughtsTokenCount": 60},
             "modelVersion": "gemini-2.5-flash", "responseId": "Z3JvdW5kZWRfZGVtbw"}
            """, """
            {"candidates": [{"content": {"parts": [{"text": " his third overall victory."}], "role": "model"},
              "finishReason": "STOP", "index": 0,
              "groundingMetadata": {
                "searchEntryPoint": {"renderedContent": "<style>.container{display:flex}</style><div class=\\"container\\"><a class=\\"chip\\" href=\\"https://www.google.com/search?q=tour+de+france+2024+winner\\">tour de france 2024 winner</a></div>"},
                "groundingChunks": [
                  {"web": {"uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXq3example1", "title": "letour.fr"}},
                  {"web": {"uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXq3example2", "title": "cyclingnews.com"}}],
                "groundingSupports": [{"segment": {"endIndex": 76,
                    "text": "The 2024 Tour de France was won by Tadej Pogacar, his third overall victory."},
                  "groundingChunkIndices": [0, 1]}],
                "webSearchQueries": ["tour de france 2024 winner"]}}],
             "usageMetadata": {"promptTokenCount": 12, "candidatesTokenCount": 19, "totalTokenCount": 187,
               "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 12}],
               "toolUsePromptTokenCount": 96, "toolUsePromptTokensDetails": [{"modality": "TEXT", "tokenCount": 96}],
               "thoughtsTokenCount": 60},
             "modelVersion": "gemini-2.5-flash", "responseId": "Z3JvdW5kZWRfZGVtbw"}
            """);

    private static FakeGemini gemini;
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .generateContent(TEXT_MODEL, null, TEXT_RESPONSE)
                .streamGenerateContentRaw(TEXT_MODEL, null, GeminiFixtures.textStreamSse())
                .generateContent(TOOL_MODEL, null, TOOL_RESPONSE)
                .streamGenerateContent(TOOL_MODEL, null, GeminiFixtures.parallelToolCallStream())
                .generateContent(THINKING_MODEL, null, GeminiFixtures.thinkingResponse())
                .streamGenerateContent(THINKING_MODEL, null, THINKING_STREAM)
                .generateContent(SEARCH_MODEL, null, GeminiFixtures.groundedResponse())
                .streamGenerateContent(SEARCH_MODEL, null, GROUNDED_STREAM);
        server = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-accumulate-001")).build());
        client = OpenAIOkHttpClient.builder()
                .baseUrl(server.url() + "/v1")
                .apiKey(TestServer.TOKEN)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    private static ChatCompletionCreateParams.Builder question(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text);
    }

    /** The streamed answer (with usage) rebuilt by the SDK's accumulator. */
    private static ChatCompletion streamed(ChatCompletionCreateParams params) {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        ChatCompletionCreateParams withUsage = params.toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(withUsage)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        return accumulator.chatCompletion();
    }

    /** Asserts that both answers carry the same SDK-visible message, finish reason, model and usage. */
    private static void assertSameAnswer(ChatCompletion streamed, ChatCompletion direct) {
        assertThat(streamed.model()).isEqualTo(direct.model());
        assertThat(streamed.choices()).hasSameSizeAs(direct.choices());
        for (int i = 0; i < direct.choices().size(); i++) {
            ChatCompletion.Choice s = streamed.choices().get(i);
            ChatCompletion.Choice d = direct.choices().get(i);
            assertThat(s.index()).isEqualTo(d.index());
            assertThat(s.finishReason()).as("finish_reason of choice %d", i).isEqualTo(d.finishReason());
            ChatCompletionMessage sm = s.message();
            ChatCompletionMessage dm = d.message();
            assertThat(sm.content()).as("content of choice %d", i).isEqualTo(dm.content());
            assertThat(sm.refusal()).as("refusal of choice %d", i).isEqualTo(dm.refusal());
            // The SDK's accumulator always sets tool_calls, to an empty list when there were none.
            assertThat(sm.toolCalls().filter(calls -> !calls.isEmpty())).as("tool_calls of choice %d", i)
                    .isEqualTo(dm.toolCalls());
        }
        assertThat(streamed.usage()).isEqualTo(direct.usage());
    }

    @Test
    void plainText() {
        ChatCompletionCreateParams params = question(TEXT_MODEL, "Why is the sky blue?").build();

        ChatCompletion direct = client.chat().completions().create(params);
        ChatCompletion streamed = streamed(params);

        assertThat(direct.choices().get(0).message().content())
                .contains("Rayleigh scattering makes short blue wavelengths bounce around the sky far more than red ones.");
        assertSameAnswer(streamed, direct);
    }

    @Test
    void parallelToolCalls() {
        ChatCompletionCreateParams params = question(TOOL_MODEL, "What is the weather in Oslo and Bergen?")
                .addFunctionTool(FunctionDefinition.builder()
                        .name("get_weather")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties",
                                        JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .build())
                        .build())
                .build();

        ChatCompletion direct = client.chat().completions().create(params);
        ChatCompletion streamed = streamed(params);

        assertThat(direct.choices().get(0).message().toolCalls().orElseThrow())
                .extracting(call -> call.asFunction().function().arguments())
                .containsExactly("{\"city\":\"Oslo\"}", "{\"city\":\"Bergen\"}");
        assertThat(direct.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertSameAnswer(streamed, direct);
        // no content at all, streamed or not: the role chunk of a tool-call answer carries none
        assertThat(direct.choices().get(0).message().content()).isEmpty();
        assertThat(streamed.choices().get(0).message().content()).isEmpty();
    }

    @Test
    void thoughtsThenAnswer() {
        ChatCompletionCreateParams params = question(THINKING_MODEL, "Is 221 prime?").build();

        ChatCompletion direct = client.chat().completions().create(params);
        ChatCompletion streamed = streamed(params);

        assertThat(direct.choices().get(0).message().content()).contains("221 is not prime: 221 = 13 x 17.");
        assertThat(direct.usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens()).contains(312L);
        assertSameAnswer(streamed, direct);
    }

    @Test
    void searchGroundedAnswer() {
        ChatCompletionCreateParams params = question(SEARCH_MODEL + "-search", "Who won the 2024 Tour de France?").build();

        ChatCompletion direct = client.chat().completions().create(params);
        ChatCompletion streamed = streamed(params);

        assertThat(direct.choices().get(0).message().content()).hasValueSatisfying(content -> assertThat(content)
                .startsWith("The 2024 Tour de France was won by Tadej Pogacar, his third overall victory.")
                .contains("letour.fr", "cyclingnews.com"));
        assertSameAnswer(streamed, direct);
        assertThat(gemini.requestBodies(SEARCH_MODEL, "streamGenerateContent").get(0).path("tools").toString())
                .contains("googleSearch");
    }
}
