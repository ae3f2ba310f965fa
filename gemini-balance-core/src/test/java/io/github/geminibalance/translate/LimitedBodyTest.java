package io.github.geminibalance.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The body collector of remote media: limits, the shared budget, and aborting. */
class LimitedBodyTest {

    private final AtomicLong budget = new AtomicLong(100);
    private final FakeSubscription subscription = new FakeSubscription();

    private LimitedBody body(long maxBytes) {
        LimitedBody body = new LimitedBody(maxBytes, bytes -> {
            if (budget.get() < bytes) {
                return false;
            }
            budget.addAndGet(-bytes);
            return true;
        }, limit -> new IllegalStateException("over " + limit), () -> new IllegalStateException("over budget"));
        body.onSubscribe(subscription);
        return body;
    }

    @Test
    void collectsChunksIntoOneArrayAndReservesThemFromTheBudget() {
        LimitedBody body = body(50);

        body.onNext(List.of(ByteBuffer.wrap(new byte[] {1, 2}), ByteBuffer.wrap(new byte[] {3})));
        body.onNext(List.of(ByteBuffer.wrap(new byte[] {4})));
        body.onComplete();

        assertThat(result(body)).containsExactly(1, 2, 3, 4);
        assertThat(budget).hasValue(96);
        assertThat(subscription.requested).isEqualTo(Long.MAX_VALUE);
        assertThat(subscription.cancelled).isFalse();
    }

    @Test
    void stopsTheDownloadTheMomentTheItemLimitIsPassed() {
        LimitedBody body = body(10);

        body.onNext(List.of(ByteBuffer.wrap(new byte[8])));
        body.onNext(List.of(ByteBuffer.wrap(new byte[3])));
        body.onNext(List.of(ByteBuffer.wrap(new byte[3]))); // late data after the cancel is ignored
        body.onComplete();

        assertThat(subscription.cancelled).isTrue();
        assertThatThrownBy(() -> result(body)).hasRootCauseMessage("over 10");
        assertThat(budget).hasValue(92); // the refused chunk was not reserved
    }

    @Test
    void stopsTheDownloadWhenTheSharedBudgetRunsOut() {
        budget.set(5);
        LimitedBody body = body(50);

        body.onNext(List.of(ByteBuffer.wrap(new byte[4])));
        body.onNext(List.of(ByteBuffer.wrap(new byte[4])));

        assertThat(subscription.cancelled).isTrue();
        assertThatThrownBy(() -> result(body)).hasRootCauseMessage("over budget");
    }

    @Test
    void abortCancelsTheDownloadAndFailsTheBody() {
        LimitedBody body = body(50);
        body.onNext(List.of(ByteBuffer.wrap(new byte[4])));

        body.abort(new IllegalStateException("the request failed"));
        body.onComplete();

        assertThat(subscription.cancelled).isTrue();
        assertThatThrownBy(() -> result(body)).hasRootCauseMessage("the request failed");
    }

    @Test
    void anAbortBeforeTheBodyStartsCancelsItOnSubscribe() {
        LimitedBody body = new LimitedBody(50, bytes -> true, limit -> new IllegalStateException(),
                IllegalStateException::new);
        body.abort(new IllegalStateException("early"));

        body.onSubscribe(subscription);

        assertThat(subscription.cancelled).isTrue();
        assertThat(subscription.requested).isZero();
    }

    private static byte[] result(LimitedBody body) {
        CompletableFuture<byte[]> future = body.getBody().toCompletableFuture();
        assertThat(future).isDone();
        return future.join();
    }

    private static final class FakeSubscription implements Flow.Subscription {
        long requested;
        boolean cancelled;

        @Override
        public void request(long n) {
            requested = n;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
