package io.github.geminibalance.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** Captures the events of a Logback logger (and its children) for a test; restores the level on close. */
final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level previous;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String name, Level level) {
        this.logger = (Logger) LoggerFactory.getLogger(name);
        this.previous = logger.getLevel();
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        if (level != null) {
            logger.setLevel(level);
        }
    }

    /** Captures {@code name}'s events, at {@code level} (null: keep the configured level). */
    static LogCapture of(String name, Level level) {
        return new LogCapture(name, level);
    }

    /** The events so far. */
    List<ILoggingEvent> events() {
        synchronized (appender) { // AppenderBase.doAppend holds this lock
            return new ArrayList<>(appender.list);
        }
    }

    /** Waits (up to 20 s) for an event matching {@code match}: a streamed request is logged when it ends. */
    ILoggingEvent await(Predicate<ILoggingEvent> match) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            for (ILoggingEvent e : events()) {
                if (match.test(e)) {
                    return e;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such log event; got " + events().stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    /** The access line of a request id. */
    ILoggingEvent accessLine(String requestId) throws InterruptedException {
        return await(e -> requestId.equals(fields(e).get("request_id")));
    }

    /** An event's key-value pairs. */
    static Map<String, Object> fields(ILoggingEvent e) {
        Map<String, Object> out = new HashMap<>();
        List<KeyValuePair> pairs = e.getKeyValuePairs();
        if (pairs != null) {
            pairs.forEach(kv -> out.put(kv.key, kv.value));
        }
        return out;
    }

    /** The event as the production text appender ({@code logback.xml}'s STDOUT) writes it. */
    static String text(ILoggingEvent e) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Appender<ILoggingEvent> stdout = LogSetup.console(context);
        if (stdout instanceof OutputStreamAppender<ILoggingEvent> out
                && out.getEncoder() instanceof LayoutWrappingEncoder<ILoggingEvent> layout) {
            return layout.getLayout().doLayout(e);
        }
        throw new AssertionError("logback.xml's STDOUT appender is not a text appender");
    }

    /** The event as {@code LOG_FORMAT=json} writes it. */
    static String json(ILoggingEvent e) {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        return new String(encoder.encode(e), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(previous);
        appender.stop();
    }
}
