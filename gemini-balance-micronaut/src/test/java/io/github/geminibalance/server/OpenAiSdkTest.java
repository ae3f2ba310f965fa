package io.github.geminibalance.server;

import static io.github.geminibalance.server.LocalGemini.EMBEDDING_MODEL;
import static io.github.geminibalance.server.LocalGemini.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK against the running server, which talks to a fake Gemini. */
class OpenAiSdkTest {

    private static final List<String> PIECES =
            List.of("Rayleigh scattering", " makes short blue wavelengths bounce around the", " sky far more than red ones.");
    private static final float[] VECTOR = {0.0112f, -0.0245f, 0.0391f, 0.0008f};

    private static LocalGemini gemini;
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gemini = LocalGemini.start()
                .text(MODEL, null, "The capital of Australia is Canberra.")
                .stream(MODEL, null, PIECES)
                .embeddings(EMBEDDING_MODEL, null, List.of(VECTOR))
                .models(List.of(MODEL, "gemini-2.0-flash"));
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

    @Test
    void chatCompletion() {
        ChatCompletion answer = client.chat().completions().create(question());

        assertThat(answer.model()).isEqualTo(MODEL);
        assertThat(answer.choices()).hasSize(1);
        assertThat(answer.choices().get(0).message().content()).contains("The capital of Australia is Canberra.");
        assertThat(answer.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(answer.usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isEqualTo(25));
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
                .anyMatch(ch -> ch.delta().content().filter(s -> !s.isEmpty()).isPresent()))).hasSize(PIECES.size());
        assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason())
                .contains(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(chunks).allSatisfy(c -> assertThat(c.model()).isEqualTo(MODEL));
    }

    @Test
    void embeddingsWithSdkDefaults() {
        // The SDK asks for base64 unless told otherwise and decodes it itself.
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model(EMBEDDING_MODEL)
                .input("hello")
                .build());

        assertThat(response.data()).hasSize(1);
        List<Float> embedding = response.data().get(0).embedding();
        assertThat(embedding).containsExactly(VECTOR[0], VECTOR[1], VECTOR[2], VECTOR[3]);
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
