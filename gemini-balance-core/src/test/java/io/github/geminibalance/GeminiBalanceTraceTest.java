package io.github.geminibalance;

import static io.github.geminibalance.GeminiBalanceTest.collect;
import static io.github.geminibalance.GeminiBalanceTest.hello;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.openai.EmbeddingRequest;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The facade fills a {@link RequestTrace}: attempts by key id, first chunk, tokens, the end of a body. */
class GeminiBalanceTraceTest {

    private static final String MODEL = GeminiBalanceTest.MODEL;
    private static final String GOOD = GeminiBalanceTest.GOOD;
    private static final String LIMITED = GeminiBalanceTest.LIMITED;
    private static final String INVALID = GeminiBalanceTest.INVALID;

    private FakeGemini fake;
    private GeminiBalance gb;

    @BeforeEach
    void start() {
        fake = FakeGemini.start();
    }

    @AfterEach
    void stop() {
        if (gb != null) {
            gb.close();
        }
        fake.close();
    }

    private GeminiBalance balance(List<String> keys) {
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(keys)
                .baseUrl(fake.baseUrl()).maxRetries(3).streamIdleTimeout(Duration.ofSeconds(5)).build();
        gb = GeminiBalance.builder(config).scheduleKeyChecks(false).build();
        return gb;
    }

    private static RequestTrace trace() {
        return RequestTrace.start(System::nanoTime);
    }

    @Test
    void chatNotesEveryAttemptByKeyIdWithItsStatusAndTheTokens() {
        fake.error(MODEL, INVALID, GeminiErrorKind.API_KEY_INVALID_400);
        fake.rateLimited(MODEL, LIMITED, "38s");
        fake.generateContent(MODEL, GOOD, GeminiFixtures.textResponse("ok"));
        RequestTrace trace = trace();

        balance(List.of(INVALID, LIMITED, GOOD)).chat(hello(), trace).join();

        assertThat(trace.attempts()).containsExactly(new RequestTrace.Attempt(new ApiKey(INVALID).id(), 400),
                new RequestTrace.Attempt(new ApiKey(LIMITED).id(), 429),
                new RequestTrace.Attempt(new ApiKey(GOOD).id(), 200));
        assertThat(trace.attempts().toString()).doesNotContain(INVALID, LIMITED, GOOD);
        assertThat(trace.tokens()).contains(new RequestTrace.Tokens(9, 49, 58));
        assertThat(trace.model()).contains(MODEL);
        assertThat(trace.stream()).contains(false);
        AtomicBoolean done = new AtomicBoolean();
        trace.whenDone(() -> done.set(true));
        assertThat(done).isTrue();
    }

    @Test
    void aStreamIsDoneWhenItEndsAndReportsTokensTheClientDidNotAskFor() throws Exception {
        fake.streamGenerateContent(MODEL, null, GeminiFixtures.textStream("Hello", " there"));
        RequestTrace trace = trace();
        AtomicBoolean done = new AtomicBoolean();

        ChatStream stream = balance(List.of(GOOD)).chatStream(hello().withStream(true, false), trace).join();
        trace.whenDone(() -> done.set(true));
        assertThat(done).as("not before the stream is read").isFalse();
        assertThat(trace.firstByteNanos()).isPresent();

        List<String> data = collect(stream.sseData());

        assertThat(data).last().isEqualTo("[DONE]");
        assertThat(data).noneMatch(d -> d.contains("\"usage\":{"));
        assertThat(done).isTrue();
        assertThat(trace.tokens()).contains(new RequestTrace.Tokens(8, 4, 12));
        assertThat(trace.attempts()).containsExactly(new RequestTrace.Attempt(new ApiKey(GOOD).id(), 200));
        assertThat(trace.stream()).contains(true);
    }

    @Test
    void aNativeAnswerIsDoneWhenItsBodyEnds() throws Exception {
        fake.generateContent(MODEL, null, GeminiFixtures.textResponse("ok"));
        RequestTrace trace = trace();
        AtomicBoolean done = new AtomicBoolean();

        NativeResponse response = balance(List.of(GOOD)).forward("POST", "models/" + MODEL + ":generateContent",
                null, "{}".getBytes(StandardCharsets.UTF_8), trace).join();
        trace.whenDone(() -> done.set(true));
        assertThat(done).isFalse();
        collect(response.body());

        assertThat(done).isTrue();
        assertThat(trace.firstByteNanos()).isPresent();
        assertThat(trace.model()).contains(MODEL);
        assertThat(trace.keyIds()).containsExactly(new ApiKey(GOOD).id());
    }

    @Test
    void embeddingsNoteTheirAttempts() {
        fake.embed("gemini-embedding-001", null, 4);
        RequestTrace trace = trace();

        balance(List.of(GOOD)).embeddings(new EmbeddingRequest("gemini-embedding-001",
                io.github.geminibalance.internal.Json.mapper().valueToTree(List.of("a", "b")), null, null, null), trace)
                .join();

        assertThat(trace.attempts()).containsExactly(new RequestTrace.Attempt(new ApiKey(GOOD).id(), 200));
        assertThat(trace.model()).contains("gemini-embedding-001");
    }
}
