package io.github.geminibalance.translate;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Collects a response body while it stays within two limits: its own size and a budget shared by every
 * download of a request. The moment either is exceeded, or {@link #abort} is called, the download is
 * cancelled and the bytes collected so far are dropped, so a refused image never holds more than the
 * limit and a failed request holds nothing.
 */
final class LimitedBody implements BodySubscriber<byte[]> {

    /** Takes bytes from a request's shared budget. */
    interface Budget {
        /** Reserves {@code bytes}; false, reserving nothing, when they do not fit. */
        boolean reserve(long bytes);
    }

    private final long maxBytes;
    private final Budget budget;
    private final LongFunction<RuntimeException> tooLarge;
    private final Supplier<RuntimeException> overBudget;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private List<byte[]> chunks = new ArrayList<>(); // guarded by this; null once failed
    private long size; // guarded by this
    private volatile Flow.Subscription subscription;

    /**
     * @param maxBytes the largest body accepted
     * @param budget the request's shared budget; every byte is reserved from it before it is kept
     * @param tooLarge the failure when the body exceeds {@code maxBytes} (given the limit)
     * @param overBudget the failure when the shared budget runs out
     */
    LimitedBody(long maxBytes, Budget budget, LongFunction<RuntimeException> tooLarge,
            Supplier<RuntimeException> overBudget) {
        this.maxBytes = maxBytes;
        this.budget = budget;
        this.tooLarge = tooLarge;
        this.overBudget = overBudget;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (result.isDone()) {
            s.cancel(); // aborted before the body started
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        RuntimeException failure = null;
        synchronized (this) {
            if (chunks == null) {
                return;
            }
            for (ByteBuffer buffer : items) {
                int n = buffer.remaining();
                if (size + n > maxBytes) {
                    failure = tooLarge.apply(maxBytes);
                    break;
                }
                if (!budget.reserve(n)) {
                    failure = overBudget.get();
                    break;
                }
                byte[] chunk = new byte[n];
                buffer.get(chunk);
                chunks.add(chunk);
                size += n;
            }
        }
        if (failure != null) {
            abort(failure);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        abort(throwable);
    }

    @Override
    public void onComplete() {
        byte[] all;
        synchronized (this) {
            if (chunks == null) {
                return;
            }
            if (chunks.size() == 1) {
                all = chunks.get(0); // exactly the body: no second full copy
            } else {
                all = new byte[(int) size];
                int at = 0;
                for (byte[] chunk : chunks) {
                    System.arraycopy(chunk, 0, all, at, chunk.length);
                    at += chunk.length;
                }
            }
            chunks = null;
        }
        result.complete(all);
    }

    /** Stops the download and drops what was collected; the body fails with {@code reason}. */
    void abort(Throwable reason) {
        synchronized (this) {
            chunks = null;
        }
        result.completeExceptionally(reason);
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
