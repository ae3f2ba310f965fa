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
        assertThat(trace.tokens()).contains(new RequestTrace.Tokens(9, 49, 58, 41, 0));
        assertThat(trace.model()).contains(MODEL);
        assertThat(trace.modelSent()).contains(MODEL);
        assertThat(trace.finishReason()).contains("STOP");
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
        // the end is signalled on the stream's thread just after the reader saw onComplete
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!done.get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(done).isTrue();
        assertThat(trace.tokens()).contains(new RequestTrace.Tokens(8, 4, 12));
        assertThat(trace.attempts()).containsExactly(new RequestTrace.Attempt(new ApiKey(GOOD).id(), 200));
        assertThat(trace.stream()).contains(true);
        assertThat(trace.finishReason()).contains("STOP");
        assertThat(trace.failures()).isEmpty();
        assertThat(trace.errorCode()).isEmpty();
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
        assertThat(trace.modelSent()).contains("gemini-embedding-001");
    }

    @Test
    void everyFailedAttemptIsNotedWithGeminisReasonAndAMessageWithoutTheKey() {
        fake.error(MODEL, INVALID, GeminiErrorKind.CONSUMER_SUSPENDED_403);
        fake.rateLimited(MODEL, LIMITED, "38s");
        fake.generateContent(MODEL, GOOD, GeminiFixtures.textResponse("ok"));
        RequestTrace trace = trace();

        balance(List.of(INVALID, LIMITED, GOOD)).chat(hello(), trace).join();

        List<RequestTrace.FailedAttempt> failures = trace.failures();
        assertThat(failures).extracting(RequestTrace.FailedAttempt::keyId)
                .containsExactly(new ApiKey(INVALID).id(), new ApiKey(LIMITED).id());
        assertThat(failures).extracting(RequestTrace.FailedAttempt::status).containsExactly(403, 429);
        assertThat(failures).extracting(RequestTrace.FailedAttempt::reason)
                .containsExactly("CONSUMER_SUSPENDED", "RESOURCE_EXHAUSTED");
        assertThat(failures.get(0).message()).contains("has been suspended").doesNotContain(INVALID);
        assertThat(failures.toString()).doesNotContain(INVALID, LIMITED, GOOD);
        assertThat(failures).allMatch(f -> f.afterNanos() >= 0);
    }

    @Test
    void aFailureChargedToTheRequestIsStillNoted() {
        fake.error(MODEL, null, GeminiErrorKind.BAD_REQUEST_400);
        RequestTrace trace = trace();

        assertThat(balance(List.of(GOOD)).chat(hello(), trace)).failsWithin(Duration.ofSeconds(10));

        assertThat(trace.failures()).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(400);
            assertThat(f.reason()).isEqualTo("INVALID_ARGUMENT");
            assertThat(f.message()).contains("Invalid JSON payload");
        });
    }

    @Test
    void aStreamThatBreaksAfterItsFirstChunkNotesTheFailureAndTheClientsErrorCode() throws Exception {
        // the first event of two (no finish reason yet), then Gemini's in-stream error
        List<String> events = List.of(GeminiFixtures.textStream("Hello", " there").get(0),
                GeminiFixtures.inStreamError());
        fake.streamGenerateContent(MODEL, null, events);
        RequestTrace trace = trace();

        ChatStream stream = balance(List.of(GOOD)).chatStream(hello().withStream(true, false), trace).join();
        List<String> data = collect(stream.sseData());

        assertThat(data).anyMatch(d -> d.contains("\"error\""));
        assertThat(trace.attempts()).containsExactly(new RequestTrace.Attempt(new ApiKey(GOOD).id(), 200));
        assertThat(trace.failures()).singleElement().satisfies(f -> {
            assertThat(f.keyId()).isEqualTo(new ApiKey(GOOD).id());
            assertThat(f.status()).isGreaterThanOrEqualTo(500);
        });
        assertThat(trace.errorCode()).isPresent();
    }

    @Test
    void aNativeAnswerReportsItsTokensAndFinishReason() throws Exception {
        fake.generateContent(MODEL, null, GeminiFixtures.textResponse("ok"));
        fake.streamGenerateContent(MODEL, null, GeminiFixtures.textStream("Hello", " there"));
        GeminiBalance balance = balance(List.of(GOOD));

        RequestTrace call = trace();
        collect(balance.forward("POST", "models/" + MODEL + ":generateContent", null,
                "{}".getBytes(StandardCharsets.UTF_8), call).join().body());
        RequestTrace stream = trace();
        collect(balance.forward("POST", "models/" + MODEL + ":streamGenerateContent", "alt=sse",
                "{}".getBytes(StandardCharsets.UTF_8), stream).join().body());

        assertThat(call.tokens()).contains(new RequestTrace.Tokens(9, 49, 58, 41, 0));
        assertThat(call.finishReason()).contains("STOP");
        assertThat(call.modelSent()).contains(MODEL);
        assertThat(stream.tokens()).contains(new RequestTrace.Tokens(8, 4, 12));
        assertThat(stream.finishReason()).contains("STOP");
        assertThat(stream.stream()).contains(true);
    }
}
