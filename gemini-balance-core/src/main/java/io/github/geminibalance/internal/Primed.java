package io.github.geminibalance.internal;

import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Subscribes to a stream at once and waits for its first item, so that a caller can decide (retry on
 * another key, or commit to this stream) before anything reaches the client. The returned publisher
 * replays that first item, then continues the same upstream subscription.
 *
 * @param <T> item type
 */
public final class Primed<T> implements Flow.Subscriber<T>, Flow.Publisher<T> {

    private final CompletableFuture<Flow.Publisher<T>> ready = new CompletableFuture<>();
    private Flow.Subscription upstream;
    private Flow.Subscriber<? super T> downstream;
    private T first;
    private boolean firstDelivered;
    private boolean emittingFirst; // the first item is being handed over: a terminal signal must wait
    private long deferred; // demand requested from inside onNext(first), forwarded once it returns (rule 3.3)
    private boolean done;
    private Throwable error;
    private boolean terminalDelivered;

    private Primed() {}

    /**
     * Subscribes to {@code source} and completes when its first item arrives. Fails with the stream's
     * error, or with {@link NoSuchElementException} if it ended empty.
     */
    public static <T> CompletableFuture<Flow.Publisher<T>> awaitFirst(Flow.Publisher<T> source) {
        Primed<T> primed = new Primed<>();
        source.subscribe(primed);
        return primed.ready;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        Objects.requireNonNull(subscription, "subscription"); // rule 2.13, as for every signal below
        synchronized (this) {
            if (upstream != null) { // rule 2.5: one subscription only
                subscription.cancel();
                return;
            }
            upstream = subscription;
        }
        subscription.request(1);
    }

    @Override
    public void onNext(T item) {
        Objects.requireNonNull(item, "item");
        Flow.Subscriber<? super T> target;
        synchronized (this) {
            if (first == null && !firstDelivered) {
                first = item;
                target = null;
            } else {
                target = downstream;
            }
        }
        if (target == null) {
            ready.complete(this);
        } else {
            target.onNext(item);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        terminate(Objects.requireNonNull(throwable, "throwable"));
    }

    @Override
    public void onComplete() {
        terminate(null);
    }

    private void terminate(Throwable throwable) {
        boolean beforeFirst;
        synchronized (this) {
            done = true;
            error = throwable;
            beforeFirst = first == null && !firstDelivered;
        }
        if (beforeFirst) {
            ready.completeExceptionally(
                    throwable != null ? throwable : new NoSuchElementException("the stream ended before its first item"));
            return;
        }
        deliverTerminalIfDue();
    }

    /**
     * Releases a stream nobody subscribed to (the caller gave up, or never read it): cancels upstream
     * so its stages return their key and close the connection. Does nothing once a subscriber came.
     */
    public void cancelIfUnsubscribed() {
        Flow.Subscription s;
        synchronized (this) {
            if (downstream != null) {
                return;
            }
            downstream = NOBODY;
            first = null;
            terminalDelivered = true;
            s = upstream;
        }
        if (s != null) {
            s.cancel();
        }
    }

    private static final Flow.Subscriber<Object> NOBODY = new Flow.Subscriber<>() {
        @Override public void onSubscribe(Flow.Subscription subscription) {}
        @Override public void onNext(Object item) {}
        @Override public void onError(Throwable throwable) {}
        @Override public void onComplete() {}
    };

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        synchronized (this) {
            if (downstream != null) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override public void request(long n) {}
                    @Override public void cancel() {}
                });
                subscriber.onError(new IllegalStateException("this stream can be subscribed only once"));
                return;
            }
            downstream = subscriber;
        }
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                onRequest(n);
            }

            @Override
            public void cancel() {
                Flow.Subscription s;
                synchronized (Primed.this) {
                    s = upstream;
                    first = null;
                    terminalDelivered = true;
                    downstream = NOBODY; // rule 3.13: a cancelled subscriber is not kept reachable
                }
                s.cancel();
            }
        });
    }

    private void onRequest(long n) {
        if (n <= 0) {
            Flow.Subscription s;
            Flow.Subscriber<? super T> target;
            synchronized (this) {
                if (terminalDelivered) {
                    return;
                }
                terminalDelivered = true;
                first = null;
                s = upstream;
                target = downstream;
                downstream = NOBODY;
            }
            s.cancel();
            target.onError(new IllegalArgumentException("request(" + n + "): demand must be positive (rule 3.9)"));
            return;
        }
        T toSend = null;
        Flow.Subscriber<? super T> target = null;
        long forward = 0;
        synchronized (this) {
            if (terminalDelivered) {
                return;
            }
            long remaining = n;
            if (!firstDelivered) {
                toSend = first;
                target = downstream;
                first = null;
                firstDelivered = true;
                emittingFirst = toSend != null;
                remaining--;
            } else if (emittingFirst) {
                // a request from inside onNext(first): the call delivering it forwards this when onNext
                // returns, so upstream's next onNext does not nest inside it (rule 3.3)
                deferred = add(deferred, remaining);
                return;
            }
            if (remaining > 0) {
                forward = remaining;
            }
        }
        if (toSend != null) {
            target.onNext(toSend);
            synchronized (this) {
                emittingFirst = false;
                forward = terminalDelivered ? 0 : add(forward, deferred); // cancelled from onNext: nothing more
                deferred = 0;
            }
        }
        if (!deliverTerminalIfDue() && forward > 0) {
            upstream.request(forward);
        }
    }

    private static long add(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private boolean deliverTerminalIfDue() {
        Flow.Subscriber<? super T> target;
        Throwable e;
        synchronized (this) {
            if (!done || !firstDelivered || emittingFirst || downstream == null || terminalDelivered) {
                return done && terminalDelivered;
            }
            terminalDelivered = true;
            target = downstream;
            downstream = NOBODY;
            e = error;
        }
        if (e != null) {
            target.onError(e);
        } else {
            target.onComplete();
        }
        return true;
    }
}
