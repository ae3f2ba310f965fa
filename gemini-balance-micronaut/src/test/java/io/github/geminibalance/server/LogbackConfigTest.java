package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code logback.xml} writes through an asynchronous appender that never blocks the logging thread (the
 * access log is written on event loops, and stdout may be slow), drops nothing early, and still lets
 * {@code LOG_FORMAT=json} find the console appender; stopping the context writes out what is queued.
 * Each test configures its own LoggerContext from the file, so the tests' shared one is left alone.
 */
class LogbackConfigTest {

    private static LoggerContext configured() throws Exception {
        URL xml = LogbackConfigTest.class.getClassLoader().getResource("logback.xml");
        assertThat(xml).isNotNull();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // as SLF4J's binding does
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(xml);
        return context;
    }

    @Test
    void theConsoleIsBehindANonBlockingAsyncAppender() throws Exception {
        LoggerContext context = configured();
        try {
            Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            Appender<ILoggingEvent> async = root.getAppender("ASYNC");
            assertThat(async).isInstanceOf(BatchingAsyncAppender.class);
            BatchingAsyncAppender a = (BatchingAsyncAppender) async;
            assertThat(a.isNeverBlock()).as("a full queue drops, never stalls an event loop").isTrue();
            assertThat(a.getDiscardingThreshold()).as("INFO is not dropped before the queue is full").isZero();
            assertThat(a.isIncludeCallerData()).isFalse();
            assertThat(root.getAppender(LogSetup.APPENDER)).as("only through the queue").isNull();
            assertThat(LogSetup.console(context)).isInstanceOf(OutputStreamAppender.class);
        } finally {
            context.stop();
        }
    }

    @Test
    void jsonFormatSwapsTheEncoderOfTheConsoleInsideTheAsyncAppender() throws Exception {
        LoggerContext context = configured();
        try {
            LogSetup.apply(context, ServerSettings.defaults().withLogFormat(ServerSettings.LogFormat.JSON));
            @SuppressWarnings("unchecked")
            OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>) LogSetup.console(context);
            assertThat(console.getEncoder()).isInstanceOf(JsonLineEncoder.class);
            assertThat(console.isStarted()).isTrue();
        } finally {
            context.stop();
        }
    }

    @Test
    void stoppingTheContextWritesOutWhatIsQueued() throws Exception {
        LoggerContext context = configured();
        @SuppressWarnings("unchecked")
        OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>) LogSetup.console(context);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        console.setOutputStream(out); // the lines go here, not to the build's output
        Logger log = context.getLogger("logback-config-test");
        for (int i = 0; i < 1_000; i++) {
            log.info("line {}", i);
        }
        context.stop(); // what GracefulShutdown does last (LogSetup.stop)
        String written = out.toString(StandardCharsets.UTF_8);
        assertThat(written.lines().filter(l -> l.contains("logback-config-test - line ")).count()).isEqualTo(1_000);
        assertThat(written).contains("line 999");
    }
}
