package io.github.geminibalance.server;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive for every SSE stream while Gemini is silent (a long thought, a slow search, a stream answered
 * from a non-streamed call): when a stream has sent nothing for the interval and its reader asked for
 * more, a keep-alive item goes out (an SSE comment {@code : keep-alive}, or Anthropic's {@code ping}
 * event on the Messages door), so proxies and clients with read timeouts keep the connection. A
 * keep-alive that takes the reader's last unit of demand parks the next upstream item (at most one)
 * until the reader asks again, so the reader never gets more than it requested. The silence is measured
 * on the injected clock; the injected scheduler looks at every stream a few times per interval.
 */
@jakarta.inject.Singleton
final class SseKeepAlive {

    /** The SSE comment sent as keep-alive: clients ignore comment lines. */
    static final byte[] COMMENT = ": keep-alive\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static final long MAX_TICK_MILLIS = 1000;

    private final ScheduledExecutorService scheduler;
    private final Clock clock;

    /** Keep-alive on one daemon timer thread of its own, measured on the server's clock. */
    @jakarta.inject.Inject
    SseKeepAlive(Clock clock) {
        this(java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gemini-balance-sse-keepalive");
            t.setDaemon(true);
            return t;
        }), clock);
    }

    SseKeepAlive(ScheduledExecutorService scheduler, Clock clock) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @jakarta.annotation.PreDestroy
    void close() {
        scheduler.shutdownNow();
    }

    /**
     * {@code source} with {@code keepAlive} after every {@code interval} of silence; {@code source} itself
     * when the interval is zero (off).
     */
    <T> Flow.Publisher<T> every(Flow.Publisher<T> source, Duration interval, T keepAlive) {
        return every(source, interval, keepAlive, false);
    }

    /**
     * {@link #every(Flow.Publisher, Duration, Object)}; with {@code leading}, a keep-alive also goes out
     * first, before any item of {@code source}, so that the response's head is sent at once (Micronaut
     * sends it with the first piece of the body) by a stream that will be silent for a while.
     */
    <T> Flow.Publisher<T> every(Flow.Publisher<T> source, Duration interval, T keepAlive, boolean leading) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(keepAlive, "keepAlive");
        if ((interval.isZero() || interval.isNegative()) && !leading) {
            return source;
        }
        long millis = interval.isZero() || interval.isNegative() ? Long.MAX_VALUE : interval.toMillis();
        return subscriber -> source.subscribe(new Relay<>(subscriber, millis, keepAlive, leading));
    }

    /** One subscription: relays upstream items one request at a time, pings in the gaps. */
    private final class Relay<T> implements Flow.Subscriber<T>, Flow.Subscription {
        private final Flow.Subscriber<? super T> downstream;
        private final long intervalMillis;
        private final T keepAlive;
        private Flow.Subscription upstream;
        private ScheduledFuture<?> timer;
        private long demand;
        private boolean outstanding; // one item requested from upstream and not yet delivered
        private T parked;
        private boolean upstreamDone;
        private Throwable failure;
        private boolean finished; // terminal signal sent, or cancelled
        private long lastSent = clock.millis();

        private boolean leadPending;

        Relay(Flow.Subscriber<? super T> downstream, long intervalMillis, T keepAlive, boolean leading) {
            this.downstream = downstream;
            this.intervalMillis = intervalMillis;
            this.keepAlive = keepAlive;
            this.leadPending = leading;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            synchronized (this) {
                upstream = subscription;
            }
            downstream.onSubscribe(this);
            long period = Math.max(1, Math.min(MAX_TICK_MILLIS, intervalMillis / 4));
            ScheduledFuture<?> t;
            try {
                t = scheduler.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                return;
            }
            synchronized (this) {
                if (finished) {
                    t.cancel(false);
                } else {
                    timer = t;
                }
            }
        }

        @Override
        public synchronized void request(long n) {
            if (finished) {
                return;
            }
            if (n <= 0) {
                cancelUpstream();
                finish(new IllegalArgumentException("non-positive request: " + n));
                return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            drain();
        }

        @Override
        public synchronized void cancel() {
            if (!finished) {
                finished = true;
                stopTimer();
                cancelUpstream();
            }
        }

        @Override
        public synchronized void onNext(T item) {
            outstanding = false;
            if (finished) {
                return;
            }
            parked = item;
            drain();
        }

        @Override
        public synchronized void onError(Throwable throwable) {
            upstreamDone = true;
            failure = throwable;
            drain();
        }

        @Override
        public synchronized void onComplete() {
            upstreamDone = true;
            drain();
        }

        private void drain() {
            if (finished) {
                return;
            }
            if (leadPending && demand > 0) {
                leadPending = false;
                emit(keepAlive);
            }
            if (parked != null && demand > 0) {
                T item = parked;
                parked = null;
                emit(item);
            }
            if (finished) {
                return;
            }
            if (parked == null && upstreamDone) {
                finish(failure);
                return;
            }
            if (parked == null && !outstanding && !upstreamDone && demand > 0) {
                outstanding = true;
                upstream.request(1);
            }
        }

        private void tick() {
            synchronized (this) {
                if (finished || parked != null || upstreamDone || demand == 0
                        || clock.millis() - lastSent < intervalMillis) {
                    return;
                }
                emit(keepAlive);
            }
        }

        private void emit(T item) {
            demand--;
            lastSent = clock.millis();
            downstream.onNext(item);
        }

        private void finish(Throwable error) {
            finished = true;
            stopTimer();
            if (error != null) {
                downstream.onError(error);
            } else {
                downstream.onComplete();
            }
        }

        private void stopTimer() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        private void cancelUpstream() {
            if (upstream != null) {
                upstream.cancel();
            }
        }
    }
}
