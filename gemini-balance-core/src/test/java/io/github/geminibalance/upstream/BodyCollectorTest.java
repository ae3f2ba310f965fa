package io.github.geminibalance.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.testing.Capture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class BodyCollectorTest {

    /** A subscription that records what is asked of it. */
    static final class Recording implements Flow.Subscription {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void request(long n) {
            calls.add("request " + n);
        }

        @Override
        public void cancel() {
            calls.add("cancel");
        }
    }

    @Test
    void collectsTheWholeBody() {
        Capture<List<ByteBuffer>> body = new Capture<>();
        CompletableFuture<byte[]> result = BodyCollector.collect(body, 1024);
        Flow.Subscriber<List<ByteBuffer>> s = body.subscriber();
        Recording subscription = new Recording();

        s.onSubscribe(subscription);
        s.onNext(List.of(bytes("ab"), bytes("c")));
        s.onNext(List.of(bytes("d")));
        s.onComplete();

        assertThat(result.join()).isEqualTo("abcd".getBytes(StandardCharsets.UTF_8));
        assertThat(subscription.calls).containsExactly("request " + Long.MAX_VALUE);
    }

    @Test
    void anErrorFromTheBodyDoesNotCancelItsSubscriptionFromInsideOnError() {
        // rule 2.3, found by the TCK: failing the result ran the cancel-on-failure hook inside onError
        Capture<List<ByteBuffer>> body = new Capture<>();
        CompletableFuture<byte[]> result = BodyCollector.collect(body, 1024);
        Flow.Subscriber<List<ByteBuffer>> s = body.subscriber();
        Recording subscription = new Recording();

        s.onSubscribe(subscription);
        s.onError(new IOException("connection reset"));

        assertThat(result).isCompletedExceptionally();
        assertThat(subscription.calls).containsExactly("request " + Long.MAX_VALUE);
    }

    @Test
    void aCallerThatGivesUpStillCancelsTheBody() {
        Capture<List<ByteBuffer>> body = new Capture<>();
        CompletableFuture<byte[]> result = BodyCollector.collect(body, 1024);
        Recording subscription = new Recording();
        body.subscriber().onSubscribe(subscription);

        result.completeExceptionally(new IOException("timed out"));

        assertThat(subscription.calls).containsExactly("request " + Long.MAX_VALUE, "cancel");
    }

    @Test
    void nullSignalsAreRejected() {
        // rule 2.13
        Capture<List<ByteBuffer>> body = new Capture<>();
        BodyCollector.collect(body, 1024);
        Flow.Subscriber<List<ByteBuffer>> s = body.subscriber();
        s.onSubscribe(new Recording());

        assertThatThrownBy(() -> s.onNext(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s.onError(null)).isInstanceOf(NullPointerException.class);
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
