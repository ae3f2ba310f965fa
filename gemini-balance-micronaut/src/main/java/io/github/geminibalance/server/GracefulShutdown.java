package io.github.geminibalance.server;

import io.micronaut.context.ApplicationContext;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Stops the server on SIGTERM (what {@code docker stop} and Kubernetes send) and SIGINT: the listener
 * closes at once, so new connections are refused; running requests and streams get up to
 * {@code SHUTDOWN_GRACE} to finish (Micronaut's graceful shutdown, its grace period set by
 * {@link ClientConnections.ShutdownGrace}); then the context closes, which closes the facade and so
 * flushes pending Redis updates; then the process exits with code 0.
 *
 * <p>A signal handler rather than a shutdown hook: the JVM reports a process ended through its hooks
 * as killed by the signal (exit code 143), which supervisors log as a crash.
 */
final class GracefulShutdown {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

    private GracefulShutdown() {}

    /** Installs the handlers; falls back to a shutdown hook where signals cannot be handled. */
    static void install(ApplicationContext context) {
        AtomicBoolean started = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Runnable stop = () -> {
            if (!started.compareAndSet(false, true)) {
                // a second signal, or the exit hook: wait for the first stop instead of cutting it short
                awaitUninterruptibly(done);
                return;
            }
            try {
                if (context.isRunning()) {
                    log.info("Shutting down: refusing new connections, letting running requests finish");
                    long t0 = System.nanoTime();
                    context.close();
                    log.info("Stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
                }
            } finally {
                // last: the log lines are queued (logback.xml's asynchronous appender); write them out
                LogSetup.stop();
                done.countDown();
            }
        };
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                Signal.handle(new Signal(name), signal -> {
                    stop.run();
                    System.exit(0);
                });
            }
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.debug("Signals cannot be handled here; stopping through a shutdown hook", e);
        }
        // System.exit elsewhere, or a JVM without signal handling: still close the context
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "gemini-balance-shutdown"));
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
