package io.github.geminibalance;

import io.github.geminibalance.internal.EndSignal;
import io.github.geminibalance.internal.Primed;
import io.github.geminibalance.internal.StagePublisher;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A committed stream of a front door's events. Tells the trace when it ends: completed, failed,
 * cancelled by its reader, or abandoned unread ({@link #abandon()}). Subscribe once.
 *
 * @param <E> the door's event type
 */
class PipelineStream<E> implements Flow.Publisher<E> {

    private final Flow.Publisher<E> events;
    private final RequestTrace trace;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    private final Consumer<? super E> observer;
    private volatile java.time.Duration heartbeat;

    PipelineStream(Flow.Publisher<E> events, RequestTrace trace) {
        this(events, trace, null);
    }

    /** A stream whose every event read is shown to {@code observer} first (null for none); it must not throw. */
    PipelineStream(Flow.Publisher<E> events, RequestTrace trace, Consumer<? super E> observer) {
        this.events = events;
        this.trace = trace;
        this.observer = observer;
    }

    /**
     * The longest silence this stream asks its adapter to allow before keep-alive, when it has one of its
     * own (a stream answered from a non-streamed call, {@code FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS}).
     *
     * @return the interval, or empty for the adapter's own ({@code STREAM_KEEPALIVE_SECONDS})
     */
    public final java.util.Optional<java.time.Duration> heartbeat() {
        return java.util.Optional.ofNullable(heartbeat);
    }

    final void heartbeat(java.time.Duration every) {
        heartbeat = every;
    }

    /** The trace this stream reports to. */
    final RequestTrace trace() {
        return trace;
    }

    /** Releases a stream nobody subscribed to: its key goes back, its connection closes. */
    final void abandon() {
        if (events instanceof Primed<E> primed && subscribed.compareAndSet(false, true)) {
            primed.cancelIfUnsubscribed();
            trace.bodyEnded();
        } else if (events instanceof FakeStream<E> fake && subscribed.compareAndSet(false, true)) {
            fake.cancel();
            trace.bodyEnded();
        }
    }

    @Override
    public final void subscribe(Flow.Subscriber<? super E> subscriber) {
        subscribed.set(true);
        Flow.Subscriber<? super E> target = observer == null ? subscriber : new Observed<>(subscriber, observer);
        events.subscribe(trace.recording() ? new EndSignal<>(target, trace::bodyEnded) : target);
    }

    /** Shows each event to the observer, then passes it on. */
    private record Observed<E>(Flow.Subscriber<? super E> downstream, Consumer<? super E> observer)
            implements Flow.Subscriber<E> {

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            downstream.onSubscribe(subscription);
        }

        @Override
        public void onNext(E item) {
            observer.accept(item);
            downstream.onNext(item);
        }

        @Override
        public void onError(Throwable throwable) {
            downstream.onError(throwable);
        }

        @Override
        public void onComplete() {
            downstream.onComplete();
        }
    }

    /** This stream rendered item by item through {@code stage} (SSE payloads, for example). */
    final <R> Flow.Publisher<R> render(StagePublisher.Stage<E, R> stage) {
        return StagePublisher.of(this, stage);
    }
}
