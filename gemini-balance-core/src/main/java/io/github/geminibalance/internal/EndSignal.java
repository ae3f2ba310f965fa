package io.github.geminibalance.internal;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A subscriber that passes a stream through unchanged and runs {@code onEnd} once: after the stream
 * completes or fails, or when its subscriber cancels. This is how a request trace learns that a streamed
 * answer is over, whichever way it ended.
 *
 * @param <T> item type
 */
public final class EndSignal<T> implements Flow.Subscriber<T>, Flow.Subscription {

    private final Flow.Subscriber<? super T> downstream;
    private final Runnable onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Flow.Subscription upstream;

    /** Wraps {@code downstream}; {@code onEnd} runs on the thread that ends the stream. */
    public EndSignal(Flow.Subscriber<? super T> downstream, Runnable onEnd) {
        this.downstream = downstream;
        this.onEnd = onEnd;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        upstream = subscription;
        downstream.onSubscribe(this);
    }

    @Override
    public void onNext(T item) {
        downstream.onNext(item);
    }

    @Override
    public void onError(Throwable throwable) {
        try {
            downstream.onError(throwable);
        } finally {
            end();
        }
    }

    @Override
    public void onComplete() {
        try {
            downstream.onComplete();
        } finally {
            end();
        }
    }

    @Override
    public void request(long n) {
        upstream.request(n);
    }

    @Override
    public void cancel() {
        try {
            upstream.cancel();
        } finally {
            end();
        }
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
        }
    }
}
