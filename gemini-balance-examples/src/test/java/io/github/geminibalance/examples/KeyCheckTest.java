package io.github.geminibalance.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key checker against a fake Gemini: verdicts, table, JSON, masking, exit codes. */
class KeyCheckTest {

    static final String MODEL = "gemini-2.0-flash";
    static final String VALID = "AIzaSyVALID-0000000000000000000000000x9Q4";
    static final String VALID_2 = "AIzaSyVALID-1111111111111111111111111aB12";
    static final String INVALID = "AIzaSyINVALID-00000000000000000000000bad1";
    static final String LIMITED = "AIzaSyLIMITED-0000000000000000000000lim9";
    static final String SUSPENDED = "AIzaSySUSPENDED-00000000000000000000sus7";
    static final String FAILING = "AIzaSyFAILING-000000000000000000000fail3";
    static final List<String> ALL = List.of(VALID, INVALID, LIMITED, SUSPENDED, FAILING, VALID_2);
    static final List<String> MODELS =
            List.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash", "gemini-embedding-001");

    static FakeGemini gemini;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .generateContent(MODEL, VALID, GeminiFixtures.textResponse("Hi"))
                .generateContent(MODEL, VALID_2, GeminiFixtures.textResponse("Hi"))
                .error(MODEL, INVALID, GeminiErrorKind.API_KEY_INVALID_400)
                .error(MODEL, LIMITED, GeminiErrorKind.RATE_LIMITED_429)
                .error(MODEL, SUSPENDED, GeminiErrorKind.CONSUMER_SUSPENDED_403)
                .error(MODEL, FAILING, GeminiErrorKind.UNAVAILABLE_503)
                .models(MODELS, 1000);
    }

    @AfterAll
    static void stop() {
        gemini.close();
    }

    private int run(Map<String, String> env, String stdin, String... args) {
        Map<String, String> environment = new HashMap<>(env);
        environment.putIfAbsent("BASE_URL", gemini.baseUrl());
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        return KeyCheck.run(args, environment, dir.resolve(".env"), in,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void assertNoKeyPrinted() {
        for (String key : ALL) {
            assertThat(out()).doesNotContain(key);
            assertThat(err()).doesNotContain(key);
        }
    }

    @Test
    void tableShowsEachKeyMaskedWithItsVerdictReasonAndModels() throws Exception {
        Path file = dir.resolve("keys.txt");
        Files.writeString(file, VALID + "\n" + INVALID + ", " + LIMITED + "  " + SUSPENDED + "\t" + FAILING + "\n"
                + VALID_2 + "\n");

        int code = run(Map.of(), "", file.toString(), "--progress", "none");

        assertThat(code).isEqualTo(1);
        assertThat(out().lines().toList()).satisfiesExactly(
                header -> assertThat(header).startsWith("KEY").contains("VERDICT", "STATUS", "REASON", "MODELS"),
                valid -> assertThat(valid).startsWith("AIza...x9Q4").contains("VALID", "200",
                        "4: gemini-2.5-flash, gemini-2.5-pro, gemini-2.0-flash, ..."),
                invalid -> assertThat(invalid).startsWith("AIza...bad1").contains("INVALID", "400", "API_KEY_INVALID")
                        .endsWith("-"),
                limited -> assertThat(limited).startsWith("AIza...lim9")
                        .contains("RATE_LIMITED", "429", "RESOURCE_EXHAUSTED, retry in 38 s", "4: gemini-2.5-flash"),
                suspended -> assertThat(suspended).startsWith("AIza...sus7")
                        .contains("INVALID", "403", "CONSUMER_SUSPENDED"),
                failing -> assertThat(failing).startsWith("AIza...ail3").contains("ERROR", "503", "UNAVAILABLE"),
                valid2 -> assertThat(valid2).startsWith("AIza...aB12").contains("VALID", "200"),
                summary -> assertThat(summary).isEqualTo("6 keys: 2 valid, 2 invalid, 1 rate-limited, 1 error"));
        assertNoKeyPrinted();
        // an invalid key is not asked for its models
        assertThat(gemini.keysUsed()).contains(INVALID);
    }

    @Test
    void jsonFromStdinIsMachineReadable() throws Exception {
        String jsonList = new ObjectMapper().writeValueAsString(List.of(VALID, INVALID, LIMITED));

        int code = run(Map.of(), jsonList, "-", "--json", "--concurrency", "2", "--progress", "none");

        assertThat(code).isEqualTo(1);
        JsonNode report = new ObjectMapper().readTree(out());
        assertThat(report.at("/summary/total").asInt()).isEqualTo(3);
        assertThat(report.at("/summary/valid").asInt()).isEqualTo(1);
        assertThat(report.at("/summary/invalid").asInt()).isEqualTo(1);
        assertThat(report.at("/summary/rateLimited").asInt()).isEqualTo(1);
        assertThat(report.at("/summary/error").asInt()).isZero();
        JsonNode valid = report.at("/keys/0");
        assertThat(valid.get("key").asText()).isEqualTo("AIza...x9Q4");
        assertThat(valid.get("id").asText()).matches("k-[0-9a-f]{8}");
        assertThat(valid.get("verdict").asText()).isEqualTo("VALID");
        assertThat(valid.get("status").asInt()).isEqualTo(200);
        assertThat(valid.get("reason").isNull()).isTrue();
        assertThat(valid.get("modelCount").asInt()).isEqualTo(4);
        assertThat(valid.get("models")).extracting(JsonNode::asText).containsExactlyElementsOf(MODELS);
        JsonNode invalid = report.at("/keys/1");
        assertThat(invalid.get("verdict").asText()).isEqualTo("INVALID");
        assertThat(invalid.get("reason").asText()).isEqualTo("API_KEY_INVALID");
        assertThat(invalid.get("models").isNull()).isTrue();
        assertThat(report.at("/keys/2/verdict").asText()).isEqualTo("RATE_LIMITED");
        assertNoKeyPrinted();
    }

    @Test
    void allValidKeysFromApiKeysWithoutAllowedTokensExitZero() {
        int code = run(Map.of("API_KEYS", "[\"" + VALID + "\",\"" + VALID_2 + "\"]"), "");

        assertThat(code).isZero();
        assertThat(out()).endsWith("2 keys: 2 valid, 0 invalid, 0 rate-limited, 0 errors\n");
        // not a terminal: one plain progress line per key
        assertThat(err().lines()).hasSize(2).allMatch(l -> l.matches("checked [12]/2: AIza\\.\\.\\.\\w{4} VALID"));
        assertNoKeyPrinted();
    }

    @Test
    void readsApiKeysFromDotEnvLikeTheServer() throws Exception {
        Files.writeString(dir.resolve(".env"), "API_KEYS=" + VALID + "," + INVALID + "\n");

        int code = run(Map.of(), "", "--progress", "none");

        assertThat(code).isEqualTo(1);
        assertThat(out()).contains("AIza...x9Q4", "AIza...bad1").endsWith("2 keys: 1 valid, 1 invalid, 0 rate-limited, 0 errors\n");
    }

    @Test
    void anUnknownModelIsAnErrorNamingTheModel() {
        int code = run(Map.of(), VALID, "-", "--model", "gemini-nope", "--progress", "none");

        assertThat(code).isEqualTo(1);
        // the fake answers WireMock's 404 for an unstubbed model; the key still lists its models
        assertThat(out().lines().skip(1).findFirst().orElseThrow())
                .contains("ERROR", "404", "(is gemini-nope a model?)", "4: gemini-2.5-flash");
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        assertThat(run(Map.of(), "")).isEqualTo(2);
        assertThat(err()).contains("no keys: give a FILE, - for stdin, or set API_KEYS");

        assertThat(run(Map.of(), "", dir.resolve("missing.txt").toString())).isEqualTo(2);
        assertThat(err()).contains("no such file: ");

        assertThat(run(Map.of(), "\n# none\n", "-")).isEqualTo(2);
        assertThat(err()).contains("no keys in stdin");

        assertThat(run(Map.of(), VALID, "-", "--concurrency", "0")).isEqualTo(2);
        assertThat(run(Map.of(), VALID, "-", "--no-such-option")).isEqualTo(2);
        assertThat(run(Map.of(), VALID, "-", "--progress", "sideways")).isEqualTo(2);
        assertThat(out()).isEmpty();
    }

    @Test
    void helpExitsZeroAndListsTheExitCodes() {
        assertThat(run(Map.of(), "", "--help")).isZero();
        assertThat(out()).contains("check-keys", "FILE|-", "--concurrency", "--json", "Exit codes:", "usage error");
    }
}
