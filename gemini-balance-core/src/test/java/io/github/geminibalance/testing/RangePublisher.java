package io.github.geminibalance.testing;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * A cold, rule-abiding {@link Flow.Publisher} of {@code count} items, then completion or a given error:
 * the upstream the Reactive Streams TCK tests run our stages over. Each subscriber gets its own run.
 * Signals go out on the thread that requested (or subscribed), serialized by a drain loop, so a request
 * from inside {@code onNext} never recurses. It is itself TCK-verified ({@code RangePublisherTckTest}),
 * so a finding about a stage above it is the stage's.
 *
 * @param <T> item type
 */
public final class RangePublisher<T> implements Flow.Publisher<T> {

    private final long count;
    private final LongFunction<? extends T> item;
    private final Throwable failure;

    private RangePublisher(long count, LongFunction<? extends T> item, Throwable failure) {
        this.count = count;
        this.item = Objects.requireNonNull(item, "item");
        this.failure = failure;
    }

    /** {@code count} items ({@link Long#MAX_VALUE}: without end), {@code item(i)} for the i-th, then completion. */
    public static <T> RangePublisher<T> of(long count, LongFunction<? extends T> item) {
        return new RangePublisher<>(count, item, null);
    }

    /** {@code count} items, then {@code failure}. */
    public static <T> RangePublisher<T> failing(long count, LongFunction<? extends T> item, Throwable failure) {
        return new RangePublisher<>(count, item, Objects.requireNonNull(failure, "failure"));
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Run run = new Run(subscriber);
        subscriber.onSubscribe(run);
        run.drain(); // an empty range ends without any demand
    }

    private final class Run implements Flow.Subscription {
        private volatile Flow.Subscriber<? super T> downstream; // dropped once the run ends (rule 3.13)
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile boolean cancelled;
        private volatile long badRequest; // valid once badRequested is set
        private volatile boolean badRequested;
        private long index;

        Run(Flow.Subscriber<? super T> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                badRequest = n;
                badRequested = true;
            } else {
                demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            }
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            drain();
        }

        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            while (true) {
                Flow.Subscriber<? super T> s = downstream;
                if (s != null) {
                    if (cancelled) {
                        downstream = null;
                    } else if (badRequested) {
                        end().onError(new IllegalArgumentException(
                                "rule 3.9: request(" + badRequest + ") must be positive"));
                    } else {
                        while (demand.get() > 0 && index < count && !cancelled) {
                            T next = item.apply(index++);
                            demand.decrementAndGet();
                            s.onNext(next);
                        }
                        if (index >= count && !cancelled && downstream != null) {
                            Flow.Subscriber<? super T> last = end();
                            if (failure != null) {
                                last.onError(failure);
                            } else {
                                last.onComplete();
                            }
                        }
                    }
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        private Flow.Subscriber<? super T> end() {
            Flow.Subscriber<? super T> s = downstream;
            downstream = null;
            cancelled = true;
            return s;
        }
    }
}
