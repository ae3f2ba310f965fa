package io.github.geminibalance.server;

import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both values of {@code UPSTREAM_CLIENT} serve the same answers: a failover from a rejected key, a
 * plain answer and a stream, through the OpenAI SDK.
 */
class UpstreamClientTest {

    private static final String BAD_KEY = "AIzaSyTEST-bad-key-00011";
    private static final String GOOD_KEY = "AIzaSyTEST-good-key-00012";

    @ParameterizedTest
    @ValueSource(strings = {"netty", "jdk"})
    void everyUpstreamClientServesChatAndStreams(String upstreamClient) {
        try (FakeGemini gemini = FakeGemini.start()
                .error(MODEL, BAD_KEY, GeminiErrorKind.API_KEY_INVALID_400)
                .generateContent(MODEL, GOOD_KEY, GeminiFixtures.textResponse("Canberra."))
                .streamGenerateContent(MODEL, GOOD_KEY, GeminiFixtures.textStream("Can", "berra", "."));
             TestServer server = TestServer.start(TestServer.config(gemini, List.of(BAD_KEY, GOOD_KEY)).build(),
                     TestServer.serverConfig().withUpstreamClient(
                             ServerConfig.UpstreamClient.valueOf(upstreamClient.toUpperCase(java.util.Locale.ROOT))))) {
            OpenAIClient client = OpenAIOkHttpClient.builder()
                    .baseUrl(server.url() + "/v1").apiKey(TestServer.TOKEN).maxRetries(0).build();
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                    .model(MODEL).addUserMessage("What is the capital of Australia?").build();

            for (int i = 0; i < 3; i++) {
                ChatCompletion answer = client.chat().completions().create(params);
                assertThat(answer.choices().get(0).message().content()).contains("Canberra.");
            }
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
                String text = stream.stream()
                        .flatMap(c -> c.choices().stream())
                        .map(c -> c.delta().content().orElse(""))
                        .collect(Collectors.joining());
                assertThat(text).isEqualTo("Canberra.");
            }
            assertThat(gemini.keysUsed()).containsOnlyOnce(BAD_KEY);
        }
    }
}
