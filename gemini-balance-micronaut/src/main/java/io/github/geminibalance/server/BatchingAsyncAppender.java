package io.github.geminibalance.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.io.Flushable;
import java.io.IOException;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code logback.xml}'s asynchronous appender: what Logback's {@code AsyncAppender} does, with its
 * settings ({@code queueSize}, {@code discardingThreshold}, {@code includeCallerData},
 * {@code maxFlushTime}, one attached appender), but without waking its writing thread for every event.
 * The access log writes a line per request on the event loops; Logback's queue signals its parked writer
 * on almost every one, which on a one-core server is a futex wake-up and two context switches per
 * request (docs/performance.md). Here a logging thread only appends to a lock-free queue. The writer,
 * after writing a batch, sleeps {@link #BATCH_NANOS} and then takes whatever arrived meanwhile; a logging
 * thread wakes it only when it found the queue empty and went to sleep without a deadline, so an idle
 * server costs nothing and a busy one no wake-up per line. An attached appender that is
 * {@link Flushable} ({@link BufferedConsoleAppender}) is flushed after each batch, so a batch reaches
 * stdout in one write. A line reaches the console at most about {@link #BATCH_NANOS} after it was logged.
 *
 * <p>It never blocks a logging thread: when the queue is full the event is dropped ({@code neverBlock}
 * is always on; {@code false} is refused with a warning). Stopping it (the last step of the shutdown)
 * writes out what is queued, waiting at most {@code maxFlushTime}, then stops the attached appender.
 * Public because Logback instantiates it from {@code logback.xml}.
 */
public final class BatchingAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {

    /** How long the writer gathers events after a batch before it writes the next. */
    static final long BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Logback's {@code AsyncAppenderBase.DEFAULT_QUEUE_SIZE}. */
    static final int DEFAULT_QUEUE_SIZE = 256;
    /** Logback's {@code AsyncAppenderBase.DEFAULT_MAX_FLUSH_TIME}, in milliseconds. */
    static final int DEFAULT_MAX_FLUSH_TIME = 1000;
    private static final int UNDEFINED = -1;

    private final AppenderAttachableImpl<ILoggingEvent> attached = new AppenderAttachableImpl<>();
    private final Queue<ILoggingEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Set by the writer before it parks without a deadline: the next event must unpark it. */
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private volatile Appender<ILoggingEvent> child;
    private int queueSize = DEFAULT_QUEUE_SIZE;
    private int discardingThreshold = UNDEFINED;
    private boolean includeCallerData;
    private int maxFlushTime = DEFAULT_MAX_FLUSH_TIME;
    private Thread writer;

    /** Called by Logback. */
    public BatchingAsyncAppender() {}

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (child == null) {
            addError("No attached appenders found.");
            return;
        }
        if (queueSize < 1) {
            addError("Invalid queue size [" + queueSize + "]");
            return;
        }
        if (discardingThreshold == UNDEFINED) {
            discardingThreshold = queueSize / 5; // AsyncAppender's default
        }
        addInfo("Setting discardingThreshold to " + discardingThreshold);
        writer = new Thread(this::writeLoop, "AsyncAppender-Worker-" + getName());
        writer.setDaemon(true);
        super.start();
        writer.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (discardingThreshold > 0 && queueSize - queued.get() < discardingThreshold
                && event.getLevel().toInt() <= Level.INFO_INT) {
            return; // as AsyncAppender: when the queue is nearly full, TRACE to INFO go first
        }
        event.prepareForDeferredProcessing(); // the message and the MDC as they are now, on this thread
        if (includeCallerData) {
            event.getCallerData();
        }
        if (queued.incrementAndGet() > queueSize) {
            queued.decrementAndGet(); // full: dropped, never blocking the logging thread
            return;
        }
        queue.offer(event);
        if (sleeping.get() && sleeping.compareAndSet(true, false)) {
            LockSupport.unpark(writer);
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        LockSupport.unpark(writer);
        boolean interrupted = Thread.interrupted(); // wait for the writer even when this thread was interrupted
        try {
            writer.join(Math.max(1, maxFlushTime));
            if (writer.isAlive()) {
                addWarn("Max queue flush timeout (" + maxFlushTime + " ms) exceeded. Approximately "
                        + queued.get() + " queued events were possibly discarded.");
            } else {
                addInfo("Queue flush finished successfully within timeout.");
            }
        } catch (InterruptedException e) {
            interrupted = true;
            addError("Failed to join worker thread. " + queued.get() + " queued events may be discarded.", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void writeLoop() {
        while (isStarted()) {
            if (writeBatch() > 0) {
                LockSupport.parkNanos(this, BATCH_NANOS); // gather the next batch: no wake-up per event
                continue;
            }
            sleeping.set(true);
            if (queue.isEmpty() && isStarted()) { // an event offered before the flag was set is seen here
                LockSupport.park(this);
            }
            sleeping.set(false);
        }
        addInfo("Worker thread will flush remaining events before exiting.");
        writeBatch();
        detachAndStopAllAppenders(); // as AsyncAppender's worker does when it ends
    }

    /** Writes every queued event, then flushes the attached appender; returns how many were written. */
    private int writeBatch() {
        Appender<ILoggingEvent> to = child;
        int n = 0;
        for (ILoggingEvent event; (event = queue.poll()) != null; n++) {
            queued.decrementAndGet();
            if (to != null) {
                try {
                    to.doAppend(event);
                } catch (RuntimeException e) {
                    addError("Appender [" + to.getName() + "] failed", e); // the writer must keep going
                }
            }
        }
        if (n > 0 && to instanceof Flushable flushable) {
            try {
                flushable.flush();
            } catch (IOException | RuntimeException e) {
                addError("Appender [" + to.getName() + "] failed to flush", e);
            }
        }
        return n;
    }

    /** The queue's capacity in events (default {@value #DEFAULT_QUEUE_SIZE}). */
    public int getQueueSize() {
        return queueSize;
    }

    /** Sets the queue's capacity in events. */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /**
     * Below this many free places, TRACE, DEBUG and INFO events are dropped (0: only a full queue drops;
     * default a fifth of the queue).
     */
    public int getDiscardingThreshold() {
        return discardingThreshold;
    }

    /** Sets the discarding threshold. */
    public void setDiscardingThreshold(int discardingThreshold) {
        this.discardingThreshold = discardingThreshold;
    }

    /** Always true: a full queue drops the event rather than block the thread that logs it. */
    public boolean isNeverBlock() {
        return true;
    }

    /** Only {@code true} is accepted: blocking an event loop on a slow stdout is what this appender prevents. */
    public void setNeverBlock(boolean neverBlock) {
        if (!neverBlock) {
            addWarn("neverBlock=false is not supported: a full queue drops events rather than block the logger");
        }
    }

    /** Whether the caller's stack is captured before queueing (costly; default false). */
    public boolean isIncludeCallerData() {
        return includeCallerData;
    }

    /** Sets whether the caller's stack is captured. */
    public void setIncludeCallerData(boolean includeCallerData) {
        this.includeCallerData = includeCallerData;
    }

    /** How long stopping waits for the queue to be written out, in milliseconds (default {@value #DEFAULT_MAX_FLUSH_TIME}). */
    public int getMaxFlushTime() {
        return maxFlushTime;
    }

    /** Sets how long stopping waits for the queue to be written out. */
    public void setMaxFlushTime(int maxFlushTime) {
        this.maxFlushTime = maxFlushTime;
    }

    /** Events queued now. */
    public int getNumberOfElementsInQueue() {
        return queued.get();
    }

    /** Free places in the queue now. */
    public int getRemainingCapacity() {
        return Math.max(0, queueSize - queued.get());
    }

    /** Attaches the one appender events are written to; a second one is ignored, as in AsyncAppender. */
    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        synchronized (attached) {
            if (child != null) {
                addWarn("One and only one appender may be attached to " + getClass().getSimpleName() + ".");
                addWarn("Ignoring additional appender named [" + appender.getName() + "]");
                return;
            }
            addInfo("Attaching appender named [" + appender.getName() + "] to " + getClass().getSimpleName() + ".");
            attached.addAppender(appender);
            child = appender;
        }
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return attached.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return attached.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return attached.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        synchronized (attached) {
            attached.detachAndStopAllAppenders();
            child = null;
        }
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        synchronized (attached) {
            boolean detached = attached.detachAppender(appender);
            if (detached && appender == child) {
                child = null;
            }
            return detached;
        }
    }

    @Override
    public boolean detachAppender(String name) {
        synchronized (attached) {
            Appender<ILoggingEvent> appender = attached.getAppender(name);
            return appender != null && detachAppender(appender);
        }
    }
}
