package io.github.geminibalance;

import io.github.geminibalance.keys.KeyChecker;
import io.github.geminibalance.keys.KeyPool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade's timed work, on its timer thread: the stored setting overrides read at start and then every
 * {@link GeminiBalance#SYNC_EVERY} (with the keys other instances changed) when the store is shared, the
 * keys' counters written every {@link GeminiBalance#COUNTS_EVERY}, and the keys that need it re-checked
 * every {@code CHECK_INTERVAL_HOURS}. A task that fails is logged and runs again next time.
 */
final class Housekeeping {

    private static final Logger log = LoggerFactory.getLogger(GeminiBalance.class);

    private final ScheduledExecutorService scheduler;
    private final KeyPool pool;
    private final KeyAdmin keys;
    private final SettingsAdmin settings;
    private final KeyChecker checker;

    Housekeeping(ScheduledExecutorService scheduler, KeyPool pool, KeyAdmin keys, SettingsAdmin settings,
            KeyChecker checker) {
        this.scheduler = scheduler;
        this.pool = pool;
        this.keys = keys;
        this.settings = settings;
        this.checker = checker;
    }

    /**
     * Reads the stored overrides now (they win over the configuration from the first request) and schedules
     * the rest.
     *
     * @param checkInterval how often keys are re-checked; zero for never
     * @param shared whether the store may be shared with other instances (their key and setting changes are
     *     then read every {@link GeminiBalance#SYNC_EVERY})
     */
    void start(Duration checkInterval, boolean shared) {
        syncSettings();
        if (!checkInterval.isZero()) {
            every(checkInterval, this::scheduledCheck);
        }
        every(GeminiBalance.COUNTS_EVERY, this::flushCounts);
        if (shared) {
            every(GeminiBalance.SYNC_EVERY, this::syncKeys);
            every(GeminiBalance.SYNC_EVERY, this::syncSettings);
        }
    }

    private void every(Duration period, Runnable task) {
        scheduler.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    void syncSettings() {
        try {
            settings.sync();
        } catch (RuntimeException e) {
            log.warn("Could not read the stored setting overrides: {}", e.toString());
        }
    }

    private void syncKeys() {
        try {
            keys.sync().exceptionally(e -> {
                log.debug("Key sync with the store failed: {}", e.toString());
                return 0;
            });
        } catch (RuntimeException e) {
            log.debug("Key sync with the store failed: {}", e.toString());
        }
    }

    /** Writes the keys' counters to the store (also once more at close). */
    void flushCounts() {
        try {
            pool.flushCounts();
        } catch (RuntimeException e) {
            log.warn("Could not write the key counters: {}", e.toString());
        }
    }

    private void scheduledCheck() {
        try {
            checker.checkNeeded().exceptionally(e -> {
                log.warn("Scheduled key check failed: {}", e.toString());
                return List.of();
            });
        } catch (RuntimeException e) {
            log.warn("Scheduled key check failed: {}", e.toString());
        }
    }
}
