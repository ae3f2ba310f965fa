package io.github.geminibalance.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Reads a request body as it arrives and keeps it only while it stays within a limit: the moment it
 * passes the limit the subscription is cancelled, what was kept is dropped and the result fails with the
 * given error, so an oversized upload never holds more than the limit in memory.
 */
final class BoundedBody implements Subscriber<byte[]> {

    private final long limit;
    private final Supplier<RuntimeException> tooLarge;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private List<byte[]> chunks = new ArrayList<>(); // null once done
    private long size;
    private Subscription subscription;

    private BoundedBody(long limit, Supplier<RuntimeException> tooLarge) {
        this.limit = limit;
        this.tooLarge = tooLarge;
    }

    /**
     * Collects {@code body}.
     *
     * @param limit the most bytes kept
     * @param tooLarge the failure when the body is longer
     * @return the whole body, or a future failed with {@code tooLarge()} or the body's own failure
     */
    static CompletableFuture<byte[]> collect(Publisher<byte[]> body, long limit, Supplier<RuntimeException> tooLarge) {
        BoundedBody subscriber = new BoundedBody(limit, tooLarge);
        body.subscribe(subscriber);
        return subscriber.result;
    }

    @Override
    public synchronized void onSubscribe(Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(byte[] bytes) {
        RuntimeException failure = null;
        synchronized (this) {
            if (chunks == null) {
                return;
            }
            if (size + bytes.length > limit) {
                chunks = null;
                failure = tooLarge.get();
            } else {
                chunks.add(bytes);
                size += bytes.length;
            }
        }
        if (failure != null) {
            subscription.cancel();
            result.completeExceptionally(failure);
        }
    }

    @Override
    public void onError(Throwable t) {
        synchronized (this) {
            chunks = null;
        }
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        byte[] all;
        synchronized (this) {
            if (chunks == null) {
                return;
            }
            all = new byte[(int) size];
            int at = 0;
            for (byte[] c : chunks) {
                System.arraycopy(c, 0, all, at, c.length);
                at += c.length;
            }
            chunks = null;
        }
        result.complete(all);
    }
}
