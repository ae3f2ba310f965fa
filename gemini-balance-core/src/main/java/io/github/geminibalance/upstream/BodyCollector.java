package io.github.geminibalance.upstream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a whole body into one array, up to a limit and a deadline. Past the limit it either truncates
 * (error bodies: the start is enough to classify them) or fails with an {@link IOException}; either way it
 * cancels the rest, so a runaway body never fills the heap. Past the deadline it fails with a
 * {@link java.util.concurrent.TimeoutException} and cancels the body, so a server that stalls mid-body
 * does not keep the connection.
 */
final class BodyCollector implements Flow.Subscriber<List<ByteBuffer>> {

    private static final Flow.Subscription CANCELLED = new Flow.Subscription() {
        @Override public void request(long n) {}
        @Override public void cancel() {}
    };

    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final int limit;
    private final boolean truncate;
    private byte[] bytes = new byte[0];
    private int size;
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();

    private BodyCollector(int limit, boolean truncate) {
        this.limit = limit;
        this.truncate = truncate;
        // whoever ends the result early (the deadline, a caller's cancel) also stops the download
        result.whenComplete((bytes, error) -> {
            if (error != null) {
                Flow.Subscription s = subscription.getAndSet(CANCELLED);
                if (s != null && s != CANCELLED) {
                    s.cancel();
                }
            }
        });
    }

    /**
     * Collects {@code body}; past {@code limit} bytes the result fails. No timer of its own: the caller
     * bounds the call, and completing the result exceptionally (a timeout) cancels the body.
     */
    static CompletableFuture<byte[]> collect(Flow.Publisher<List<ByteBuffer>> body, int limit) {
        BodyCollector c = new BodyCollector(limit, false);
        body.subscribe(c);
        return c.result;
    }

    /** Collects at most the first {@code limit} bytes of {@code body}, within {@code timeoutNanos}. */
    static CompletableFuture<byte[]> collectPrefix(Flow.Publisher<List<ByteBuffer>> body, int limit,
            long timeoutNanos) {
        BodyCollector c = new BodyCollector(limit, true);
        body.subscribe(c);
        if (!c.result.isDone()) {
            c.result.orTimeout(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        }
        return c.result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        Objects.requireNonNull(s, "s"); // rule 2.13, as for every signal below
        if (!subscription.compareAndSet(null, s)) {
            s.cancel(); // already ended (timed out before the body was subscribed)
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        Objects.requireNonNull(item, "item");
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : item) {
            int n = b.remaining();
            if (size + n > limit) {
                Flow.Subscription s = subscription.getAndSet(CANCELLED);
                if (s != null && s != CANCELLED) {
                    s.cancel();
                }
                if (truncate) {
                    n = limit - size;
                    append(b, n);
                    result.complete(size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
                } else {
                    result.completeExceptionally(new IOException("Gemini's answer is larger than " + limit + " bytes"));
                }
                return;
            }
            append(b, n);
        }
    }

    private void append(ByteBuffer b, int n) {
        if (size + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(size + n, Math.min(limit, Math.max(256, bytes.length * 2))));
        }
        b.get(bytes, size, n);
        size += n;
    }

    @Override
    public void onError(Throwable t) {
        Objects.requireNonNull(t, "t");
        // rule 2.3: the subscription is over; failing the result must not cancel it from inside onError
        subscription.set(CANCELLED);
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        subscription.set(CANCELLED);
        result.complete(size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
    }
}
