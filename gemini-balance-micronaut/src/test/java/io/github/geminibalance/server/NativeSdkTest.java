package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ClientException;
import com.google.genai.types.ContentEmbedding;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.ListModelsConfig;
import com.google.genai.types.Model;
import com.google.genai.types.Part;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Google's official genai SDK against the server's native routes, which talk to a fake Gemini. */
class NativeSdkTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String TOOL_MODEL = "gemini-3-flash-preview";
    private static final String BUSY_MODEL = "gemini-busy";
    private static final String EMBEDDING_MODEL = "gemini-embedding-001";
    private static final String POOL_KEY = "AIzaSyTEST-genai-key-0001";
    // The fixture's signature is shortened with "..."; the SDK decodes signatures, so use valid base64.
    private static final String FIXTURE_SIGNATURE = "EqQBCqEBAb4+9vsAmZ1Yk0pQ3cN0...";
    private static final String SIGNATURE = "EqQBCqEBAb4+9vsAmZ1Yk0pQ3cN0";
    private static final String[] PIECES = {"Rayleigh scattering", " makes the sky", " blue."};

    private static FakeGemini gemini;
    private static TestServer server;
    private static Client client;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .generateContent(MODEL, null, GeminiFixtures.textResponse("The capital of Australia is Canberra."))
                .streamGenerateContent(MODEL, null, GeminiFixtures.textStream(PIECES))
                .streamGenerateContent(TOOL_MODEL, null, GeminiFixtures.parallelToolCallStream().stream()
                        .map(event -> event.replace(FIXTURE_SIGNATURE, SIGNATURE)).toList())
                .countTokens(MODEL, null, 11)
                .embed(EMBEDDING_MODEL, null, 6)
                .rateLimited(BUSY_MODEL, null, "38s")
                .models(List.of(MODEL, "gemini-2.0-flash", EMBEDDING_MODEL), 2);
        server = TestServer.start(TestServer.config(gemini, List.of(POOL_KEY)).build());
        client = client("", TestServer.TOKEN);
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    /** A genai client for {@code <server><prefix>/v1beta}, without the SDK's own retries. */
    private static Client client(String prefix, String token) {
        return Client.builder()
                .apiKey(token)
                .vertexAI(false)
                .httpOptions(HttpOptions.builder()
                        .baseUrl(server.url().replace("localhost", "127.0.0.1") + prefix)
                        .apiVersion("v1beta")
                        .retryOptions(HttpRetryOptions.builder().attempts(1).build())
                        .build())
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/gemini"})
    void generateContent(String prefix) {
        GenerateContentResponse answer = client(prefix, TestServer.TOKEN).models
                .generateContent(MODEL, "What is the capital of Australia?", null);

        assertThat(answer.text()).isEqualTo("The capital of Australia is Canberra.");
        assertThat(answer.usageMetadata().orElseThrow().totalTokenCount()).contains(58);
        assertThat(answer.usageMetadata().orElseThrow().thoughtsTokenCount()).contains(41);
        assertThat(gemini.requestBodies(MODEL, "generateContent").get(0).at("/contents/0/parts/0/text").asText())
                .isEqualTo("What is the capital of Australia?");
        assertThat(gemini.keysUsed()).containsOnly(POOL_KEY);
    }

    @Test
    void generateContentStream() {
        List<String> texts = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream =
                client.models.generateContentStream(MODEL, "Why is the sky blue?", null)) {
            for (GenerateContentResponse chunk : stream) {
                texts.add(chunk.text());
            }
        }

        assertThat(texts).containsExactly(PIECES);
    }

    @Test
    void streamedParallelFunctionCallsKeepTheirIdsAndThoughtSignature() {
        List<Part> parts = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream =
                client.models.generateContentStream(TOOL_MODEL, "Weather in Oslo and Bergen?", null)) {
            for (GenerateContentResponse chunk : stream) {
                chunk.candidates().orElseThrow().get(0).content().orElseThrow().parts().ifPresent(parts::addAll);
            }
        }

        List<FunctionCall> calls = parts.stream().flatMap(p -> p.functionCall().stream()).toList();
        assertThat(calls).extracting(c -> c.id().orElseThrow()).containsExactly("k2v9x1qa", "p7d3m0zs");
        assertThat(calls).extracting(c -> c.args().orElseThrow())
                .containsExactly(Map.of("city", "Oslo"), Map.of("city", "Bergen"));
        assertThat(parts.get(0).thoughtSignature()).hasValueSatisfying(
                signature -> assertThat(signature).isEqualTo(Base64.getDecoder().decode(SIGNATURE)));
        assertThat(parts.get(1).thoughtSignature()).isEmpty();
    }

    @Test
    void countTokens() {
        assertThat(client.models.countTokens(MODEL, "count these words", null).totalTokens()).contains(11);
    }

    @Test
    void embedContent() {
        List<ContentEmbedding> embeddings = client.models.embedContent(EMBEDDING_MODEL, "hello", null)
                .embeddings().orElseThrow();

        assertThat(embeddings).hasSize(1);
        double[] expected = FakeGemini.embeddingValues("hello", 6);
        List<Float> values = embeddings.get(0).values().orElseThrow();
        assertThat(values).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(values.get(i)).as("value %d", i).isEqualTo((float) expected[i]);
        }
    }

    @Test
    void modelsListFollowsGeminisPagesAndGetReturnsOneModel() {
        List<String> names = new ArrayList<>();
        for (Model model : client.models.list(ListModelsConfig.builder().pageSize(2).build())) {
            names.add(model.name().orElseThrow());
        }

        assertThat(names).containsExactly("models/" + MODEL, "models/gemini-2.0-flash", "models/" + EMBEDDING_MODEL);
        assertThat(client.models.get(MODEL, null).name()).contains("models/" + MODEL);
    }

    @Test
    void wrongTokenRaisesUnauthenticated() {
        Client intruder = client("", "sk-not-a-valid-token");

        assertThatThrownBy(() -> intruder.models.generateContent(MODEL, "Hello", null))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(401);
                    assertThat(e.status()).isEqualTo("UNAUTHENTICATED");
                    assertThat(e.getMessage()).doesNotContain("sk-not-a-valid-token");
                });
    }

    @Test
    void rateLimitedPoolRaisesResourceExhausted() {
        assertThatThrownBy(() -> client.models.generateContent(BUSY_MODEL, "Hello", null))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(429);
                    assertThat(e.status()).isEqualTo("RESOURCE_EXHAUSTED");
                    assertThat(e.message()).contains("quota");
                });
        assertThat(gemini.requestBodies(BUSY_MODEL, "generateContent")).hasSize(1);
    }
}
