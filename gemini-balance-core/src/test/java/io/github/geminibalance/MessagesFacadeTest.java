package io.github.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.anthropic.CountTokensResponse;
import io.github.geminibalance.anthropic.MessageRequest;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The facade's Anthropic Messages calls beyond the conformance cases: {@code count_tokens}, the SSE
 * framing of a stream (and its error event), the request trace, and {@code MODEL_ALIASES} on the chat
 * and native doors.
 */
class MessagesFacadeTest {

    private static final String KEY = "AIzaSyFACADE-test-key-00000000000000000001";

    private FakeGemini fake;
    private GeminiBalance gb;

    @BeforeEach
    void start() {
        fake = FakeGemini.start();
        gb = GeminiBalance.builder(GeminiBalanceConfig.builder().apiKeys(List.of(KEY)).baseUrl(fake.baseUrl())
                .streamIdleTimeout(Duration.ofSeconds(10))
                .modelAliases(Map.of("claude-sonnet-4-5", "gemini-2.5-pro")).build())
                .scheduleKeyChecks(false).build();
    }

    @AfterEach
    void stop() {
        gb.close();
        fake.close();
    }

    private static MessageRequest request(String json) throws Exception {
        return Json.mapper().readValue(json, MessageRequest.class);
    }

    @Test
    void countTokensAsksGeminiWithTheTranslatedPromptAndTools() throws Exception {
        fake.countTokens("gemini-2.5-pro", null, 37);
        MessageRequest request = request("""
                {"model":"claude-sonnet-4-5","system":"Be brief.",
                 "tools":[{"name":"f","description":"d","input_schema":{"type":"object","properties":{"a":{"type":"string"}}}}],
                 "messages":[{"role":"user","content":"Hello"}]}""");

        CountTokensResponse count = gb.countTokens(request).get(10, TimeUnit.SECONDS);

        assertThat(count.inputTokens()).isEqualTo(37);
        List<JsonNode> bodies = fake.requestBodies("gemini-2.5-pro", "countTokens");
        assertThat(bodies).hasSize(1);
        JsonNode inner = bodies.get(0).get("generateContentRequest");
        assertThat(inner.path("model").asText()).isEqualTo("models/gemini-2.5-pro");
        assertThat(inner.path("contents").get(0).path("parts").get(0).path("text").asText()).isEqualTo("Hello");
        assertThat(inner.path("systemInstruction").path("parts").get(0).path("text").asText()).isEqualTo("Be brief.");
        assertThat(inner.path("tools").get(0).path("functionDeclarations").get(0).path("name").asText()).isEqualTo("f");
        assertThat(inner.has("generationConfig")).isFalse();
        assertThat(inner.has("safetySettings")).isFalse();
        assertThat(Json.mapper().writeValueAsString(count)).isEqualTo("{\"input_tokens\":37}");
    }

