package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** {@code LOG_FORMAT=json} and {@code LOG_LEVEL}: the encoder and its set-up. */
class JsonLineEncoderTest {

    private final LoggerContext context = new LoggerContext();

    private String encode(LoggingEvent event) {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    private LoggingEvent event(String message, Throwable thrown) {
        Logger logger = context.getLogger(AccessLog.LOGGER);
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, message, thrown, null);
        event.setThreadName("event-loop-1");
        return event;
    }

    @Test
    void oneObjectALineWithTypedFieldsAndEverythingEscaped() throws Exception {
        String evil = "m\n\"x\"\\\u0000\u001b[31m\u007f\u009b\u2028\u202e";
        LoggingEvent event = event("line " + evil, new IllegalStateException("boom\nsecond line"));
        event.addKeyValuePair(new KeyValuePair("model", evil));
        event.addKeyValuePair(new KeyValuePair("status", 200));
        event.addKeyValuePair(new KeyValuePair("latency_ms", 12L));
        event.addKeyValuePair(new KeyValuePair("stream", true));
        event.addKeyValuePair(new KeyValuePair("keys", List.of("k-1", "k-2")));
        event.addKeyValuePair(new KeyValuePair("message", "a pair may not replace a standard field"));

        String json = encode(event);

        assertThat(json.indexOf('\n')).isEqualTo(json.length() - 1);
        assertThat(json.chars().limit(json.length() - 1).noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || c == 0x2028 || c == 0x202e)).as(json).isTrue();
        JsonNode node = Json.mapper().readTree(json);
        assertThat(node.path("model").asText()).isEqualTo(evil);
        assertThat(node.path("message").asText()).isEqualTo("line " + evil);
        assertThat(node.path("status").isInt()).isTrue();
        assertThat(node.path("latency_ms").asLong()).isEqualTo(12L);
        assertThat(node.path("stream").isBoolean()).isTrue();
        assertThat(Json.mapper().convertValue(node.path("keys"), List.class)).containsExactly("k-1", "k-2");
        assertThat(node.path("level").asText()).isEqualTo("INFO");
        assertThat(node.path("logger").asText()).isEqualTo(AccessLog.LOGGER);
        assertThat(node.path("thread").asText()).isEqualTo("event-loop-1");
        assertThat(node.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(node.path("exception").asText()).contains("IllegalStateException: boom\nsecond line");
    }

    @Test
    void logSetupSwapsTheEncoderForJsonAndSetsTheLevelOfOurLoggers() {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setName(LogSetup.APPENDER);
        console.setContext(context);
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setPattern("%msg%n");
        text.setContext(context);
        text.start();
        console.setEncoder(text);
        console.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(console);

        LogSetup.apply(context, ServerSettings.from(Map.of("LOG_FORMAT", "text", "LOG_LEVEL", "warning")));
        assertThat(console.getEncoder()).isSameAs(text);
        assertThat(context.getLogger(LogSetup.OWN_LOGGERS).getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger(AccessLog.LOGGER).getLevel()).isEqualTo(Level.WARN);

        LogSetup.apply(context, ServerSettings.from(Map.of("LOG_FORMAT", "json", "LOG_LEVEL", "debug")));
        assertThat(console.getEncoder()).isInstanceOf(JsonLineEncoder.class);
        assertThat(console.isStarted()).isTrue();
        assertThat(context.getLogger("io.github.geminibalance.server.AuthFilter").getEffectiveLevel())
                .isEqualTo(Level.DEBUG);
        assertThat(context.getLogger("io.netty").getEffectiveLevel()).isEqualTo(Level.DEBUG); // root: untouched
        console.stop();
    }
}
