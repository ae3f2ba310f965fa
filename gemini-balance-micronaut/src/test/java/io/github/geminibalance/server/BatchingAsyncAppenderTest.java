package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchingAsyncAppender} writes what is logged without being stopped (a writer that sleeps is
 * woken, a busy one takes the next batch), flushes the buffered console after each batch, and drops
 * rather than blocks when its queue is full. Each test has its own LoggerContext.
 */
class BatchingAsyncAppenderTest {

    private static LoggerContext configured() throws Exception {
        URL xml = BatchingAsyncAppenderTest.class.getClassLoader().getResource("logback.xml");
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(xml);
        return context;
    }

    private static String awaitWritten(ByteArrayOutputStream out, String text) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            String written;
            synchronized (out) {
                written = out.toString(StandardCharsets.UTF_8);
            }
            if (written.contains(text)) {
                return written;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(text + " was not written within 2 s");
    }

    @Test
    void linesReachTheConsoleWhileRunningBothFromAnIdleAndABusyWriter() throws Exception {
        LoggerContext context = configured();
        try {
            @SuppressWarnings("unchecked")
            OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>) LogSetup.console(context);
            assertThat(console).isInstanceOf(BufferedConsoleAppender.class);
            assertThat(console.isImmediateFlush()).as("the batch is flushed, not every line").isFalse();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            console.setOutputStream(out);
            Logger log = context.getLogger("batching-test");

            log.info("first line"); // the writer is asleep: this must wake it
            awaitWritten(out, "first line");
            Thread.sleep(50); // asleep again
            log.info("second line");
            awaitWritten(out, "second line");
            for (int i = 0; i < 500; i++) { // a busy writer: batches, no wake-up per line
                log.info("burst {}", i);
            }
            String written = awaitWritten(out, "burst 499");
            assertThat(written.lines().filter(l -> l.contains("batching-test - burst ")).count()).isEqualTo(500);
        } finally {
            context.stop();
        }
    }

    @Test
    void aFullQueueDropsInsteadOfBlockingTheLogger() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // as SLF4J's binding does
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger written = new AtomicInteger();
        AppenderBase<ILoggingEvent> stalled = new AppenderBase<>() { // a console nobody reads
            @Override
            protected void append(ILoggingEvent event) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.incrementAndGet();
            }
        };
        stalled.setContext(context);
        stalled.setName("stalled");
        stalled.start();
        BatchingAsyncAppender async = new BatchingAsyncAppender();
        async.setContext(context);
        async.setName("ASYNC");
        async.setQueueSize(4);
        async.setDiscardingThreshold(0);
        async.addAppender(stalled);
        async.start();
        Logger log = context.getLogger(Logger.ROOT_LOGGER_NAME);
        log.addAppender(async);
        try {
            log.info("taken by the writer, which then stalls");
            for (int i = 0; i < 200 && async.getNumberOfElementsInQueue() > 0; i++) {
                Thread.sleep(5); // until the writer holds the first line
            }
            long start = System.nanoTime();
            for (int i = 0; i < 1_000; i++) {
                log.info("line {}", i);
            }
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(tookMs).as("the logger never waited for the stalled console").isLessThan(2_000);
            assertThat(async.getNumberOfElementsInQueue()).isEqualTo(4);
            assertThat(async.getRemainingCapacity()).isZero();
        } finally {
            release.countDown();
            context.stop();
        }
        assertThat(written.get()).as("the held line and the four queued, the rest dropped").isEqualTo(5);
    }
}
