package io.github.geminibalance.testing;

import java.util.concurrent.Flow;

/**
 * A publisher that only remembers who subscribed to it: how the subscriber TCK tests get hold of a
 * subscriber our code creates internally (a stage's upstream side, a body collector) and then drive
 * it themselves.
 *
 * @param <T> item type
 */
public final class Capture<T> implements Flow.Publisher<T> {

    private Flow.Subscriber<? super T> subscriber;

    @Override
    public synchronized void subscribe(Flow.Subscriber<? super T> s) {
        subscriber = s;
    }

    /** The subscriber, cast to what the TCK hands elements of. */
    @SuppressWarnings("unchecked")
    public synchronized Flow.Subscriber<T> subscriber() {
        if (subscriber == null) {
            throw new IllegalStateException("nobody subscribed");
        }
        return (Flow.Subscriber<T>) subscriber;
    }

    /** A subscriber that asks for everything and ignores it: the downstream end of a stage under test. */
    public static <T> Flow.Subscriber<T> unbounded() {
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override public void onNext(T item) {}
            @Override public void onError(Throwable throwable) {}
            @Override public void onComplete() {}
        };
    }
}
