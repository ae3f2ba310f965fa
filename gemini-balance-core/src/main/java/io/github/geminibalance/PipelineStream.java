package io.github.geminibalance;

import io.github.geminibalance.internal.EndSignal;
import io.github.geminibalance.internal.Primed;
import io.github.geminibalance.internal.StagePublisher;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

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

    PipelineStream(Flow.Publisher<E> events, RequestTrace trace) {
        this.events = events;
        this.trace = trace;
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
        }
    }

    @Override
    public final void subscribe(Flow.Subscriber<? super E> subscriber) {
        subscribed.set(true);
        events.subscribe(trace.recording() ? new EndSignal<>(subscriber, trace::bodyEnded) : subscriber);
    }

    /** This stream rendered item by item through {@code stage} (SSE payloads, for example). */
    final <R> Flow.Publisher<R> render(StagePublisher.Stage<E, R> stage) {
        return StagePublisher.of(this, stage);
    }
}
