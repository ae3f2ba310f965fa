package io.github.geminibalance.store.jdbc;

import io.github.geminibalance.store.ErrorRecord;
import io.github.geminibalance.store.RecordSink;
import io.github.geminibalance.store.RequestRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one writer: takes records and key state changes from bounded queues and writes them in
 * batches, one transaction per batch, on its own thread. {@link #offer} never blocks: a full queue drops
 * the record and counts it. A batch that fails is retried with a growing pause (the database may be
 * restarting) and dropped, counted, after {@value #ATTEMPTS} attempts; the next batch tries again, so
 * writing resumes by itself once the database is back. The thread runs at the lowest CPU priority
 * ({@link BackgroundPriority}): on a CPU-bound server, requests come first and records wait.
 */
final class RecordWriter implements RecordSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecordWriter.class);
    static final int ATTEMPTS = 4;
    private static final int BATCH = 500;
    private static final int STATE_CAPACITY = 10_000;
    private static final int BODY_MAX = 64 * 1024;
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);

    private final DataSource dataSource;
    private final RecordBatch batchWriter;
    private final Lock writeLock;
    private final Clock clock;
    private final boolean keepBodies;
    private final long maxPauseMillis;
    private final BlockingQueue<Object> records;
    private final BlockingQueue<StateWrite> state = new ArrayBlockingQueue<>(STATE_CAPACITY);
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Object signal = new Object();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean healthy = true;
    private volatile Instant lastWarn = Instant.MIN;
    private volatile long nativeId = 0; // 0 while starting, -1 when the priority could not be lowered
    private long pauseMillis;

    RecordWriter(DataSource dataSource, Dialect dialect, Lock writeLock, Clock clock, int capacity,
            boolean keepBodies, long maxPauseMillis) {
        this.dataSource = dataSource;
        this.batchWriter = new RecordBatch(dialect);
        this.writeLock = writeLock;
        this.clock = clock;
        this.keepBodies = keepBodies;
        this.maxPauseMillis = maxPauseMillis;
        this.records = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "gemini-balance-store-writer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public boolean offer(RequestRecord record) {
        return enqueue(record);
    }

    @Override
    public boolean offer(ErrorRecord record) {
        ErrorRecord kept = keepBodies
                ? new ErrorRecord(record.id(), record.at(), record.requestId(), record.keyId(), record.status(),
                        record.reason(), record.message(), record.model(), record.client(),
                        Text.cut(record.requestBody(), BODY_MAX))
                : record.withoutBody();
        return enqueue(kept);
    }

    private boolean enqueue(Object record) {
        if (record == null || !running) {
            return false;
        }
        queued.incrementAndGet();
        if (records.offer(record)) {
            return true;
        }
        queued.decrementAndGet();
        drop(1, null);
        return false;
    }

    /** Queues a key state change; false (dropped, counted) when its queue is full. */
    boolean offer(StateWrite write) {
        if (!running) {
            return false;
        }
        queued.incrementAndGet();
        if (state.offer(write)) {
            synchronized (signal) {
                signal.notifyAll();
            }
            return true;
        }
        queued.decrementAndGet();
        drop(1, null);
        return false;
    }

    @Override
    public long droppedRecords() {
        return dropped.get();
    }

    /** Whether the last batch was written. */
    boolean healthy() {
        return healthy;
    }

    /**
     * The writer thread's Linux id once it runs at the lowest CPU priority ({@link BackgroundPriority}),
     * -1 when it could not be lowered, 0 before the thread has started.
     */
    long nativeThreadId() {
        return nativeId;
    }

    /** Records waiting for the writer. */
    int backlog() {
        return records.size() + state.size();
    }

    /** Waits until everything queued before the call is written or dropped. */
    boolean flush(long timeoutMillis) {
        long target = queued.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (signal) {
            signal.notifyAll();
        }
        while (done.get() < target) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            synchronized (done) {
                try {
                    done.wait(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private void run() {
        nativeId = BackgroundPriority.lowerCurrentThread();
        if (nativeId < 0) {
            LOG.debug("store writer: could not lower its CPU priority; it competes with requests for CPU");
        }
        List<StateWrite> states = new ArrayList<>();
        List<Object> batch = new ArrayList<>();
        while (running || !records.isEmpty() || !state.isEmpty()) {
            state.drainTo(states, BATCH);
            records.drainTo(batch, BATCH);
            if (states.isEmpty() && batch.isEmpty()) {
                synchronized (signal) {
                    try {
                        signal.wait(running ? 100 : 1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                continue;
            }
            write(states, batch);
            states.clear();
            batch.clear();
        }
    }

    private void write(List<StateWrite> states, List<Object> batch) {
        int size = states.size() + batch.size();
        for (int attempt = 1; ; attempt++) {
            try {
                writeOnce(states, batch);
                healthy = true;
                pauseMillis = 0;
                finished(size);
                return;
            } catch (SQLException | RuntimeException e) {
                healthy = false;
                pauseMillis = pauseMillis == 0 ? Math.min(100, maxPauseMillis) : Math.min(pauseMillis * 2, maxPauseMillis);
                if (attempt >= ATTEMPTS || !running) {
                    drop(size, e);
                    finished(size);
                    return;
                }
                LOG.debug("store write failed (attempt {}), retrying in {} ms: {}", attempt, pauseMillis, e.toString());
                sleep(pauseMillis);
            }
        }
    }

    private void writeOnce(List<StateWrite> states, List<Object> batch) throws SQLException {
        writeLock.lock();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (StateWrite write : states) {
                    write.apply(connection);
                }
                batchWriter.write(connection, batch);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(connection);
                throw e;
            }
        } finally {
            writeLock.unlock();
        }
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it
        }
    }

    private void finished(int count) {
        done.addAndGet(count);
        synchronized (done) {
            done.notifyAll();
        }
    }

    private void drop(int count, Exception cause) {
        dropped.addAndGet(count);
        Instant now = clock.instant();
        if (lastWarn.plus(WARN_EVERY).isAfter(now)) {
            return;
        }
        lastWarn = now;
        if (cause == null) {
            LOG.warn("store queue full: records are being dropped ({} dropped since start); the database is slow or "
                    + "unreachable", dropped.get());
        } else {
            LOG.warn("store write failed {} times, {} records dropped ({} since start): {}", ATTEMPTS, count,
                    dropped.get(), Text.oneLine(cause.toString(), null));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops taking records, writes what is queued for up to {@code timeoutMillis}, stops the thread. */
    void close(long timeoutMillis) {
        flush(timeoutMillis);
        running = false;
        synchronized (signal) {
            signal.notifyAll();
        }
        try {
            thread.join(Math.max(1, timeoutMillis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(5_000);
    }
}
