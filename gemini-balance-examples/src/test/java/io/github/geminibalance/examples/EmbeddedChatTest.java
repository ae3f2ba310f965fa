package io.github.geminibalance.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded program against a fake Gemini, configured as its README says: API_KEYS only. */
class EmbeddedChatTest {

    static final String KEY = "AIzaSyExampleKey000000000000000000000001";
    static final String BAD_KEY = "AIzaSyExampleKey00000000000000000000bad2";

    @TempDir
    Path dir;

    private FakeGemini gemini;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        gemini = FakeGemini.start();
    }

    @AfterEach
    void stop() {
        gemini.close();
    }

    private int run(Map<String, String> env, String... args) {
        return EmbeddedChat.run(args, env, dir.resolve(".env"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void streamsTheAnswerToTheWholeQuestionAndLeavesNoThreadBehind() throws Exception {
        gemini.streamGenerateContent("gemini-2.5-flash", KEY, GeminiFixtures.textStream("A key pool", " spreads calls",
                " over many keys."));
        Set<Thread> before = Threads.nonDaemon();

        // no ALLOWED_TOKENS: the embedded program is no server
        int code = run(Map.of("API_KEYS", "[\"" + KEY + "\"]", "BASE_URL", gemini.baseUrl()), "what is a key pool?");

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("A key pool spreads calls over many keys.\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        // the question travels as one piece of text, not split into words
        assertThat(gemini.requestBodies("gemini-2.5-flash", "streamGenerateContent"))
                .singleElement()
                .satisfies(body -> assertThat(body.at("/contents/0/parts/0/text").asText())
                        .isEqualTo("what is a key pool?"));
        Threads.assertNoneLeftSince(before);
    }

    @Test
    void theSecondArgumentIsTheModelAndKeysMayComeFromDotEnv() throws Exception {
        gemini.streamGenerateContent("gemini-2.5-pro", null, GeminiFixtures.textStream("Pro answer."));
        Files.writeString(dir.resolve(".env"), "API_KEYS=" + KEY + "\nBASE_URL=" + gemini.baseUrl() + "\n");

        int code = run(Map.of(), "Which model?", "gemini-2.5-pro");

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Pro answer.\n");
    }

    @Test
    void anUpstreamErrorIsOneLineAndExitCodeOne() {
        gemini.error("gemini-2.5-flash", BAD_KEY, GeminiErrorKind.API_KEY_INVALID_400);

        int code = run(Map.of("API_KEYS", BAD_KEY, "BASE_URL", gemini.baseUrl()), "Hello?");

        assertThat(code).isEqualTo(1);
        String error = err.toString(StandardCharsets.UTF_8);
        assertThat(error.lines()).singleElement().asString().startsWith("EmbeddedChat: HTTP ");
        assertThat(error).doesNotContain(BAD_KEY);
    }

    @Test
    void theMainReadmeSnippetWorksWithoutAllowedTokens() {
        gemini.generateContent("gemini-2.5-flash", null, GeminiFixtures.textResponse("Hello!"));

        // README.md, "Use it", with the fake's base URL added
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(List.of("your-key"))
                .baseUrl(gemini.baseUrl()).build();
        try (GeminiBalance gb = GeminiBalance.create(config)) {
            ChatCompletion answer = gb.chatBlocking(ChatCompletionRequest.builder()
                    .model("gemini-2.5-flash").addUserMessage("Hello").build());
            assertThat(answer.choices().get(0).message().content()).isEqualTo("Hello!");
        }
    }

    @Test
    void missingKeysOrQuestionIsOneLineAndExitCodeOne() {
        assertThat(run(Map.of(), "Hello?")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
                .isEqualTo("EmbeddedChat: Invalid setting API_KEYS: API_KEYS is not set"
                        + " (put your Gemini keys in it: environment or ./.env)");

        err.reset();
        assertThat(run(Map.of("API_KEYS", KEY))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("usage: EmbeddedChat \"QUESTION\" [MODEL]");
        assertThat(gemini.requestCount()).isZero();
    }
}
