package io.github.geminibalance;

import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.ChatMessage;
import io.github.geminibalance.testing.MinimumItemsPublisherVerification;
import io.github.geminibalance.testing.RangePublisher;
import io.github.geminibalance.testing.Tck;
import io.github.geminibalance.testing.TckScheduler;
import io.github.geminibalance.spi.HttpTransport;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;

/**
 * The TCK over the publishers the facade hands to its callers, each built end to end over a transport
 * whose body is a {@link RangePublisher}: the native passthrough body ({@link GeminiBalance#forward}),
 * the chat stream's chunks ({@link ChatStream}) and its SSE payloads ({@link ChatStream#sseData()}).
 */
public final class GeminiBalanceTckTest {

    private GeminiBalanceTckTest() {}

    static final String MODEL = "gemini-2.5-flash";

    /** A facade whose every call to Gemini answers 200 with {@code body}. */
    static GeminiBalance balance(java.util.function.Supplier<Flow.Publisher<List<ByteBuffer>>> body, String contentType) {
        HttpTransport transport = request -> CompletableFuture.completedFuture(
                new HttpTransport.Response(200, contentType, body.get()));
        GeminiBalanceConfig config = GeminiBalanceConfig.builder()
                .apiKeys(List.of("AIzaSyGOOD-key-000000000000000000000001"))
                .baseUrl(URI.create("http://gemini.invalid/v1beta"))
                // far above the TCK's waits: a TCK subscriber that pauses is not Gemini stalling
                .streamIdleTimeout(Duration.ofSeconds(30))
                .build();
        return GeminiBalance.builder(config).transport(transport).scheduler(TckScheduler.get())
                .scheduleKeyChecks(false).build();
    }

    static List<ByteBuffer> read(String text) {
        return List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** One Gemini SSE event with one text part; the last one carries the finish reason. */
    static List<ByteBuffer> textEvent(long i, boolean last) {
        return read("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"w" + i + " \"}],\"role\":\"model\"},"
                + (last ? "\"finishReason\":\"STOP\"," : "") + "\"index\":0}]}\r\n\r\n");
    }

    /** {@link GeminiBalance#forward}: the body, one buffer per transport read. */
    public static class ForwardBodyTckTest extends FlowPublisherVerification<ByteBuffer> {
        private final ThreadLocal<Flow.Publisher<List<ByteBuffer>>> next = new ThreadLocal<>();
        private final GeminiBalance balance = balance(next::get, "application/json");

        public ForwardBodyTckTest() {
            super(Tck.environment(), Tck.GC_TIMEOUT_MILLIS);
        }

        @AfterClass
        public void close() {
            balance.close();
        }

        @Override
        public Flow.Publisher<ByteBuffer> createFlowPublisher(long elements) {
            return forward(RangePublisher.of(elements, i -> read("{\"n\":" + i + "}")));
        }

        @Override
        public Flow.Publisher<ByteBuffer> createFailedFlowPublisher() {
            return forward(RangePublisher.failing(0, i -> read(""), new IOException("connection reset")));
        }

        private Flow.Publisher<ByteBuffer> forward(Flow.Publisher<List<ByteBuffer>> body) {
            next.set(body);
            try {
                return balance.forward("POST", "models/" + MODEL + ":countTokens", null, new byte[] {'{', '}'})
                        .join().body();
            } finally {
                next.remove();
            }
        }
    }

    /** The chat stream's chunks: a role chunk, one content chunk per Gemini event, the finish chunk. */
    public static class ChatStreamTckTest extends MinimumItemsPublisherVerification<ChatCompletionChunk> {
        private final ThreadLocal<Flow.Publisher<List<ByteBuffer>>> next = new ThreadLocal<>();
        private final GeminiBalance balance = balance(next::get, "text/event-stream");

        public ChatStreamTckTest() {
            super(3);
        }

        @AfterClass
        public void close() {
            balance.close();
        }

        @Override
        protected Flow.Publisher<ChatCompletionChunk> create(long elements) {
            return stream(balance, next, elements);
        }

        @Override
        protected String whyNoShorterStream() {
            return "a chat stream has a role chunk, at least one content chunk and a finish chunk";
        }

        /** None: a chat stream exists once its first chunk is there (see {@code PrimedTckTest}). */
        @Override
        public Flow.Publisher<ChatCompletionChunk> createFailedFlowPublisher() {
            return null;
        }
    }

    /**
     * {@link ChatStream#sseData()} over a chunk publisher of any length: each chunk as JSON, then
     * {@code [DONE]}. (The chunks of a real stream are verified end to end by {@link ChatStreamTckTest};
     * building them directly lets this run with as few as one payload.)
     */
    public static class SseDataTckTest extends MinimumItemsPublisherVerification<String> {

        public SseDataTckTest() {
            super(1);
        }

        @Override
        protected Flow.Publisher<String> create(long elements) {
            long chunks = elements == Long.MAX_VALUE ? elements : elements - 1;
            return new ChatPipeline.DefaultChatStream(RangePublisher.of(chunks, SseDataTckTest::chunk), RequestTrace.none()).sseData();
        }

        private static ChatCompletionChunk chunk(long i) {
            return new ChatCompletionChunk("chatcmpl-tck", ChatCompletionChunk.OBJECT, 0, MODEL,
                    List.of(new ChatCompletionChunk.Choice(0, new ChatCompletionChunk.Delta(null, "w" + i, null, null,
                            null, null), null, null)), null);
        }

        @Override
        protected String whyNoShorterStream() {
            return "the SSE payloads always end with [DONE]";
        }

        /**
         * None, by design: {@code sseData()} turns a failure into an OpenAI error payload and
         * {@code [DONE]}, then completes, because the HTTP status has long been sent. It never
         * signals {@code onError} for a failed stream (only for a subscriber's own mistake, rule 3.9).
         */
        @Override
        public Flow.Publisher<String> createFailedFlowPublisher() {
            return null;
        }
    }

    /** A chat stream of exactly {@code chunks} chunks (at least 3; {@link Long#MAX_VALUE}: endless). */
    static ChatStream stream(GeminiBalance balance, ThreadLocal<Flow.Publisher<List<ByteBuffer>>> next, long chunks) {
        long events = chunks == Long.MAX_VALUE ? Long.MAX_VALUE : chunks - 2;
        next.set(RangePublisher.of(events, i -> textEvent(i, i == events - 1)));
        try {
            return balance.chatStream(ChatCompletionRequest.of(MODEL, List.of(ChatMessage.of("user", "Hello")))
                    .withStream(true, false)).join();
        } finally {
            next.remove();
        }
    }
}
