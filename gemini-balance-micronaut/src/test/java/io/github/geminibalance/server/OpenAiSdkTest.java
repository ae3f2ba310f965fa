package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.models.Model;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK against the running server, which talks to a fake Gemini. */
class OpenAiSdkTest {

    static final String MODEL = "gemini-2.5-flash";
    static final String EMBEDDING_MODEL = "gemini-embedding-001";
    private static final String TOOL_MODEL = "gemini-2.5-pro";
    private static final String PARALLEL_TOOL_MODEL = "gemini-3-flash-preview";
    private static final String[] PIECES =
            {"Rayleigh scattering", " makes short blue wavelengths bounce around the", " sky far more than red ones."};

    private static FakeGemini gemini;
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .generateContent(MODEL, null, GeminiFixtures.textResponse("The capital of Australia is Canberra."))
                .streamGenerateContent(MODEL, null, GeminiFixtures.textStream(PIECES))
                .generateContent(TOOL_MODEL, null, GeminiFixtures.toolCallResponse("get_weather", "{\"city\":\"Oslo\"}"))
                .streamGenerateContent(PARALLEL_TOOL_MODEL, null, GeminiFixtures.parallelToolCallStream())
                .embed(EMBEDDING_MODEL, null, 8)
                .models(List.of(MODEL, "gemini-2.0-flash", EMBEDDING_MODEL), 2);
        server = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-only-key-0001")).build());
        client = client("/v1", TestServer.TOKEN);
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    private static OpenAIClient client(String prefix, String token) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(server.url() + prefix)
                .apiKey(token)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private static ChatCompletionCreateParams question() {
        return ChatCompletionCreateParams.builder()
                .model(MODEL)
                .addUserMessage("What is the capital of Australia?")
                .build();
    }

    private static ChatCompletionCreateParams weatherQuestion(String model) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage("What is the weather in Oslo and Bergen?")
                .addFunctionTool(FunctionDefinition.builder()
                        .name("get_weather")
                        .description("Current weather in a city")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties",
                                        JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                                .build())
                        .build())
                .build();
    }

    @Test
    void chatCompletion() {
        ChatCompletion answer = client.chat().completions().create(question());

        assertThat(answer.model()).isEqualTo(MODEL);
        assertThat(answer.choices()).hasSize(1);
        assertThat(answer.choices().get(0).message().content()).contains("The capital of Australia is Canberra.");
        assertThat(answer.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(answer.usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isEqualTo(58));
    }

    @Test
    void streamedChatArrivesInChunksThatConcatenateToTheAnswer() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(question())) {
            stream.stream().forEach(chunks::add);
        }

        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        assertThat(text).hasToString(String.join("", PIECES));
        assertThat(chunks.stream().filter(c -> c.choices().stream()
                .anyMatch(ch -> ch.delta().content().filter(s -> !s.isEmpty()).isPresent()))).hasSize(PIECES.length);
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.finishReason())
                .flatMap(java.util.Optional::stream)).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(chunks).allSatisfy(c -> assertThat(c.model()).isEqualTo(MODEL));
    }

    @Test
    void toolCall() {
        ChatCompletion answer = client.chat().completions().create(weatherQuestion(TOOL_MODEL));

        ChatCompletion.Choice choice = answer.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        ChatCompletionMessageFunctionToolCall call = calls.get(0).asFunction();
        assertThat(call.id()).isNotBlank();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(gemini.requestBodies(TOOL_MODEL, "generateContent").get(0)
                .at("/tools/0/functionDeclarations/0/name").asText()).isEqualTo("get_weather");
    }

    @Test
    void streamedParallelToolCalls() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(weatherQuestion(PARALLEL_TOOL_MODEL))) {
            stream.stream().forEach(chunks::add);
        }

        List<ChatCompletionChunk.Choice.Delta.ToolCall> calls = chunks.stream()
                .flatMap(c -> c.choices().stream())
                .flatMap(ch -> ch.delta().toolCalls().stream().flatMap(List::stream))
                .toList();
        assertThat(calls).extracting(ChatCompletionChunk.Choice.Delta.ToolCall::index).containsExactly(0L, 1L);
        assertThat(calls).extracting(c -> c.function().flatMap(f -> f.arguments()).orElse(""))
                .containsExactly("{\"city\":\"Oslo\"}", "{\"city\":\"Bergen\"}");
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.finishReason())
                .flatMap(java.util.Optional::stream)).containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void embeddingsWithSdkDefaults() {
        // The SDK asks for base64 unless told otherwise and decodes it itself.
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model(EMBEDDING_MODEL)
                .input("hello")
                .build());

        assertThat(response.data()).hasSize(1);
        double[] expected = FakeGemini.embeddingValues("hello", 8);
        List<Float> embedding = response.data().get(0).embedding();
        assertThat(embedding).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(embedding.get(i)).as("value %d", i).isEqualTo((float) expected[i]);
        }
    }

    @Test
    void modelsListAndRetrieve() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertThat(ids).contains(MODEL, "gemini-2.0-flash", EMBEDDING_MODEL).doesNotContain("models/" + MODEL);

        assertThat(client.models().retrieve(MODEL).id()).isEqualTo(MODEL);
        assertThatThrownBy(() -> client.models().retrieve("gpt-nonexistent"))
                .isInstanceOfSatisfying(NotFoundException.class,
                        e -> assertThat(e.code()).contains("model_not_found"));
    }

    @Test
    void wrongTokenIsUnauthorized() {
        OpenAIClient intruder = client("/v1", "sk-not-a-valid-token");

        assertThatThrownBy(() -> intruder.chat().completions().create(question()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertThat(e.code()).contains("invalid_api_key");
                    assertThat(e.getMessage()).doesNotContain("sk-not-a-valid-token");
                });
    }

    @Test
    void hfPrefixServesTheSameApi() {
        OpenAIClient hf = client("/hf/v1", TestServer.TOKEN);

        assertThat(hf.chat().completions().create(question()).choices().get(0).message().content())
                .contains("The capital of Australia is Canberra.");
        assertThat(hf.models().list().data()).extracting(Model::id).contains(MODEL);
    }
}
