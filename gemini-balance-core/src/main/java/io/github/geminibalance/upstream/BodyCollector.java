package io.github.geminibalance.upstream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Reads a whole body into one array, up to a limit. Past the limit it either truncates (error bodies:
 * the start is enough to classify them) or fails with an {@link IOException}; either way it cancels the
 * rest, so a runaway body never fills the heap.
 */
final class BodyCollector implements Flow.Subscriber<List<ByteBuffer>> {

    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final int limit;
    private final boolean truncate;
    private byte[] bytes = new byte[0];
    private int size;
    private Flow.Subscription subscription;

    private BodyCollector(int limit, boolean truncate) {
        this.limit = limit;
        this.truncate = truncate;
    }

    /** Collects {@code body}; past {@code limit} bytes the result fails. */
    static CompletableFuture<byte[]> collect(Flow.Publisher<List<ByteBuffer>> body, int limit) {
        BodyCollector c = new BodyCollector(limit, false);
        body.subscribe(c);
        return c.result;
    }

    /** Collects at most the first {@code limit} bytes of {@code body}. */
    static CompletableFuture<byte[]> collectPrefix(Flow.Publisher<List<ByteBuffer>> body, int limit) {
        BodyCollector c = new BodyCollector(limit, true);
        body.subscribe(c);
        return c.result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : item) {
            int n = b.remaining();
            if (size + n > limit) {
                subscription.cancel();
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
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
    }
}
