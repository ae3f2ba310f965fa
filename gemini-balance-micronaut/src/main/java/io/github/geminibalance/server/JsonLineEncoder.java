package io.github.geminibalance.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * {@code LOG_FORMAT=json}: every log event as one JSON object on one line, {@code time} (ISO-8601 UTC),
 * {@code level}, {@code logger}, {@code thread}, {@code message}, then the event's key-value pairs as
 * fields of their own (the access line's {@code request_id}, {@code status}, ...; numbers stay numbers,
 * lists become arrays), and {@code exception} with the stack trace. Jackson writes the strings, so
 * quotes, backslashes and control characters in any value are escaped; DEL, C1 controls, the Unicode
 * line separators and bidi controls are escaped too, so a value cannot reshape what a terminal shows.
 *
 * <p>Built here rather than with Logback's {@code JsonEncoder} because that one nests key-value pairs
 * in a list and writes fields an access log does not need.
 */
final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

    private static final Set<String> RESERVED = Set.of("time", "level", "logger", "thread", "message", "exception");
    private static final JsonFactory FACTORY = new JsonFactory().setCharacterEscapes(new Escapes());

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            g.writeStringField("message", event.getFormattedMessage());
            List<KeyValuePair> pairs = event.getKeyValuePairs();
            if (pairs != null) {
                for (KeyValuePair kv : pairs) {
                    if (kv.key != null && !RESERVED.contains(kv.key)) {
                        g.writeFieldName(kv.key);
                        write(g, kv.value);
                    }
                }
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                g.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Collection<?> items) {
            g.writeStartArray();
            for (Object item : items) {
                write(g, item);
            }
            g.writeEndArray();
        } else {
            g.writeString(value.toString());
        }
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    /** Jackson's standard escapes plus DEL, C1, U+2028/2029 and the bidi controls. */
    private static final class Escapes extends CharacterEscapes {
        private final int[] ascii = standardAsciiEscapesForJSON();

        Escapes() {
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            boolean escape = (ch >= 0x80 && ch <= 0x9f) || ch == 0x2028 || ch == 0x2029
                    || (ch >= 0x202a && ch <= 0x202e) || (ch >= 0x2066 && ch <= 0x2069);
            return escape ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }
}
