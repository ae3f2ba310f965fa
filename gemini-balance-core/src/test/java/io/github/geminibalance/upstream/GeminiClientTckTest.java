package io.github.geminibalance.upstream;

import io.github.geminibalance.spi.HttpTransport;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.testing.RangePublisher;
import io.github.geminibalance.testing.Tck;
import io.github.geminibalance.testing.TckScheduler;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * The TCK over the publishers {@link GeminiClient} hands out, each over a transport body of
 * {@code elements} reads: the passthrough body ({@link GeminiClient#exchange}, the idle-timed stage)
 * and the SSE event data ({@link GeminiClient#streamGenerateContent}, the SSE stage).
 */
public final class GeminiClientTckTest {

    private GeminiClientTckTest() {}

    static final ApiKey KEY = new ApiKey("AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqx9Q4");

    /** A client whose every call answers 200 with {@code body}. */
    static GeminiClient client(Flow.Publisher<List<ByteBuffer>> body, String contentType) {
        // the idle timeout is far above the TCK's waits: a TCK subscriber that pauses is not Gemini stalling
        return client(body, contentType, Duration.ofSeconds(30));
    }

    static GeminiClient client(Flow.Publisher<List<ByteBuffer>> body, String contentType, Duration idleTimeout) {
        HttpTransport transport = request -> CompletableFuture.completedFuture(
                new HttpTransport.Response(200, contentType, body));
        return new GeminiClient(transport, URI.create("http://gemini.invalid/v1beta"), Duration.ofSeconds(5),
                idleTimeout, TckScheduler.get());
    }

    /** A body that never sends anything: Gemini stalled. */
    static Flow.Publisher<List<ByteBuffer>> stalled() {
        return s -> s.onSubscribe(new Flow.Subscription() {
            @Override public void request(long n) {}
            @Override public void cancel() {}
        });
    }

    static List<ByteBuffer> read(String text) {
        return List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * {@link GeminiClient#exchange}: one buffer list per transport read. Its failed form is a stalled
     * body ended by the idle timer, so the error comes from the timer's thread.
     */
    public static class ExchangeBodyTckTest extends FlowPublisherVerification<List<ByteBuffer>> {

        public ExchangeBodyTckTest() {
            super(Tck.environment(), Tck.GC_TIMEOUT_MILLIS);
        }

        @Override
        public Flow.Publisher<List<ByteBuffer>> createFlowPublisher(long elements) {
            return exchange(RangePublisher.of(elements, i -> read("{\"n\":" + i + "}")));
        }

        @Override
        public Flow.Publisher<List<ByteBuffer>> createFailedFlowPublisher() {
            return exchange(client(stalled(), "application/json", Duration.ofMillis(50)));
        }

        private static Flow.Publisher<List<ByteBuffer>> exchange(Flow.Publisher<List<ByteBuffer>> body) {
            return exchange(client(body, "application/json"));
        }

        private static Flow.Publisher<List<ByteBuffer>> exchange(GeminiClient client) {
            return client.exchange(KEY, "POST", "/models/gemini-2.5-flash:countTokens", new byte[] {'{', '}'}, null)
                    .join().body();
        }
    }

    /** {@link GeminiClient#streamGenerateContent}: one SSE event per transport read. */
    public static class StreamEventsTckTest extends FlowPublisherVerification<String> {

        public StreamEventsTckTest() {
            super(Tck.environment(), Tck.GC_TIMEOUT_MILLIS);
        }

        @Override
        public Flow.Publisher<String> createFlowPublisher(long elements) {
            return events(RangePublisher.of(elements, i -> read("data: {\"n\":" + i + "}\r\n\r\n")));
        }

        @Override
        public Flow.Publisher<String> createFailedFlowPublisher() {
            return events(RangePublisher.failing(0, i -> read(""), new IOException("connection reset")));
        }

        private static Flow.Publisher<String> events(Flow.Publisher<List<ByteBuffer>> body) {
            return client(body, "text/event-stream")
                    .streamGenerateContent(KEY, "gemini-2.5-flash", new byte[] {'{', '}'}).join();
        }
    }
}
