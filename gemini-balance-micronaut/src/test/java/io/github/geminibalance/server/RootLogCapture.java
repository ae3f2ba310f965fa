package io.github.geminibalance.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures everything logged through Logback's root logger while open, for tests that assert on what
 * the server writes to its log; {@link #everyLevel()} also turns the project's own loggers to ALL, so
 * a secret logged at DEBUG or TRACE is caught too.
 */
final class RootLogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger project = (Logger) LoggerFactory.getLogger("io.github.geminibalance");
    private final Level projectLevel = project.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private RootLogCapture(boolean everyLevel) {
        appender.start();
        root.addAppender(appender);
        if (everyLevel) {
            project.setLevel(Level.ALL);
        }
    }

    /** Captures at the configured levels. */
    static RootLogCapture start() {
        return new RootLogCapture(false);
    }

    /**
     * Captures with {@code io.github.geminibalance} at ALL. Other loggers keep their level: the
     * framework's (io.netty, io.micronaut at WARN in logback.xml), and the fake Gemini's, which logs
     * the keys it receives, as a real Gemini may.
     */
    static RootLogCapture everyLevel() {
        return new RootLogCapture(true);
    }

    /** The events so far. */
    List<ILoggingEvent> events() {
        synchronized (appender) {
            return new ArrayList<>(appender.list);
        }
    }

    /** Every event as its formatted message plus, if any, its whole stack trace (messages and frames). */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : events()) {
            IThrowableProxy t = e.getThrowableProxy();
            out.add(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
                    + (t == null ? "" : "\n" + ThrowableProxyUtil.asString(t)));
        }
        return out;
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        project.setLevel(projectLevel);
    }
}
