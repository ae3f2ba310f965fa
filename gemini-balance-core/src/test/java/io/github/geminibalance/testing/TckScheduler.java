package io.github.geminibalance.testing;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** One daemon scheduler for the idle timers of the streams the TCK tests build. */
public final class TckScheduler {

    private static final ScheduledExecutorService SCHEDULER = create();

    private TckScheduler() {}

    /** The shared scheduler; never shut down (its thread is a daemon). */
    public static ScheduledExecutorService get() {
        return SCHEDULER;
    }

    private static ScheduledExecutorService create() {
        ScheduledThreadPoolExecutor s = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "tck-idle-timers");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        return s;
    }
}
