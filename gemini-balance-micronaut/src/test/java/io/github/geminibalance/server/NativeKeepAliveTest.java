package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.NativeResponse;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * {@code STREAM_KEEPALIVE_SECONDS} on the native routes: an {@code alt=sse} stream silent for the interval
 * gets {@code : keep-alive} between two whole events; Gemini's JSON-array stream gets none.
 */
class NativeKeepAliveTest {

    private static final String FIRST = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\"}]}}]}\r\n\r\n";
    private static final String SECOND = "data: {\"candidates\": [{\"finishReason\": \"STOP\"}]}\r\n\r\n";

    private final TestClockFactory.MovableClock clock = new TestClockFactory.MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SseKeepAliveTest.ManualScheduler scheduler = new SseKeepAliveTest.ManualScheduler();
    private final SseResponses sse = new SseResponses(new SseKeepAlive(scheduler, clock), ServerSettings.defaults());
    private final NativeRelay relay = new NativeRelay(() -> new KeyScrubber(List.of("AIzaSyTEST-only-key-0001")),
            NativeErrors::body, sse::keepAlive);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** Gemini's body, fed by the test. */
    private static final class Body implements Flow.Publisher<ByteBuffer>, Flow.Subscription {
        Flow.Subscriber<? super ByteBuffer> subscriber;
        long requested;

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
            subscriber = s;
            s.onSubscribe(this);
        }

        @Override
        public synchronized void request(long n) {
            requested += n;
        }

        @Override
        public void cancel() {}

        void send(String text) {
            assertThat(requested).isPositive();
            requested--;
            subscriber.onNext(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** What the client gets, as it arrives. */
    private static final class Client implements Subscriber<byte[]> {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CompletableFuture<String> done = new CompletableFuture<>();

        @Override
        public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public synchronized void onNext(byte[] piece) {
            bytes.writeBytes(piece);
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(text());
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private Client stream(Body body, String contentType) throws Exception {
        CompletableFuture<MutableHttpResponse<byte[]>> answer = relay.answer(
                HttpRequest.POST("/v1beta/models/m:streamGenerateContent", ""), new NativeResponse(200, contentType, body),
                true);
        body.send(contentType.startsWith("text/event-stream") ? FIRST : "[{\"candidates\": []}");
        @SuppressWarnings("unchecked")
        Object raw = answer.get(10, TimeUnit.SECONDS).body();
        Publisher<byte[]> published = (Publisher<byte[]>) raw;
        Client client = new Client();
        published.subscribe(client);
        return client;
    }

    @Test
    void aSilentSseStreamGetsAKeepAliveCommentBetweenWholeEvents() throws Exception {
        Body body = new Body();
        Client client = stream(body, "text/event-stream");

        clock.advance(Duration.ofSeconds(14));
        scheduler.tick();
        assertThat(client.text()).isEqualTo(FIRST);
        clock.advance(Duration.ofSeconds(1));
        scheduler.tick();
        assertThat(client.text()).isEqualTo(FIRST + ": keep-alive\n\n");

        body.send(SECOND);
        body.subscriber.onComplete();
        assertThat(client.done.get(10, TimeUnit.SECONDS)).isEqualTo(FIRST + ": keep-alive\n\n" + SECOND);
    }

    @Test
    void aJsonArrayStreamGetsNone() throws Exception {
        Body body = new Body();
        Client client = stream(body, "application/json");

        clock.advance(Duration.ofSeconds(60));
        scheduler.tick();
        body.send("]");
        body.subscriber.onComplete();
        assertThat(client.done.get(10, TimeUnit.SECONDS)).isEqualTo("[{\"candidates\": []}]");
        assertThat(scheduler.periodic).isEmpty();
    }
}
