package io.github.geminibalance.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AsyncAppenderBase;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code LOG_FORMAT} and {@code LOG_LEVEL} to Logback at start-up, on top of {@code logback.xml}
 * (which keeps the appender and the levels of the libraries): {@code json} swaps the console appender's
 * encoder for {@link JsonLineEncoder}; the level goes to the server's own loggers,
 * {@code io.github.geminibalance} and the access log {@value AccessLog#LOGGER}.
 */
final class LogSetup {

    /** The console appender's name in {@code logback.xml} (behind the asynchronous appender there). */
    static final String APPENDER = "STDOUT";
    /** The parent of the server's and the core's loggers. */
    static final String OWN_LOGGERS = "io.github.geminibalance";

    private LogSetup() {}

    /** Applies the settings to the running Logback (nothing when another SLF4J backend is bound). */
    static void apply(ServerSettings settings) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            apply(context, settings);
        }
    }

    /** Applies the settings to a Logback context. */
    static void apply(LoggerContext context, ServerSettings settings) {
        Level level = Level.toLevel(settings.logLevel(), Level.INFO);
        context.getLogger(OWN_LOGGERS).setLevel(level);
        context.getLogger(AccessLog.LOGGER).setLevel(level);
        if (settings.logFormat() != ServerSettings.LogFormat.JSON) {
            return;
        }
        if (console(context) instanceof OutputStreamAppender<ILoggingEvent> out) {
            JsonLineEncoder encoder = new JsonLineEncoder();
            encoder.setContext(context);
            encoder.start();
            out.stop();
            out.setEncoder(encoder);
            out.start();
        }
    }

    /**
     * The console appender {@value #APPENDER}: on the root logger, or (as {@code logback.xml} has it)
     * inside an asynchronous appender there ({@link BatchingAsyncAppender} or Logback's own); null when
     * there is none.
     */
    static Appender<ILoggingEvent> console(LoggerContext context) {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> direct = root.getAppender(APPENDER);
        if (direct != null) {
            return direct;
        }
        for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> appender = it.next();
            if (appender instanceof BatchingAsyncAppender batching && batching.getAppender(APPENDER) != null) {
                return batching.getAppender(APPENDER);
            }
            if (appender instanceof AsyncAppenderBase<ILoggingEvent> async && async.getAppender(APPENDER) != null) {
                return async.getAppender(APPENDER);
            }
        }
        return null;
    }

    /**
     * Stops Logback, which drains the asynchronous appender's queue to the console: the last thing the
     * shutdown does, so its own lines are written too (nothing when another SLF4J backend is bound).
     */
    static void stop() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
