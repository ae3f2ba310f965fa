package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.github.geminibalance.config.AnswerSettings;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code FAKE_STREAM_ENABLED} through the running server: a streaming request is answered from one
 * non-streamed Gemini call; while Gemini works the client gets keep-alive every
 * {@code FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS} of the server's (movable) clock, then the whole answer as
 * ordinary events. openai-java reads such a stream as any other.
 */
class FakeStreamHttpTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String SLOW = "gemini-2.5-flash-lite";
    private static final String ANSWER = "The capital of Australia is Canberra.";
    /** Long enough for the test to move the clock and see its keep-alives; never part of an assertion. */
    private static final int SLOW_MILLIS = 6_000;

    private static final TestClockFactory.MovableClock CLOCK =
            new TestClockFactory.MovableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private static FakeGemini gemini;
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start().generateContent(MODEL, null, GeminiFixtures.textResponse(ANSWER));
        gemini.server().stubFor(post(urlPathEqualTo("/v1beta/models/" + SLOW + ":generateContent")).willReturn(
                aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody(GeminiFixtures.textResponse(ANSWER)).withFixedDelay(SLOW_MILLIS)));
        AnswerSettings answers = new AnswerSettings(AnswerSettings.DEFAULT_FILTERED_MODELS, false,
                AnswerSettings.DEFAULT_URL_CONTEXT_MODELS, true, true, true, Duration.ofSeconds(5));
        server = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-only-key-0001")).answers(answers).build(),
                Map.of(TestClockFactory.PROPERTY, TestClockFactory.register(CLOCK)));
        client = OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey(TestServer.TOKEN)
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @Test
    void openAiJavaStreamsAFakeStream() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("What is the capital of Australia?").build();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }

        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        assertThat(text).hasToString(ANSWER);
        assertThat(chunks.stream().flatMap(c -> c.choices().stream())
                .anyMatch(ch -> ch.finishReason().isPresent())).isTrue();
        assertThat(gemini.requestBodies(MODEL, "generateContent")).isNotEmpty();
        assertThat(gemini.requestBodies(MODEL, "streamGenerateContent")).isEmpty();
    }

    /** The stream's lines as they arrive, read on another thread. */
    private static BlockingQueue<String> open(String path, String body) throws Exception {
        HttpRequest request = server.request(path, TestServer.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).as("the head goes out before Gemini answers").isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            response.body().filter(line -> !line.isEmpty()).forEach(lines::add);
            lines.add("<end>");
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static String next(BlockingQueue<String> lines) throws InterruptedException {
        String line = lines.poll(20, TimeUnit.SECONDS);
        assertThat(line).as("a line within 20 s").isNotNull();
        return line;
    }

    private static List<String> rest(BlockingQueue<String> lines) throws InterruptedException {
        List<String> all = new ArrayList<>();
        for (String line = next(lines); !line.equals("<end>"); line = next(lines)) {
            all.add(line);
        }
        return all;
    }

    @Test
    void aFakeChatStreamSendsKeepAliveEveryIntervalThenTheWholeAnswer() throws Exception {
        BlockingQueue<String> lines = open("/v1/chat/completions", "{\"model\":\"" + SLOW + "\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"capital?\"}]}");
        assertThat(next(lines)).as("the first bytes, sent with the head").isEqualTo(": keep-alive");

        CLOCK.advance(Duration.ofSeconds(5));
        assertThat(next(lines)).isEqualTo(": keep-alive");
        CLOCK.advance(Duration.ofSeconds(5));
        assertThat(next(lines)).isEqualTo(": keep-alive");

        List<String> rest = rest(lines);
        assertThat(rest).as("no keep-alive without another interval of the clock").noneMatch(l -> l.startsWith(":"));
        assertThat(rest).allMatch(l -> l.startsWith("data: "));
        assertThat(rest.get(rest.size() - 1)).isEqualTo("data: [DONE]");
        assertThat(String.join("\n", rest)).contains("Canberra").contains("\"finish_reason\":\"stop\"");
    }

    @Test
    void aFakeMessagesStreamPingsThenAnswers() throws Exception {
        BlockingQueue<String> lines = open("/v1/messages", "{\"model\":\"" + SLOW + "\",\"stream\":true,"
                + "\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"capital?\"}]}");
        assertThat(next(lines)).isEqualTo("event: ping");
        assertThat(next(lines)).isEqualTo("data: {\"type\":\"ping\"}");

        CLOCK.advance(Duration.ofSeconds(5));
        assertThat(next(lines)).isEqualTo("event: ping");
        assertThat(next(lines)).isEqualTo("data: {\"type\":\"ping\"}");

        List<String> rest = rest(lines);
        assertThat(rest.get(0)).isEqualTo("event: message_start");
        assertThat(rest).contains("event: message_stop").doesNotContain("event: ping");
        assertThat(String.join("\n", rest)).contains("Canberra");
    }

    @Test
    void aFakeResponsesStreamEndsCompleted() throws Exception {
        BlockingQueue<String> lines = open("/v1/responses", "{\"model\":\"" + MODEL + "\",\"stream\":true,"
                + "\"input\":\"capital?\"}");

        assertThat(next(lines)).isEqualTo(": keep-alive");
        List<String> rest = rest(lines);
        assertThat(rest.get(0)).isEqualTo("event: response.created");
        assertThat(rest).contains("event: response.completed");
        assertThat(String.join("\n", rest)).contains("Canberra");
    }
}
