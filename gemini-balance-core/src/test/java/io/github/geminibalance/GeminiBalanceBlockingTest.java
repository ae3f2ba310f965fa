package io.github.geminibalance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.EmbeddingRequest;
import io.github.geminibalance.openai.EmbeddingResponse;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The facade's blocking methods: the value, or the {@link GeminiBalanceException} itself. */
class GeminiBalanceBlockingTest {

    static final String MODEL = "gemini-2.5-flash";
    static final String KEY = "AIzaSyBLOCKING-key-00000000000000000001";

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
    void setUp() {
        fake.reset();
        gb = GeminiBalance.builder(GeminiBalanceConfig.builder().apiKeys(List.of(KEY)).baseUrl(fake.baseUrl())
                .maxRetries(1).timeout(Duration.ofSeconds(20)).build()).scheduleKeyChecks(false).build();
    }

    @AfterEach
    void tearDown() {
        gb.close();
    }

    private static ChatCompletionRequest hello() {
        return ChatCompletionRequest.builder().model(MODEL).addUserMessage("Hello").build();
    }

    @Test
    void chatBlockingReturnsTheAnswer() {
        fake.generateContent(MODEL, KEY, GeminiFixtures.textResponse("Hi there."));

        ChatCompletion answer = gb.chatBlocking(hello());

        assertThat(answer.choices().get(0).message().content()).isEqualTo("Hi there.");
    }

    @Test
    void chatBlockingThrowsTheGeminiBalanceExceptionItselfNotAWrapper() {
        fake.error(MODEL, KEY, GeminiErrorKind.MODEL_NOT_FOUND_404);

        assertThatThrownBy(() -> gb.chatBlocking(hello()))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .satisfies(e -> {
                    GeminiBalanceException g = (GeminiBalanceException) e;
                    assertThat(g.httpStatus()).isEqualTo(404);
                    assertThat(g.code()).contains("model_not_found");
                });
    }

    @Test
    void anInvalidRequestFailsWithoutAnUpstreamCall() {
        ChatCompletionRequest noMessages = ChatCompletionRequest.of(MODEL, List.of());

        assertThatThrownBy(() -> gb.chatBlocking(noMessages)).isInstanceOf(InvalidRequestException.class);
        assertThat(fake.requestCount()).isZero();
    }

    @Test
    void embeddingsBlockingReturnsTheVectors() {
        fake.embed("gemini-embedding-001", KEY, 4);

        EmbeddingResponse vectors = gb.embeddingsBlocking(EmbeddingRequest.builder()
                .model("gemini-embedding-001").input(List.of("a", "b")).build());

        assertThat(vectors.data()).hasSize(2);
    }

    @Test
    void modelsBlockingReturnsTheList() {
        fake.models(List.of(MODEL), 50);

        assertThat(gb.modelsBlocking().data()).extracting(m -> m.id()).contains(MODEL);
    }

    @Test
    void anInterruptedWaitRestoresTheFlagAndThrowsWithTheInterruptedCode() throws Exception {
        fake.server().stubFor(post(urlPathMatching(".*:generateContent")).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(GeminiFixtures.textResponse("late")).withFixedDelay(5_000)));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread caller = new Thread(() -> {
            try {
                gb.chatBlocking(hello());
            } catch (Throwable t) {
                thrown.set(t);
                flagAfter.set(Thread.currentThread().isInterrupted());
            } finally {
                done.countDown();
            }
        });
        caller.start();
        Thread.sleep(300);
        caller.interrupt();

        assertThat(done.await(3, TimeUnit.SECONDS)).as("the wait ends at the interrupt").isTrue();
        assertThat(thrown.get()).isInstanceOf(GeminiBalanceException.class)
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(((GeminiBalanceException) thrown.get()).code()).contains(GeminiBalance.INTERRUPTED);
        assertThat(flagAfter).isTrue();
    }

    @Test
    void awaitUnwrapsAndMapsOtherFailures() {
        GeminiBalanceException original = new GeminiBalanceException(429, "requests", "rate_limit_exceeded",
                null, Duration.ofSeconds(3), "slow down", null);

        assertThatThrownBy(() -> GeminiBalance.await(CompletableFuture.failedFuture(original))).isSameAs(original);
        assertThatThrownBy(() -> GeminiBalance.await(CompletableFuture.failedFuture(new IllegalStateException("bug"))))
                .isExactlyInstanceOf(GeminiBalanceException.class)
                .satisfies(e -> assertThat(((GeminiBalanceException) e).httpStatus()).isEqualTo(500));
        CompletableFuture<Object> cancelled = new CompletableFuture<>();
        cancelled.cancel(false);
        assertThatThrownBy(() -> GeminiBalance.await(cancelled))
                .satisfies(e -> assertThat(((GeminiBalanceException) e).code()).contains("cancelled"));
    }
}
