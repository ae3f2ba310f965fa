package io.github.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.ChatMessage;
import io.github.geminibalance.openai.EmbeddingRequest;
import io.github.geminibalance.openai.EmbeddingResponse;
import io.github.geminibalance.openai.Model;
import io.github.geminibalance.openai.ModelList;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The facade end to end against the fake Gemini: the whole pipeline, both modes, failover. */
class GeminiBalanceTest {

    static final String MODEL = "gemini-2.5-flash";
    static final String GOOD = "AIzaSyGOOD-key-000000000000000000000001";
    static final String LIMITED = "AIzaSyLIMITED-key-0000000000000000000002";
    static final String INVALID = "AIzaSyINVALID-key-0000000000000000000003";

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

    GeminiBalance balance(List<String> keys, int maxRetries) {
        GeminiBalanceConfig config = GeminiBalanceConfig.builder()
                .apiKeys(keys)
                .baseUrl(fake.baseUrl())
                .maxRetries(maxRetries)
                .streamIdleTimeout(Duration.ofSeconds(5))
                .build();
        gb = GeminiBalance.builder(config).scheduleKeyChecks(false).build();
        return gb;
    }

    static ChatCompletionRequest hello() {
        return ChatCompletionRequest.of(MODEL, List.of(ChatMessage.of("user", "Hello")));
    }

    static GeminiBalanceException failure(Throwable t) {
        Throwable c = t instanceof CompletionException ? t.getCause() : t;
        assertThat(c).isInstanceOf(GeminiBalanceException.class);
        return (GeminiBalanceException) c;
    }

