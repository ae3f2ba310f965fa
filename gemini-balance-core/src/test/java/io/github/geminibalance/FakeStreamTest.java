package io.github.geminibalance;

import static io.github.geminibalance.GeminiBalanceTest.collect;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.config.AnswerSettings;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.ChatMessage;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code FAKE_STREAM_ENABLED} in the core: the stream is handed over before Gemini answers, carries its
 * keep-alive interval, and delivers the non-streamed answer (retried on another key like any call) as the
 * door's events, or a failure as the door's error event.
 */
class FakeStreamTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String BAD = "AIzaSyFAKE-stream-key-000000000001";
    private static final String GOOD = "AIzaSyFAKE-stream-key-000000000002";

    static FakeGemini fake;
    GeminiBalance gb;

    @BeforeAll
    static void startFake() {
        fake = FakeGemini.start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
    }

    @AfterEach
    void close() {
        if (gb != null) {
            gb.close();
        }
    }

    private GeminiBalance balance(List<String> keys) {
        AnswerSettings fakeStreams = new AnswerSettings(List.of(), false, List.of(), true, true, true,
                Duration.ofSeconds(7));
        gb = GeminiBalance.builder(GeminiBalanceConfig.builder().apiKeys(keys).baseUrl(fake.baseUrl())
                .answers(fakeStreams).build()).scheduleKeyChecks(false).build();
        return gb;
    }

    private static ChatCompletionRequest hello() {
        return ChatCompletionRequest.of(MODEL, List.of(ChatMessage.of("user", "Hello"))).withStream(true, true);
    }

    @Test
    void theAnswerComesAsChunksFromOneNonStreamedCallRetriedOnAnotherKey() throws Exception {
        fake.error(MODEL, BAD, GeminiErrorKind.INTERNAL_500);
        fake.generateContent(MODEL, GOOD, GeminiFixtures.textResponse("The capital is Canberra."));
        GeminiBalance balance = balance(List.of(BAD, GOOD));

        ChatStream stream = balance.chatStream(hello()).join();
        assertThat(stream.heartbeat()).contains(Duration.ofSeconds(7));
        List<String> data = collect(stream.sseData());

        assertThat(String.join("", data)).contains("Canberra").contains("\"finish_reason\":\"stop\"")
                .contains("\"usage\"");
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        assertThat(fake.keysUsed()).containsExactly(BAD, GOOD);
        assertThat(fake.requestBodies(MODEL, "streamGenerateContent")).isEmpty();
        assertThat(balance.keyStatus()).allSatisfy(k -> assertThat(k.inFlight()).isZero());
    }

    @Test
    void aFailureAfterTheHandOverIsTheStreamsErrorEvent() throws Exception {
        fake.error(MODEL, BAD, GeminiErrorKind.INTERNAL_500);
        GeminiBalance balance = balance(List.of(BAD));

        List<String> data = collect(balance.chatStream(hello()).join().sseData());

        assertThat(data).hasSize(2);
        assertThat(data.get(0)).startsWith("{\"error\":{");
        assertThat(data.get(1)).isEqualTo("[DONE]");
    }

    @Test
    void aRealStreamHasNoHeartbeatOfItsOwn() throws Exception {
        fake.streamGenerateContent(MODEL, null, GeminiFixtures.textStream("real"));
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(List.of(GOOD)).baseUrl(fake.baseUrl()).build();
        gb = GeminiBalance.builder(config).scheduleKeyChecks(false).build();

        ChatStream stream = gb.chatStream(hello()).join();
        assertThat(stream.heartbeat()).isEmpty();
        assertThat(String.join("", collect(stream.sseData()))).contains("real");
    }
}
