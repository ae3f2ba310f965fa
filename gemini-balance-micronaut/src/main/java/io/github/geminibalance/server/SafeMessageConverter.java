package io.github.geminibalance.server;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.github.geminibalance.util.LogText;

/**
 * {@code %safeMsg} in the text log pattern: the message with every control character escaped, so no
 * line, ours or a library's, can carry a raw newline, carriage return, NUL or terminal escape. Our own
 * lines already quote client text ({@link LogText#quote}); this is the net under everything else.
 * Public because Logback instantiates it from {@code logback.xml}.
 */
public final class SafeMessageConverter extends ClassicConverter {

    /** Called by Logback. */
    public SafeMessageConverter() {}

    @Override
    public String convert(ILoggingEvent event) {
        return LogText.escapeControls(event.getFormattedMessage());
    }
}
