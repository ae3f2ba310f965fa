package io.github.geminibalance;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stream answered from a non-streamed call ({@code FAKE_STREAM_ENABLED}): silent while Gemini works (the
 * server fills the silence with keep-alive, see {@link PipelineStream#heartbeat()}), then the whole
 * answer's events at once, or the call's failure. Cancelling it cancels the call. Subscribe once.
 *
 * @param <E> the door's event type
 */
final class FakeStream<E> implements Flow.Publisher<E> {

    private final CompletableFuture<List<E>> answer;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    FakeStream(CompletableFuture<List<E>> answer) {
        this.answer = answer;
    }

    /** Cancels the call (a stream nobody read); its key goes back when the attempt ends. */
    void cancel() {
        answer.cancel(false);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super E> subscriber) {
        if (!subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override public void request(long n) {}
                @Override public void cancel() {}
            });
            subscriber.onError(new IllegalStateException("a stream can be subscribed to once"));
            return;
        }
        Emitter<E> emitter = new Emitter<>(subscriber, answer);
        subscriber.onSubscribe(emitter);
        answer.whenComplete((events, failure) -> emitter.ready(events, failure));
    }

    /** Hands the answer's events out as the reader asks for them. */
    private static final class Emitter<E> implements Flow.Subscription {
        private final Flow.Subscriber<? super E> downstream;
        private final CompletableFuture<?> call;
        private ArrayDeque<E> items;
        private Throwable failure;
        private long demand;
        private boolean done;
        private boolean emitting;

        Emitter(Flow.Subscriber<? super E> downstream, CompletableFuture<?> call) {
            this.downstream = downstream;
            this.call = call;
        }

        void ready(List<E> events, Throwable error) {
            synchronized (this) {
                if (done) {
                    return;
                }
                items = events == null ? new ArrayDeque<>() : new ArrayDeque<>(events);
                failure = error;
            }
            drain();
        }

        @Override
        public void request(long n) {
            synchronized (this) {
                if (done) {
                    return;
                }
                if (n <= 0) {
                    done = true;
                    failure = new IllegalArgumentException("non-positive request: " + n);
                    items = new ArrayDeque<>();
                } else {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                }
            }
            drain();
        }

        @Override
        public void cancel() {
            synchronized (this) {
                done = true;
            }
            call.cancel(false);
        }

        // one thread emits at a time; signals go out without the lock held
        private void drain() {
            while (true) {
                E next = null;
                Throwable error = null;
                boolean complete = false;
                synchronized (this) {
                    if (emitting || items == null || (done && failure == null)) {
                        return;
                    }
                    if (!items.isEmpty() && demand > 0 && !done) {
                        next = items.poll();
                        demand--;
                    } else if (items.isEmpty()) {
                        done = true;
                        error = failure;
                        complete = error == null;
                        failure = null;
                    } else {
                        return;
                    }
                    emitting = true;
                }
                try {
                    if (next != null) {
                        downstream.onNext(next);
                    } else if (complete) {
                        downstream.onComplete();
                    } else {
                        downstream.onError(unwrap(error));
                    }
                } finally {
                    synchronized (this) {
                        emitting = false;
                    }
                }
                if (next == null) {
                    return;
                }
            }
        }

        private static Throwable unwrap(Throwable t) {
            return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        }
    }
}
