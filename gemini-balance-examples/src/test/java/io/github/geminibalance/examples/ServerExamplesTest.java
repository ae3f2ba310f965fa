package io.github.geminibalance.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The programs that call a gemini-balance server, run against the real server jar, which talks to a
 * fake Gemini: the terminal chat (OpenAI Java SDK), LangChain4j and Spring AI.
 */
class ServerExamplesTest {

    static final String MODEL = "gemini-2.5-flash";
    static final String KEY = "AIzaSyEXAMPLES-test-key-000000000000001";
    static final String WHOLE = "A key pool spreads requests over many Gemini keys.";
    static final String[] PIECES = {"Streamed:", " one key", " after another."};
    static final String STREAMED = String.join("", PIECES);

    static FakeGemini gemini;
    static RunningServer server;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        gemini = FakeGemini.start();
        try {
            server = RunningServer.start("[\"" + KEY + "\"]", gemini.baseUrl());
        } finally {
            if (server == null) {
                gemini.close();
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (gemini != null) {
            gemini.close();
        }
    }

    @BeforeEach
    void stubs() {
        gemini.reset();
        gemini.generateContent(MODEL, KEY, GeminiFixtures.textResponse(WHOLE))
                .streamGenerateContent(MODEL, KEY, GeminiFixtures.textStream(PIECES));
    }

    private PrintStream outStream() {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    private PrintStream errStream() {
        return new PrintStream(err, true, StandardCharsets.UTF_8);
    }

    @Test
    void chatClientStreamsEachAnswerAndKeepsTheConversation() throws Exception {
        Set<Thread> before = Threads.nonDaemon();
        StringReader stdin = new StringReader("What is a key pool?\nAnd why?\n/exit\nnever sent\n");

        int code = ChatClient.run(new String[] {"--base-url", server.openAiBaseUrl(), "--model", MODEL},
                Map.of(ServerOptions.TOKEN_VARIABLE, RunningServer.TOKEN), stdin, outStream(), errStream(), false);

        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(STREAMED + "\n" + STREAMED + "\n");
        List<JsonNode> requests = gemini.requestBodies(MODEL, "streamGenerateContent");
        assertThat(requests).hasSize(2);
        // the second turn carries the first question, the first answer and the second question
        JsonNode second = requests.get(1).get("contents");
        assertThat(second).hasSize(3);
        assertThat(second.at("/0/parts/0/text").asText()).isEqualTo("What is a key pool?");
        assertThat(second.at("/1/role").asText()).isEqualTo("model");
        assertThat(second.at("/1/parts/0/text").asText()).isEqualTo(STREAMED);
        assertThat(second.at("/2/parts/0/text").asText()).isEqualTo("And why?");
        Threads.assertNoneLeftSince(before);
    }

    @Test
    void chatClientEndsAtEndOfInputAndReportsAWrongTokenAsOneLine() {
        int code = ChatClient.run(new String[] {"--base-url", server.openAiBaseUrl(), "--token", "sk-wrong"},
                Map.of(), new StringReader("Hello?\n"), outStream(), errStream(), false);

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement().asString().startsWith("chat: HTTP 401");
        assertThat(gemini.requestCount()).isZero();
    }

    @Test
    void chatClientWithoutATokenIsAUsageError() {
        int code = ChatClient.run(new String[0], Map.of(), new StringReader(""), outStream(), errStream(), false);

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no token: pass --token or set GEMINI_BALANCE_TOKEN");
    }

    @Test
    void langChain4jMakesOneChatAndOneStreamingCall() throws Exception {
        Set<Thread> before = Threads.nonDaemon();

        int code = LangChain4jExample.run(new String[] {"--base-url", server.openAiBaseUrl(), "--token",
            RunningServer.TOKEN, "--model", MODEL, "What is a key pool?"}, Map.of(), outStream(), errStream());

        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("chat: " + WHOLE + "\nstream: " + STREAMED + "\n");
        assertThat(gemini.requestBodies(MODEL, "generateContent")).singleElement()
                .satisfies(body -> assertThat(body.at("/contents/0/parts/0/text").asText()).isEqualTo("What is a key pool?"));
        assertThat(gemini.requestBodies(MODEL, "streamGenerateContent")).hasSize(1);
        Threads.assertNoneLeftSince(before);
    }

    @Test
    void springAiMakesOneChatAndOneStreamingCall() throws Exception {
        Set<Thread> before = Threads.nonDaemon();

        int code = SpringAiExample.run(new String[] {"--base-url", server.openAiBaseUrl(), "--model", MODEL,
            "What is a key pool?"}, Map.of(ServerOptions.TOKEN_VARIABLE, RunningServer.TOKEN), outStream(), errStream());

        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("chat: " + WHOLE + "\nstream: " + STREAMED + "\n");
        assertThat(gemini.requestBodies(MODEL, "generateContent")).hasSize(1);
        assertThat(gemini.requestBodies(MODEL, "streamGenerateContent")).hasSize(1);
        Threads.assertNoneLeftSince(before);
    }
}