    @Test
    void chatTranslatesTheAnswerAndSendsTheKeyInAHeader() {
        fake.generateContent(MODEL, GOOD, GeminiFixtures.textResponse("The capital of Australia is Canberra."));
        ChatCompletion answer = balance(List.of(GOOD), 3).chat(hello()).join();

        assertThat(answer.object()).isEqualTo("chat.completion");
        assertThat(answer.model()).isEqualTo(MODEL);
        assertThat(answer.choices()).hasSize(1);
        assertThat(answer.choices().get(0).message().content()).isEqualTo("The capital of Australia is Canberra.");
        assertThat(answer.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(answer.usage().totalTokens()).isPositive();
        assertThat(fake.keysUsed()).containsExactly(GOOD);
        assertThat(fake.server().getAllServeEvents().get(0).getRequest().getUrl()).doesNotContain(GOOD);
    }

    @Test
    void failoverFromAnInvalidAndARateLimitedKeyToAGoodOne() {
        fake.error(MODEL, INVALID, GeminiErrorKind.API_KEY_INVALID_400);
        fake.rateLimited(MODEL, LIMITED, "38s");
        fake.generateContent(MODEL, GOOD, GeminiFixtures.textResponse("ok"));
        GeminiBalance balance = balance(List.of(INVALID, LIMITED, GOOD), 3);

        for (int i = 0; i < 10; i++) {
            assertThat(balance.chat(hello()).join().choices().get(0).message().content()).isEqualTo("ok");
        }
        // the bad keys were each tried once, then left alone
        assertThat(Collections.frequency(fake.keysUsed(), INVALID)).isEqualTo(1);
        assertThat(Collections.frequency(fake.keysUsed(), LIMITED)).isEqualTo(1);
        assertThat(Collections.frequency(fake.keysUsed(), GOOD)).isEqualTo(10);
        List<KeyStatus> status = balance.keyStatus();
        assertThat(status).extracting(KeyStatus::state)
                .containsExactly(KeyState.INVALID, KeyState.COOLING, KeyState.ACTIVE);
        assertThat(status.get(1).restingUntil()).containsKey(MODEL);
        assertThat(status.toString()).doesNotContain(INVALID, LIMITED, GOOD);
    }

    @Test
    void everyKeyRateLimitedGives429WithRetryAfter() {
        fake.rateLimited(MODEL, null, "20s");
        GeminiBalance balance = balance(List.of(GOOD, LIMITED), 3);

        assertThatThrownBy(() -> balance.chat(hello()).join()).satisfies(t -> {
            GeminiBalanceException e = failure(t);
            assertThat(e.httpStatus()).isEqualTo(429);
            assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d.toSeconds()).isBetween(15L, 20L));
        });
        // a second request does not even reach Gemini: both keys rest
        int before = fake.requestCount();
        assertThatThrownBy(() -> balance.chat(hello()).join())
                .satisfies(t -> assertThat(failure(t).httpStatus()).isEqualTo(429));
        assertThat(fake.requestCount()).isEqualTo(before);
    }

    @Test
    void aDailyQuotaRestsTheKeyForThatModelUntilMidnightPacific() {
        java.time.Instant now = java.time.Instant.parse("2026-11-27T20:00:00Z"); // 12:00 in Los Angeles
        java.time.Clock clock = java.time.Clock.fixed(now, java.time.ZoneOffset.UTC);
        fake.error(MODEL, LIMITED, GeminiErrorKind.DAILY_QUOTA_429);
        fake.generateContent(MODEL, GOOD, GeminiFixtures.textResponse("ok"));
        fake.generateContent("gemini-2.0-flash", LIMITED, GeminiFixtures.textResponse("other model"));
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(List.of(LIMITED, GOOD))
                .baseUrl(fake.baseUrl()).build();
        gb = GeminiBalance.builder(config).clock(clock).scheduleKeyChecks(false).build();

        assertThat(gb.chat(hello()).join().choices().get(0).message().content()).isEqualTo("ok");
        KeyStatus limited = gb.keyStatus().get(0);
        assertThat(limited.state()).isEqualTo(KeyState.EXHAUSTED);
        // midnight in Los Angeles = 08:00 UTC the next day, not the 47 s of the RetryInfo
        assertThat(limited.restingUntil()).containsEntry(MODEL, java.time.Instant.parse("2026-11-28T08:00:00Z"));
        // the same key still serves another model
        assertThat(gb.chat(ChatCompletionRequest.of("gemini-2.0-flash", List.of(ChatMessage.of("user", "x"))))
                .join().choices().get(0).message().content()).isEqualTo("other model");
    }

    @Test
    void clientErrorsAreNotRetriedAndDoNotCountAgainstTheKey() {
        fake.error(MODEL, null, GeminiErrorKind.BAD_REQUEST_400);
        GeminiBalance balance = balance(List.of(GOOD, LIMITED), 3);

        assertThatThrownBy(() -> balance.chat(hello()).join())
                .satisfies(t -> assertThat(failure(t).httpStatus()).isEqualTo(400));
        assertThat(fake.requestCount()).isEqualTo(1);
        assertThat(balance.keyStatus()).allSatisfy(s -> {
            assertThat(s.state()).isEqualTo(KeyState.ACTIVE);
            assertThat(s.consecutiveFailures()).isZero();
        });
    }

    @Test
    void unknownModelIs404() {
        fake.error("gemini-nope", null, GeminiErrorKind.MODEL_NOT_FOUND_404);
        GeminiBalance balance = balance(List.of(GOOD), 3);
        assertThatThrownBy(() -> balance.chat(ChatCompletionRequest.of("gemini-nope",
                List.of(ChatMessage.of("user", "x")))).join()).satisfies(t -> {
                    GeminiBalanceException e = failure(t);
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.code()).hasValue("model_not_found");
                });
    }

    @Test
    void serverErrorsAreRetriedOnAnotherKeyAndCounted() {
        fake.error(MODEL, LIMITED, GeminiErrorKind.UNAVAILABLE_503);
        fake.generateContent(MODEL, GOOD, GeminiFixtures.textResponse("ok"));
        GeminiBalance balance = balance(List.of(LIMITED, GOOD), 3);

        assertThat(balance.chat(hello()).join().choices().get(0).message().content()).isEqualTo("ok");
        assertThat(balance.keyStatus().get(0).consecutiveFailures()).isEqualTo(1);
        assertThat(balance.keyStatus().get(0).lastErrorStatus()).isEqualTo(503);
    }

    @Test
    void anEmptyAnswerIsASoftFailureRetriedOnAnotherKey() {
        fake.generateContent(MODEL, LIMITED, GeminiFixtures.emptyCandidates());
        fake.generateContent(MODEL, GOOD, GeminiFixtures.textResponse("ok"));
        GeminiBalance balance = balance(List.of(LIMITED, GOOD), 3);

        assertThat(balance.chat(hello()).join().choices().get(0).message().content()).isEqualTo("ok");
        assertThat(fake.keysUsed()).containsExactly(LIMITED, GOOD);
    }

    @Test
    void emptyTextWithoutAFinishReasonIsASoftFailure() {
        fake.generateContent(MODEL, LIMITED, "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\"}],"
                + "\"role\": \"model\"},\"index\": 0}],\"modelVersion\": \"gemini-2.5-flash\"}");
        fake.generateContent(MODEL, GOOD, GeminiFixtures.textResponse("ok"));
        GeminiBalance balance = balance(List.of(LIMITED, GOOD), 3);

        assertThat(balance.chat(hello()).join().choices().get(0).message().content()).isEqualTo("ok");
        assertThat(fake.keysUsed()).containsExactly(LIMITED, GOOD);
        assertThat(balance.keyStatus().get(0).consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void aBlockedPromptIsAnAnswerNotARetry() {
        fake.generateContent(MODEL, null, GeminiFixtures.blockedPrompt());
        GeminiBalance balance = balance(List.of(GOOD, LIMITED), 3);
        ChatCompletion answer = balance.chat(hello()).join();
        assertThat(answer.choices().get(0).finishReason()).isEqualTo("content_filter");
        assertThat(answer.choices().get(0).message().refusal()).contains("PROHIBITED_CONTENT");
        assertThat(fake.requestCount()).isEqualTo(1);
    }

    @Test
    void exhaustedRetriesOnServerErrorsGive503WithGeminisMessage() {
        fake.error(MODEL, null, GeminiErrorKind.UNAVAILABLE_503);
        GeminiBalance balance = balance(List.of(GOOD, LIMITED, INVALID), 2);
        assertThatThrownBy(() -> balance.chat(hello()).join()).satisfies(t -> {
            GeminiBalanceException e = failure(t);
            assertThat(e.httpStatus()).isEqualTo(503);
            assertThat(e.getMessage()).contains("overloaded");
        });
        assertThat(fake.requestCount()).isEqualTo(2);
    }

    @Test
    void suspendedKeyMessageNeverShowsTheKey() {
        fake.error(MODEL, null, GeminiErrorKind.CONSUMER_SUSPENDED_403);
        GeminiBalance balance = balance(List.of(GOOD), 1);
        assertThatThrownBy(() -> balance.chat(hello()).join()).satisfies(t -> {
            GeminiBalanceException e = failure(t);
            assertThat(e.httpStatus()).isEqualTo(503);
            assertThat(e.getMessage()).doesNotContain(GOOD);
        });
    }

    @Test
    void streamRelaysChunksAndEndsWithDone() throws Exception {
        fake.streamGenerateContent(MODEL, GOOD, GeminiFixtures.textStream("Rayleigh", " scattering", " wins."));
        GeminiBalance balance = balance(List.of(GOOD), 3);
        ChatStream stream = balance.chatStream(hello().withStream(true, true)).join();

        List<String> data = collect(stream.sseData());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        StringBuilder content = new StringBuilder();
        String finish = null;
        boolean usageChunk = false;
        for (String d : data.subList(0, data.size() - 1)) {
            ChatCompletionChunk chunk = Json.mapper().readValue(d, ChatCompletionChunk.class);
            assertThat(chunk.object()).isEqualTo("chat.completion.chunk");
            if (chunk.choices().isEmpty()) {
                usageChunk = chunk.usage() != null;
                continue;
            }
            if (chunk.choices().get(0).delta().content() != null) {
                content.append(chunk.choices().get(0).delta().content());
            }
            if (chunk.choices().get(0).finishReason() != null) {
                finish = chunk.choices().get(0).finishReason();
            }
        }
        assertThat(content.toString()).isEqualTo("Rayleigh scattering wins.");
        assertThat(finish).isEqualTo("stop");
        assertThat(usageChunk).isTrue();
        assertThat(balance.keyStatus().get(0).inFlight()).isZero();
    }

    @Test
    void streamFailureBeforeTheFirstChunkIsRetriedOnAnotherKey() throws Exception {
        fake.error(MODEL, LIMITED, GeminiErrorKind.INTERNAL_500);
        fake.streamGenerateContent(MODEL, GOOD, GeminiFixtures.textStream("fine"));
        GeminiBalance balance = balance(List.of(LIMITED, GOOD), 3);

        List<String> data = collect(balance.chatStream(hello().withStream(true, false)).join().sseData());
        assertThat(String.join("", data)).contains("fine").endsWith("[DONE]");
        assertThat(fake.keysUsed()).containsExactly(LIMITED, GOOD);
    }

    @Test
    void streamThatEndsEmptyIsRetried() throws Exception {
        fake.streamGenerateContentRaw(MODEL, LIMITED, "");
        fake.streamGenerateContent(MODEL, GOOD, GeminiFixtures.textStream("second key"));
        GeminiBalance balance = balance(List.of(LIMITED, GOOD), 3);

        List<String> data = collect(balance.chatStream(hello().withStream(true, false)).join().sseData());
        assertThat(String.join("", data)).contains("second key");
    }

    @Test
    void streamRejectedOnEveryKeyFailsTheFutureNotTheStream() {
        fake.rateLimited(MODEL, null, "5s");
        GeminiBalance balance = balance(List.of(GOOD), 3);
        assertThatThrownBy(() -> balance.chatStream(hello().withStream(true, false)).join())
                .satisfies(t -> assertThat(failure(t).httpStatus()).isEqualTo(429));
    }

    @Test
    void streamErrorAfterTheFirstChunkBecomesAnErrorEventThenDone() throws Exception {
        List<String> events = new ArrayList<>(GeminiFixtures.textStream("partial"));
        events.set(events.size() - 1, GeminiFixtures.inStreamError());
        fake.streamGenerateContent(MODEL, GOOD, List.of(
                GeminiFixtures.textStream("partial", " more").get(0), GeminiFixtures.inStreamError()));
        GeminiBalance balance = balance(List.of(GOOD, LIMITED), 3);

        List<String> data = collect(balance.chatStream(hello().withStream(true, false)).join().sseData());
        assertThat(data.get(0)).contains("\"role\":\"assistant\"");
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        String error = data.get(data.size() - 2);
        assertThat(Json.mapper().readTree(error).path("error").path("message").asText()).isNotEmpty();
        // no replay on another key once bytes were committed
        assertThat(fake.keysUsed()).containsExactly(GOOD);
        assertThat(String.join("", data)).containsOnlyOnce("partial");
    }

    @Test
    void streamCutBeforeAFinishReasonEndsWithAnErrorEvent() throws Exception {
        fake.streamGenerateContent(MODEL, GOOD, List.of(GeminiFixtures.textStream("cut", " here").get(0)));
        GeminiBalance balance = balance(List.of(GOOD), 3);
        List<String> data = collect(balance.chatStream(hello().withStream(true, false)).join().sseData());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        assertThat(data.get(data.size() - 2)).contains("\"error\"");
        assertThat(balance.keyStatus().get(0).consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void aCallerThatGivesUpOnAStreamReleasesTheKey() throws Exception {
        fake.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock
                .post(com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(
                        "/v1beta/models/" + MODEL + ":streamGenerateContent"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                        .withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(GeminiFixtures.sseBody(GeminiFixtures.textStream("slow")))
                        .withFixedDelay(400)));
        GeminiBalance balance = balance(List.of(GOOD), 3);
        var future = balance.chatStream(hello().withStream(true, false));
        org.junit.jupiter.api.Assumptions.assumeTrue(future.cancel(true), "the answer arrived before the cancel");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (balance.keyStatus().get(0).inFlight() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(balance.keyStatus().get(0).inFlight()).as("the key went back to the pool").isZero();
        assertThat(balance.keyStatus().get(0).consecutiveFailures()).isZero();
    }

    @Test
    void aReaderThatPausesLongerThanTheIdleTimeoutIsNotCut() throws Exception {
        fake.streamGenerateContent(MODEL, GOOD, GeminiFixtures.textStream("one", " two", " three"));
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(List.of(GOOD))
                .baseUrl(fake.baseUrl())
                .streamIdleTimeout(Duration.ofMillis(300)).build();
        gb = GeminiBalance.builder(config).scheduleKeyChecks(false).build();
        ChatStream stream = gb.chatStream(hello().withStream(true, false)).join();

        List<String> data = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        stream.sseData().subscribe(new Flow.Subscriber<String>() {
            Flow.Subscription s;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                s = subscription;
                s.request(1);
            }

            @Override
            public void onNext(String item) {
                data.add(item);
                // a slow client: each read comes 3x the idle timeout later
                java.util.concurrent.CompletableFuture.delayedExecutor(900, TimeUnit.MILLISECONDS)
                        .execute(() -> s.request(1));
            }

            @Override
            public void onError(Throwable t) {
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(String.join("", data)).contains("three").doesNotContain("\"error\"").endsWith("[DONE]");
        assertThat(gb.keyStatus().get(0).consecutiveFailures()).isZero();
    }

    @Test
    void embeddingsBatchByHundredKeepOrderAndHonourBase64() {
        fake.embed("gemini-embedding-001", null, 8);
        GeminiBalance balance = balance(List.of(GOOD, LIMITED), 3);
        var input = Json.mapper().createArrayNode();
        for (int i = 0; i < 205; i++) {
            input.add("text " + i);
        }
        EmbeddingResponse floats = balance.embeddings(
                new EmbeddingRequest("gemini-embedding-001", input, null, null, null)).join();
        assertThat(floats.data()).hasSize(205);
        assertThat(floats.data()).extracting(EmbeddingResponse.Embedding::index)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 205).boxed().toList());
        float[] expected42 = toFloats(FakeGemini.embeddingValues("text 42", 8));
        assertThat((float[]) floats.data().get(42).embedding()).containsExactly(expected42);
        assertThat(fake.requestBodies("gemini-embedding-001", "batchEmbedContents")).hasSize(3);

        EmbeddingResponse b64 = balance.embeddings(new EmbeddingRequest("gemini-embedding-001",
                Json.mapper().getNodeFactory().textNode("text 42"), "base64", null, null)).join();
        byte[] raw = java.util.Base64.getDecoder().decode((String) b64.data().get(0).embedding());
        java.nio.FloatBuffer fb = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] decoded = new float[fb.remaining()];
        fb.get(decoded);
        assertThat(decoded).containsExactly(expected42);
    }

    @Test
    void embeddingsRejectTokenArrays() {
        GeminiBalance balance = balance(List.of(GOOD), 3);
        var tokens = Json.mapper().createArrayNode().add(1).add(2);
        assertThatThrownBy(() -> balance.embeddings(new EmbeddingRequest("gemini-embedding-001", tokens, null, null,
                null)).join()).satisfies(t -> {
                    assertThat(failure(t).httpStatus()).isEqualTo(400);
                    assertThat(failure(t).param()).hasValue("input");
                });
        assertThat(fake.requestCount()).isZero();
    }

    @Test
    void modelsFollowEveryPageAndAddSearchVariants() {
        fake.models(List.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-embedding-001", "gemma-3-27b-it",
                "gemini-2.0-flash"), 2);
        ModelList list = balance(List.of(GOOD), 3).models().join();
        assertThat(list.object()).isEqualTo("list");
        assertThat(list.data()).extracting(Model::id).contains("gemini-2.5-flash", "gemini-2.5-flash-search",
                "gemini-2.5-pro-search", "gemini-embedding-001", "gemma-3-27b-it", "gemini-2.0-flash")
                .doesNotContain("gemini-embedding-001-search", "gemma-3-27b-it-search")
                .allSatisfy(id -> assertThat(id).doesNotStartWith("models/"));
        assertThat(list.data()).allSatisfy(m -> assertThat(m.ownedBy()).isEqualTo("google"));
    }

    private static float[] toFloats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    static <T> List<T> collect(Flow.Publisher<T> publisher) throws InterruptedException {
        List<T> items = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        publisher.subscribe(new Flow.Subscriber<T>() {
            Flow.Subscription s;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                s = subscription;
                s.request(1);
            }

            @Override
            public void onNext(T item) {
                items.add(item);
                s.request(1);
            }

            @Override
            public void onError(Throwable throwable) {
                items.add(null);
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).as("stream completed").isTrue();
        assertThat(items).doesNotContainNull();
        return items;
    }
}
