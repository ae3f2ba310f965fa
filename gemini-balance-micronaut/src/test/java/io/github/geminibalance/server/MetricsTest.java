package io.github.geminibalance.server;

import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /prometheus} shows the proxy's series after real requests: a good key, a rate-limited key, a
 * streamed chat and a request for a model Gemini does not know.
 */
class MetricsTest {

    private static final String GOOD_KEY = "AIzaSyTEST-metrics-good-01";
    private static final String LIMITED_KEY = "AIzaSyTEST-metrics-busy-02";
    private static final String UNKNOWN_MODEL = "made-up-model-xyz";
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static FakeGemini gemini;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .generateContent(MODEL, null, GeminiFixtures.textResponse("Hi."))
                .streamGenerateContent(MODEL, null, GeminiFixtures.textStream("Hello", " there."))
                .rateLimited(MODEL, LIMITED_KEY, "30s")
                .error(UNKNOWN_MODEL, null, GeminiErrorKind.MODEL_NOT_FOUND_404);
        server = TestServer.start(TestServer.config(gemini, List.of(GOOD_KEY, LIMITED_KEY)).build());
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    private record Sample(String name, Map<String, String> labels, double value) {}

    private static List<Sample> scrape() throws Exception {
        HttpResponse<String> response = server.get("/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain(GOOD_KEY).doesNotContain(LIMITED_KEY)
                .doesNotContain(UNKNOWN_MODEL).doesNotContain(TestServer.TOKEN);
        List<Sample> samples = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
        return samples;
    }

    /** The value of the one sample with exactly these labels, or null. */
    private static Double value(List<Sample> samples, String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().equals(wanted)) {
                return s.value();
            }
        }
        return null;
    }

    /** The sum of the samples that have at least these labels. */
    private static double sum(List<Sample> samples, String name, String... labels) {
        double total = 0;
        for (Sample s : samples) {
            boolean match = s.name().equals(name);
            for (int i = 0; match && i < labels.length; i += 2) {
                match = labels[i + 1].equals(s.labels().get(labels[i]));
            }
            if (match) {
                total += s.value();
            }
        }
        return total;
    }

    private static String chat(String model, boolean stream) {
        return "{\"model\": \"" + model + "\", \"stream\": " + stream
                + ", \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}";
    }

    @Test
    void seriesAppearAfterRequests() throws Exception {
        List<Sample> before = scrape();
        assertThat(value(before, "gemini_balance_keys", "state", "ACTIVE")).isEqualTo(2.0);
        assertThat(value(before, "gemini_balance_requests_total", "operation", "chat", "model", MODEL, "status", "200"))
                .isNull();

        // two chats: round robin sends one of them to the rate-limited key first
        for (int i = 0; i < 2; i++) {
            assertThat(server.postJson("/v1/chat/completions", chat(MODEL, false)).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> stream = server.postJson("/v1/chat/completions", chat(MODEL, true));
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).contains("data: [DONE]");
        assertThat(server.postJson("/v1/chat/completions", chat(UNKNOWN_MODEL, false)).statusCode()).isEqualTo(404);

        List<Sample> s = scrape();
        String good = new ApiKey(GOOD_KEY).id();
        String limited = new ApiKey(LIMITED_KEY).id();
        assertThat(value(s, "gemini_balance_requests_total", "operation", "chat", "model", MODEL, "status", "200"))
                .isEqualTo(2.0);
        assertThat(value(s, "gemini_balance_requests_total", "operation", "chat_stream", "model", MODEL, "status", "200"))
                .isEqualTo(1.0);
        assertThat(value(s, "gemini_balance_requests_total", "operation", "chat", "model", "other", "status", "404"))
                .as("a model Gemini refused is not a label value").isEqualTo(1.0);
        assertThat(value(s, "gemini_balance_request_duration_seconds_count", "operation", "chat", "model", MODEL,
                "status", "200")).isEqualTo(2.0);
        assertThat(value(s, "gemini_balance_upstream_attempts_total", "model", MODEL, "outcome", "success", "key", good))
                .isEqualTo(3.0);
        assertThat(value(s, "gemini_balance_upstream_attempts_total", "model", MODEL, "outcome", "rate_limited",
                "key", limited)).isEqualTo(1.0);
        assertThat(sum(s, "gemini_balance_upstream_attempts_total", "model", "other", "outcome", "client_error"))
                .isEqualTo(1.0);
        assertThat(value(s, "gemini_balance_rate_limited_total", "model", MODEL, "key", limited)).isEqualTo(1.0);
        assertThat(value(s, "gemini_balance_cooldown_seconds_count")).isEqualTo(1.0);
        assertThat(value(s, "gemini_balance_cooldown_seconds_sum")).isBetween(25.0, 35.0);
        assertThat(value(s, "gemini_balance_time_to_first_chunk_seconds_count", "model", MODEL)).isEqualTo(1.0);
        assertThat(value(s, "gemini_balance_keys", "state", "ACTIVE")).isEqualTo(1.0);
        assertThat(value(s, "gemini_balance_keys", "state", "COOLING")).isEqualTo(1.0);
        for (String state : List.of("EXHAUSTED", "FAILING", "INVALID", "DISABLED")) {
            assertThat(value(s, "gemini_balance_keys", "state", state)).as(state).isEqualTo(0.0);
        }
    }

    @Test
    void prometheusNeedsAClientToken() throws Exception {
        assertThat(server.send(server.request("/prometheus", null).GET().build()).statusCode()).isEqualTo(401);
        assertThat(server.send(server.request("/prometheus", "sk-not-a-token").GET().build()).statusCode())
                .isEqualTo(401);
    }
}
