package io.github.geminibalance.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The documented commands, run as the README writes them: {@code java -jar gemini-balance-examples.jar
 * PROGRAM ...} in a new JVM, against the fake Gemini and the real server. Checks that the shaded jar
 * works and that each program's JVM ends by itself with the documented exit code.
 */
class ExamplesJarIT {

    static final String MODEL = "gemini-2.5-flash";
    static final String KEY = "AIzaSyEXAMPLES-jar-key-00000000000000x9Q4";
    static final String BAD_KEY = "AIzaSyEXAMPLES-jar-key-000000000000000bad";

    static FakeGemini gemini;
    static RunningServer server;

    record Result(int code, String out, String err) {}

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isRegularFile(jar()), "the examples jar is missing: run mvn package first");
        gemini = FakeGemini.start()
                .generateContent("gemini-2.0-flash", KEY, GeminiFixtures.textResponse("Hi"))
                .error("gemini-2.0-flash", BAD_KEY, GeminiErrorKind.API_KEY_INVALID_400)
                .generateContent(MODEL, KEY, GeminiFixtures.textResponse("Whole answer."))
                .streamGenerateContent(MODEL, KEY, GeminiFixtures.textStream("Streamed", " answer."))
                .models(List.of(MODEL, "gemini-2.0-flash"), 1000);
        server = RunningServer.start("[\"" + KEY + "\"]", gemini.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (gemini != null) {
            gemini.close();
        }
    }

    static Path jar() {
        return Path.of("target", "gemini-balance-examples.jar").toAbsolutePath();
    }

    /** Runs {@code java -jar gemini-balance-examples.jar args...} in an empty directory. */
    static Result run(Map<String, String> env, String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar().toString()));
        command.addAll(List.of(args));
        Path dir = Files.createTempDirectory("examples-jar");
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.equals("API_KEYS") || name.equals("BASE_URL")
                || name.equals("GEMINI_BALANCE_TOKEN") || name.equals("TEST_MODEL"));
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        // a hang guard, not a timing assertion: a program that never ends fails here instead of hanging the build
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("java -jar ... " + String.join(" ", args) + " did not end");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void checkKeysFromStdin() throws Exception {
        Result r = run(Map.of("BASE_URL", gemini.baseUrl()), KEY + "\n" + BAD_KEY + "\n", "check-keys", "-");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("AIza...x9Q4", "VALID", "2: gemini-2.5-flash, gemini-2.0-flash", "AIza...0bad",
                "API_KEY_INVALID").endsWith("2 keys: 1 valid, 1 invalid, 0 rate-limited, 0 errors\n");
        assertThat(r.err()).contains("checked 2/2");
        assertThat(r.out() + r.err()).doesNotContain(KEY).doesNotContain(BAD_KEY);
    }

    @Test
    void embeddedAnswersTheQuotedQuestion() throws Exception {
        Result r = run(Map.of("API_KEYS", "[\"" + KEY + "\"]", "BASE_URL", gemini.baseUrl()), "",
                "embedded", "What is a key pool?");

        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("Streamed answer.\n");
    }

    @Test
    void chatWithTheServer() throws Exception {
        Result r = run(Map.of("GEMINI_BALANCE_TOKEN", RunningServer.TOKEN), "Hello?\n",
                "chat", "--base-url", server.openAiBaseUrl());

        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("Streamed answer.\n");
    }

    @Test
    void langChain4jAndSpringAiWithTheServer() throws Exception {
        for (String program : List.of("langchain4j", "spring-ai")) {
            Result r = run(Map.of(), "", program, "--base-url", server.openAiBaseUrl(), "--token",
                    RunningServer.TOKEN, "What is a key pool?");

            assertThat(r.err()).as(program).isEmpty();
            assertThat(r.code()).as(program).isZero();
            assertThat(r.out()).as(program).isEqualTo("chat: Whole answer.\nstream: Streamed answer.\n");
        }
    }
}
