package io.github.geminibalance.server;

import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A pool of a rejected, a rate-limited and a good key: clients never notice the first two. */
class FailoverTest {

    private static final String BAD_KEY = "AIzaSyTEST-bad-key-00001";
    private static final String LIMITED_KEY = "AIzaSyTEST-limited-key-02";
    private static final String GOOD_KEY = "AIzaSyTEST-good-key-00003";

    private static FakeGemini gemini;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .error(MODEL, BAD_KEY, GeminiErrorKind.API_KEY_INVALID_400)
                .rateLimited(MODEL, LIMITED_KEY, "41s")
                .generateContent(MODEL, GOOD_KEY, GeminiFixtures.textResponse("Served by the good key."));
        server = TestServer.start(TestServer.config(gemini, List.of(BAD_KEY, LIMITED_KEY, GOOD_KEY)).build());
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @Test
    void tenRequestsInARowAllSucceedAndThePoolShowsWhy() throws Exception {
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl(server.url() + "/v1")
                .apiKey(TestServer.TOKEN)
                .maxRetries(0)
                .build();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(MODEL).addUserMessage("Hello").build();

        for (int i = 0; i < 10; i++) {
            ChatCompletion answer = client.chat().completions().create(params);
            assertThat(answer.choices().get(0).message().content()).as("request %d", i)
                    .contains("Served by the good key.");
        }

        assertThat(gemini.keysUsed()).containsOnlyOnce(BAD_KEY, LIMITED_KEY);
        String health = server.send(server.request("/health", null).GET().build()).body();
        assertThat(health).contains("\"status\":\"UP\"").contains("\"INVALID\":1").contains("\"COOLING\":1")
                .contains("\"ACTIVE\":1").doesNotContain("AIza");
    }
}
