package io.github.geminibalance.server;

import io.github.geminibalance.MessageStream.SseFrame;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Adds Anthropic's {@code ping} event to a Messages stream while Gemini is silent (a long thought, a
 * slow search), so proxies and clients with read timeouts keep the connection. A ping goes out only
 * when the stream has sent nothing for the interval and its reader asked for more; a ping that takes
 * the reader's last unit of demand parks the next upstream event (at most one) until the reader asks
 * again, so the reader never gets more than it requested. One timer thread serves every stream.
 */
final class MessagePings {

    /** How long a stream may be silent before a ping. */
    static final Duration INTERVAL = Duration.ofSeconds(10);

    static final SseFrame PING = new SseFrame("ping", "{\"type\":\"ping\"}");

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gemini-balance-sse-ping");
        t.setDaemon(true);
        return t;
    });

    private MessagePings() {}

    /** {@code source} with a ping after every {@code interval} of silence. */
    static Flow.Publisher<SseFrame> every(Flow.Publisher<SseFrame> source, Duration interval) {
        Objects.requireNonNull(source, "source");
        long nanos = interval.toNanos();
        return subscriber -> source.subscribe(new Relay(subscriber, nanos));
    }

    /** One subscription: relays upstream items one request at a time, pings in the gaps. */
    private static final class Relay implements Flow.Subscriber<SseFrame>, Flow.Subscription {
        private final Flow.Subscriber<? super SseFrame> downstream;
        private final long intervalNanos;
        private Flow.Subscription upstream;
        private ScheduledFuture<?> timer;
        private long demand;
        private boolean outstanding; // one item requested from upstream and not yet delivered
        private SseFrame parked;
        private boolean upstreamDone;
        private Throwable failure;
        private boolean finished; // terminal signal sent, or cancelled
        private long lastSent = System.nanoTime();

        Relay(Flow.Subscriber<? super SseFrame> downstream, long intervalNanos) {
            this.downstream = downstream;
            this.intervalNanos = intervalNanos;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            synchronized (this) {
                upstream = subscription;
            }
            downstream.onSubscribe(this);
            long period = Math.max(1, intervalNanos / 4);
            ScheduledFuture<?> t = TIMER.scheduleAtFixedRate(this::tick, period, period, TimeUnit.NANOSECONDS);
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
        public synchronized void onNext(SseFrame item) {
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
            if (parked != null && demand > 0) {
                SseFrame item = parked;
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
                        || System.nanoTime() - lastSent < intervalNanos) {
                    return;
                }
                emit(PING);
            }
        }

        private void emit(SseFrame item) {
            demand--;
            lastSent = System.nanoTime();
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
