package io.github.geminibalance.upstream;

import io.github.geminibalance.internal.StagePublisher;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends a stream that has gone {@code timeout} without an upstream event (the JDK client bounds the
 * wait for headers, not for a body that stalls). One pending check per stream: each firing either
 * fails the stream or re-arms itself for the time that is left, so activity costs only a volatile write.
 */
final class IdleTimer implements Runnable {
    private final ScheduledExecutorService scheduler;
    private final long timeoutNanos;
    private volatile long lastNanos = System.nanoTime();
    private volatile boolean stopped;
    // true while an item has been requested and not yet received: only then is Gemini the one we wait on
    private volatile boolean waiting = true;
    private volatile StagePublisher.Control control;
    private volatile ScheduledFuture<?> pending;

    IdleTimer(ScheduledExecutorService scheduler, Duration timeout) {
        this.scheduler = scheduler;
        this.timeoutNanos = timeout.toNanos();
    }

    void start(StagePublisher.Control control) {
        this.control = control;
        lastNanos = System.nanoTime();
        schedule(timeoutNanos);
    }

    void touch() {
        lastNanos = System.nanoTime();
    }

    /** An item arrived: until the next request, a pause is the client's, not Gemini's. */
    void received() {
        waiting = false;
        lastNanos = System.nanoTime();
    }

    /** One more item was requested from Gemini: the idle clock starts now. */
    void requested() {
        lastNanos = System.nanoTime();
        waiting = true;
    }

    void stop() {
        stopped = true;
        ScheduledFuture<?> p = pending;
        if (p != null) {
            p.cancel(false);
        }
    }

    @Override
    public void run() {
        if (stopped) {
            return;
        }
        long idle = System.nanoTime() - lastNanos;
        if (!waiting) {
            schedule(timeoutNanos);
        } else if (idle >= timeoutNanos) {
            stopped = true;
            control.fail(new HttpTimeoutException(
                    "no event from Gemini for " + Duration.ofNanos(timeoutNanos).toMillis() + " ms"));
        } else {
            schedule(timeoutNanos - idle);
        }
    }

    private void schedule(long delayNanos) {
        if (stopped) {
            return;
        }
        try {
            pending = scheduler.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            stopped = true; // shutting down
        }
    }
}
