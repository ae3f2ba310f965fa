package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalanceListener;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * What the web admin's header shows without reading a table: client calls and failed upstream attempts in
 * the last {@value #WINDOW_SECONDS} seconds, counted in memory as the pipeline reports them (a
 * {@link GeminiBalanceListener}), and each key's attempts per model today with the daily quota it hit
 * ({@link KeyModelCounts}). The window is sixty one-second buckets on the server's {@link Clock}, so a count
 * costs a lock and an array store, and a read sixty additions, whatever the traffic.
 *
 * <p>The counts are this server's since it started: several servers behind a balancer each count their
 * own share, and a restart starts from zero (the records keep the history).
 */
@Singleton
final class LiveStats implements GeminiBalanceListener {

    /** The length of the sliding window, in seconds. */
    static final int WINDOW_SECONDS = 60;

    /** The window's counts as of a moment. */
    record Window(long requests, long failedRequests, long errors) {}

    private final Clock clock;
    private final KeyModelCounts keyModels;
    private final long[] second = new long[WINDOW_SECONDS];
    private final long[] requests = new long[WINDOW_SECONDS];
    private final long[] failedRequests = new long[WINDOW_SECONDS];
    private final long[] errors = new long[WINDOW_SECONDS];

    LiveStats(Clock clock) {
        this.clock = clock;
        this.keyModels = new KeyModelCounts();
        Arrays.fill(second, Long.MIN_VALUE);
    }

    /** Each key's attempts per model today and the daily quotas hit. */
    KeyModelCounts keyModels() {
        return keyModels;
    }

    @Override
    public void onRequest(String operation, String model, int status, Duration duration) {
        long now = clock.millis() / 1000;
        synchronized (this) {
            int i = bucket(now);
            requests[i]++;
            if (status >= 400) {
                failedRequests[i]++;
            }
        }
    }

    @Override
    public void onAttempt(String model, String keyId, String outcome, int status, Duration duration) {
        Instant at = clock.instant();
        boolean failed = !"success".equals(outcome);
        if (failed) {
            long now = at.getEpochSecond();
            synchronized (this) {
                errors[bucket(now)]++;
            }
        }
        keyModels.count(keyId, model, "quota_exhausted".equals(outcome), at);
    }

    /** The counts of the last {@value #WINDOW_SECONDS} seconds, this one included. */
    synchronized Window window() {
        long now = clock.millis() / 1000;
        long r = 0;
        long f = 0;
        long e = 0;
        for (int i = 0; i < WINDOW_SECONDS; i++) {
            if (second[i] > now - WINDOW_SECONDS && second[i] <= now) {
                r += requests[i];
                f += failedRequests[i];
                e += errors[i];
            }
        }
        return new Window(r, f, e);
    }

    // the bucket of this second, emptied when it last held an older second; under the lock
    private int bucket(long now) {
        int i = (int) Math.floorMod(now, (long) WINDOW_SECONDS);
        if (second[i] != now) {
            second[i] = now;
            requests[i] = 0;
            failedRequests[i] = 0;
            errors[i] = 0;
        }
        return i;
    }
}
