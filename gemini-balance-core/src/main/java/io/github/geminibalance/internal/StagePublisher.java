package io.github.geminibalance.internal;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A one-subscriber {@link Flow.Publisher} that runs each upstream item through a {@link Stage}, which
 * may emit any number of downstream items, and honours downstream demand: it asks upstream for one item
 * at a time, only when everything it emitted so far has been taken. This is how every streaming step of
 * the pipeline (bytes to SSE events, events to Gemini responses, responses to OpenAI chunks, chunks to
 * SSE lines) is written, so none of them buffers more than one upstream item's worth of output.
 *
 * @param <T> upstream item type
 * @param <R> downstream item type
 */
public final class StagePublisher<T, R> implements Flow.Publisher<R> {

    /**
     * One step of a stream. Calls are serialized; an exception thrown from {@link #onItem} or
     * {@link #onComplete} cancels upstream and ends the stream with that error (after {@link #onError}
     * had a chance to turn it into output).
     */
    public interface Stage<T, R> {
        /** Called once before any item, with a handle that can end the stream from another thread. */
        default void onStart(Control control) {}

        /** Called each time one more item is requested from upstream (the stage now waits on it). */
        default void onRequest() {}

        /** Handles one upstream item. */
        void onItem(T item, Consumer<R> out) throws Exception;

        /** Upstream ended normally; emit any final items. */
        default void onComplete(Consumer<R> out) throws Exception {}

        /**
         * Upstream (or this stage) failed. Return true to end the stream normally after emitting
         * {@code out} items instead of the error.
         */
        default boolean onError(Throwable error, Consumer<R> out) {
            return false;
        }

        /**
         * The downstream subscriber cancelled, or broke rule 3.9 by requesting {@code n <= 0}: that
         * is the subscriber's mistake, not the stream's, so it ends the stage like a cancel and the
         * subscriber gets its {@link IllegalArgumentException} as is, not through {@link #onError}.
         */
        default void onCancel() {}
    }

    /** Lets a stage end its stream from outside the item callbacks (a timer, say). */
    public interface Control {
        /** Cancels upstream and ends the stream with {@code error}. */
        void fail(Throwable error);
    }