    @Test
    void countTokensOfABadRequestNeverCallsGemini() throws Exception {
        Throwable failure = catchThrowable(() -> gb.countTokens(request("{\"model\":\"gemini-2.5-pro\",\"messages\":[]}"))
                .get(10, TimeUnit.SECONDS));

        assertThat(failure).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidRequestException.class);
        assertThat(fake.requestCount()).isZero();
    }

    @Test
    void theStreamIsFramedAsNamedServerSentEventsAndNotedInTheTrace() throws Exception {
        fake.streamGenerateContent("gemini-2.5-flash", null, List.of(
                "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":1,\"totalTokenCount\":4},\"responseId\":\"abc\"}"));
        RequestTrace trace = RequestTrace.start(System::nanoTime);

        MessageStream stream = gb.messagesStream(request(
                "{\"model\":\"gemini-2.5-flash\",\"max_tokens\":10,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
                trace).get(10, TimeUnit.SECONDS);
        List<MessageStream.SseFrame> frames = frames(stream.sse());

        assertThat(frames).extracting(MessageStream.SseFrame::event).containsExactly("message_start",
                "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        for (MessageStream.SseFrame frame : frames) {
            JsonNode data = Json.mapper().readTree(frame.data());
            assertThat(data.path("type").asText()).isEqualTo(frame.event());
            assertThat(frame.data()).doesNotContain("\n");
        }
        assertThat(trace.model()).contains("gemini-2.5-flash");
        assertThat(trace.stream()).contains(true);
        assertThat(trace.tokens()).contains(new RequestTrace.Tokens(3, 1, 4, 0, 0));
        assertThat(trace.attempts()).extracting(RequestTrace.Attempt::status).containsExactly(200);
    }

    @Test
    void aFailureAfterTheStreamStartedIsTheLastEventAnAnthropicError() throws Exception {
        String body = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}],\"role\":\"model\"},\"index\":0}]}\r\n\r\n"
                + "data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\",\"status\":\"UNAVAILABLE\"}}\r\n\r\n";
        fake.streamGenerateContentRaw("gemini-2.5-flash", null, body);

        MessageStream stream = gb.messagesStream(request(
                "{\"model\":\"gemini-2.5-flash\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .get(10, TimeUnit.SECONDS);
        List<MessageStream.SseFrame> frames = frames(stream.sse());

        MessageStream.SseFrame last = frames.get(frames.size() - 1);
        assertThat(last.event()).isEqualTo("error");
        JsonNode error = Json.mapper().readTree(last.data());
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(error.path("error").path("message").asText()).contains("overloaded");
        assertThat(frames).extracting(MessageStream.SseFrame::event).doesNotContain("message_stop");
    }

    @Test
    void errorsMapToAnthropicTypesAndStatuses() {
        assertThat(MessagesErrors.status(new InvalidRequestException("messages.0", "messages.0: bad"))).isEqualTo(400);
        assertThat(MessagesErrors.message(new InvalidRequestException("max_tokens", "must be at least 1")))
                .isEqualTo("max_tokens: must be at least 1");
        GeminiBalanceException overloaded = new GeminiBalanceException(503, "server_error", "upstream_error", null,
                null, "Gemini error 503", null);
        assertThat(MessagesErrors.status(overloaded)).isEqualTo(529);
        assertThat(MessagesErrors.type(overloaded)).isEqualTo("overloaded_error");
        GeminiBalanceException noKey = new GeminiBalanceException(503, "server_error", "no_usable_key", null, null,
                "no key", null);
        assertThat(MessagesErrors.status(noKey)).isEqualTo(503);
        assertThat(MessagesErrors.type(noKey)).isEqualTo("api_error");
        GeminiBalanceException limited = new GeminiBalanceException(429, "requests", "rate_limit_exceeded", null,
                Duration.ofSeconds(7), "every key is resting", null);
        assertThat(MessagesErrors.type(limited)).isEqualTo("rate_limit_error");
        assertThat(MessagesErrors.type(new GeminiBalanceException(401, "invalid_request_error", "invalid_api_key",
                null, null, "no", null))).isEqualTo("authentication_error");
        assertThat(MessagesErrors.type(new InvalidRequestException(413, null, "request_too_large", "big")))
                .isEqualTo("request_too_large");
        assertThat(MessagesErrors.type(new GeminiBalanceException(504, "server_error", "upstream_timeout", null,
                null, "slow", null))).isEqualTo("timeout_error");
        assertThat(MessagesErrors.type(new GeminiBalanceException(500, "server_error", "internal_error", null,
                null, "bug", null))).isEqualTo("api_error");
    }

    @Test
    void modelAliasesApplyToChatAndNativeCallsToo() throws Exception {
        fake.generateContent("gemini-2.5-pro", null,
                "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"ok\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}]}");
        var chat = gb.chat(io.github.geminibalance.openai.ChatCompletionRequest.builder().model("claude-sonnet-4-5")
                .addUserMessage("Hi").build()).get(10, TimeUnit.SECONDS);
        assertThat(chat.model()).isEqualTo("claude-sonnet-4-5");

        NativeResponse response = gb.forward("POST", "models/claude-sonnet-4-5:generateContent", null,
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}".getBytes(StandardCharsets.UTF_8))
                .get(10, TimeUnit.SECONDS);
        assertThat(response.status()).isEqualTo(200);
        drain(response.body());
        assertThat(fake.requestBodies("gemini-2.5-pro", "generateContent")).hasSize(2);

        Throwable unmapped = catchThrowable(() -> gb.chat(io.github.geminibalance.openai.ChatCompletionRequest.builder()
                .model("claude-opus-4-1").addUserMessage("Hi").build()).get(10, TimeUnit.SECONDS));
        assertThat(unmapped.getCause()).isInstanceOf(GeminiBalanceException.class);
        assertThat(((GeminiBalanceException) unmapped.getCause()).httpStatus()).isEqualTo(404);
        assertThat(unmapped.getCause().getMessage()).contains("MODEL_ALIASES");
    }

    @Test
    void aGeminiOverloadedBeforeTheStreamFailsTheFutureWithAMappableError() throws Exception {
        fake.error("gemini-2.5-flash", null, GeminiErrorKind.UNAVAILABLE_503);
        Throwable failure = catchThrowable(() -> gb.messagesStream(request(
                "{\"model\":\"gemini-2.5-flash\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .get(10, TimeUnit.SECONDS));
        GeminiBalanceException e = GeminiBalanceException.from(failure);
        assertThat(MessagesErrors.status(e)).isEqualTo(529);
        assertThat(MessagesErrors.body(e).error().type()).isEqualTo("overloaded_error");
    }

    @Test
    void imageAndDocumentUrlsAreFetchedAndInlinedWithTheChatPolicy() throws Exception {
        byte[] png = java.util.Base64.getDecoder().decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
        fake.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/media/cat.png").atPriority(1).willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "image/png").withBody(png)));
        fake.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/media/doc.pdf").atPriority(1).willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/pdf").withBody("%PDF-1.4")));
        fake.generateContent("gemini-2.5-flash", null,
                "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"A cat.\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}]}");
        String base = fake.baseUrl().toString().replace("/v1beta", "");
        MessageRequest request = request("""
                {"model":"gemini-2.5-flash","max_tokens":50,"messages":[{"role":"user","content":[
                 {"type":"image","source":{"type":"url","url":"%s/media/cat.png"}},
                 {"type":"document","source":{"type":"url","url":"%s/media/doc.pdf"}},
                 {"type":"text","text":"What are these?"}]}]}""".formatted(base, base));

        try (GeminiBalance loopback = GeminiBalance.builder(GeminiBalanceConfig.builder().apiKeys(List.of(KEY))
                .baseUrl(fake.baseUrl()).build()).scheduleKeyChecks(false)
                .mediaAddressPolicy(java.net.InetAddress::isLoopbackAddress).build()) {
            loopback.messages(request).get(10, TimeUnit.SECONDS);
        }

        JsonNode parts = fake.requestBodies("gemini-2.5-flash", "generateContent").get(0).at("/contents/0/parts");
        assertThat(parts.get(0).at("/inlineData/mimeType").asText()).isEqualTo("image/png");
        assertThat(java.util.Base64.getDecoder().decode(parts.get(0).at("/inlineData/data").asText())).isEqualTo(png);
        assertThat(parts.get(1).at("/inlineData/mimeType").asText()).isEqualTo("application/pdf");
        assertThat(new String(java.util.Base64.getDecoder().decode(parts.get(1).at("/inlineData/data").asText()),
                StandardCharsets.UTF_8)).isEqualTo("%PDF-1.4");
        assertThat(parts.get(2).path("text").asText()).isEqualTo("What are these?");
    }

    private static void drain(Flow.Publisher<java.nio.ByteBuffer> body) throws InterruptedException {
        frames(body);
    }

    private static <T> List<T> frames(Flow.Publisher<T> publisher) throws InterruptedException {
        List<T> items = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        publisher.subscribe(new Flow.Subscriber<T>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(T item) {
                items.add(item);
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
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        return List.copyOf(items);
    }
}