    private final Flow.Publisher<T> upstream;
    private final Stage<T, R> stage;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    /** A publisher applying {@code stage} to {@code upstream}. */
    public StagePublisher(Flow.Publisher<T> upstream, Stage<T, R> stage) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.stage = Objects.requireNonNull(stage, "stage");
    }

    /** Convenience factory. */
    public static <T, R> StagePublisher<T, R> of(Flow.Publisher<T> upstream, Stage<T, R> stage) {
        return new StagePublisher<>(upstream, stage);
    }

    /**
     * Releases a publisher nobody subscribed to: subscribes upstream and cancels at once, so the stage's
     * {@link Stage#onCancel()} runs (returning a key, closing a connection). Does nothing if a
     * subscriber came first.
     */
    public void cancelIfUnsubscribed() {
        if (!subscribed.compareAndSet(false, true)) {
            return;
        }
        upstream.subscribe(new Flow.Subscriber<T>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
                try {
                    stage.onCancel();
                } catch (RuntimeException ignored) {
                    // releasing must not throw
                }
            }

            @Override public void onNext(T item) {}
            @Override public void onError(Throwable throwable) {}
            @Override public void onComplete() {}
        });
    }

    @Override
    public void subscribe(Flow.Subscriber<? super R> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override public void request(long n) {}
                @Override public void cancel() {}
            });
            subscriber.onError(new IllegalStateException("this stream can be subscribed only once"));
            return;
        }
        upstream.subscribe(new Bridge<>(subscriber, stage));
    }

    private static final class Bridge<T, R> implements Flow.Subscriber<T>, Flow.Subscription, Control {
        // dropped once the stream is cancelled or has ended (rule 3.13): a stage's timer or a caller may
        // hold this bridge long after, and must not keep the subscriber reachable through it
        private volatile Flow.Subscriber<? super R> downstream;
        private final Stage<T, R> stage;
        private final Queue<R> queue = new ConcurrentLinkedQueue<>();
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private final Consumer<R> sink = queue::add;
        private volatile Flow.Subscription upstream;
        private volatile boolean upstreamDone;
        private volatile boolean requested;
        private volatile boolean cancelled;
        private volatile Throwable error;
        private boolean terminated;

        Bridge(Flow.Subscriber<? super R> downstream, Stage<T, R> stage) {
            this.downstream = downstream;
            this.stage = stage;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            Objects.requireNonNull(subscription, "subscription"); // rule 2.13, as for every signal below
            if (upstream != null) {
                subscription.cancel();
                return;
            }
            upstream = subscription;
            synchronized (this) {
                stage.onStart(this);
            }
            Flow.Subscriber<? super R> d = downstream;
            if (d != null) {
                d.onSubscribe(this);
            }
        }

        @Override
        public void fail(Throwable error) {
            if (upstreamDone || cancelled) {
                return;
            }
            upstream.cancel();
            synchronized (this) {
                if (upstreamDone) {
                    return;
                }
                // an outside failure (a timeout) ends the stream now: what was queued is dropped so the
                // error does not wait behind items nobody is asking for
                queue.clear();
                failLocked(error);
            }
            drain();
        }

        @Override
        public void onNext(T item) {
            Objects.requireNonNull(item, "item");
            if (upstreamDone || cancelled) {
                return;
            }
            synchronized (this) {
                if (upstreamDone) {
                    return;
                }
                try {
                    stage.onItem(item, sink);
                } catch (Throwable e) {
                    upstream.cancel();
                    failLocked(e);
                }
            }
            requested = false;
            drain();
        }

        @Override
        public void onError(Throwable throwable) {
            Objects.requireNonNull(throwable, "throwable");
            synchronized (this) {
                if (upstreamDone) {
                    return;
                }
                failLocked(throwable);
            }
            drain();
        }

        private void failLocked(Throwable throwable) {
            boolean handled;
            try {
                handled = stage.onError(throwable, sink);
            } catch (Throwable e) {
                e.addSuppressed(throwable);
                throwable = e;
                handled = false;
            }
            if (!handled) {
                error = throwable;
            }
            upstreamDone = true;
        }

        @Override
        public void onComplete() {
            synchronized (this) {
                if (upstreamDone) {
                    return;
                }
                try {
                    stage.onComplete(sink);
                    upstreamDone = true;
                } catch (Throwable e) {
                    failLocked(e);
                }
            }
            drain();
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                badRequest(n);
                return;
            }
            long current;
            long next;
            do {
                current = demand.get();
                next = current + n < 0 ? Long.MAX_VALUE : current + n;
            } while (!demand.compareAndSet(current, next));
            drain();
        }

        /**
         * Rule 3.9: the subscriber gets {@link IllegalArgumentException}. Not a failure of the stream:
         * {@link Stage#onError} would turn it into output (an error event) or blame the key for it.
         */
        private void badRequest(long n) {
            if (cancelled) {
                return;
            }
            boolean wasDone;
            synchronized (this) {
                wasDone = upstreamDone;
                upstreamDone = true;
                queue.clear();
                error = new IllegalArgumentException("request(" + n + "): demand must be positive (rule 3.9)");
                if (!wasDone) {
                    try {
                        stage.onCancel();
                    } catch (RuntimeException ignored) {
                        // a cancellation hook must not break the caller's request()
                    }
                }
            }
            if (!wasDone) {
                upstream.cancel();
            }
            drain();
        }

        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            downstream = null;
            Flow.Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
            synchronized (this) {
                if (!upstreamDone) {
                    upstreamDone = true;
                    try {
                        stage.onCancel();
                    } catch (RuntimeException ignored) {
                        // a cancellation hook must not break the caller's cancel()
                    }
                }
            }
            queue.clear();
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            while (true) {
                Flow.Subscriber<? super R> target = downstream;
                if (cancelled || terminated || target == null) {
                    queue.clear();
                } else {
                    // read before looking at the queue: final items are queued before upstreamDone is set,
                    // so an empty queue seen after a done flag really is the end
                    boolean done = upstreamDone;
                    while (demand.get() > 0) {
                        R item = queue.poll();
                        if (item == null) {
                            break;
                        }
                        demand.decrementAndGet();
                        target.onNext(item);
                        if (cancelled) {
                            break;
                        }
                    }
                    if (!cancelled && queue.isEmpty()) {
                        if (done) {
                            terminated = true;
                            downstream = null;
                            Throwable e = error;
                            if (e != null) {
                                target.onError(e);
                            } else {
                                target.onComplete();
                            }
                        } else if (demand.get() > 0 && !requested) {
                            requested = true;
                            stage.onRequest();
                            upstream.request(1);
                        }
                    }
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }
    }
}
