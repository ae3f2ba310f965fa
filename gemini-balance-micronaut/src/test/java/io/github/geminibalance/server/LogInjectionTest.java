package io.github.geminibalance.server;

import static io.github.geminibalance.server.LogCapture.fields;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.util.LogText;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Client text cannot shape the log: model names with a newline, a carriage return, a NUL or an ANSI
 * escape, sent through every front door (OpenAI chat, streamed chat, embeddings, model lookup, the native
 * API), never put a raw control character in a log line, so no line can be split into a forged one, in
 * the text format or in JSON.
 */
class LogInjectionTest {

    private static final List<String> EVIL = List.of(
            "gemini\nINFO  AuthFilter - admin token accepted",
            "gemini\rOVERWRITTEN",
            "gemini\u0000nul",
            "gemini\u001b[31mred\u001b[0m");

    private static FakeGemini gemini;
    private static TestServer server;
    private static LogCapture all;
    private static Level ownLevel;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start().models(List.of("gemini-2.5-flash"), 50);
        for (String model : EVIL) {
            gemini.rateLimited(model, null, "38s"); // if it matches: cooldown and retry lines name the model
        }
        Logger own = (Logger) LoggerFactory.getLogger(LogSetup.OWN_LOGGERS);
        ownLevel = own.getLevel();
        own.setLevel(Level.DEBUG); // the error lines that quote messages are DEBUG for 4xx
        all = LogCapture.of(Logger.ROOT_LOGGER_NAME, null);
        server = TestServer.start(TestServer.config(gemini, List.of("AIzaSyINJECT-key-0001", "AIzaSyINJECT-key-0002"))
                .build());
    }

    @AfterAll
    static void stop() {
        all.close();
        ((Logger) LoggerFactory.getLogger(LogSetup.OWN_LOGGERS)).setLevel(ownLevel);
        server.close();
        gemini.close();
    }

    private static String jsonString(String s) throws Exception {
        return Json.mapper().writeValueAsString(s);
    }

    private static HttpResponse<String> post(String path, String id, String body) throws Exception {
        return server.send(server.request(path, TestServer.TOKEN).header("Content-Type", "application/json")
                .header("x-request-id", id).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void noFrontDoorLetsClientTextShapeALogLine() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < EVIL.size(); i++) {
            String model = jsonString(EVIL.get(i));
            String messages = "[{\"role\":\"user\",\"content\":\"hi\"}]";
            post("/v1/chat/completions", "chat-" + i, "{\"model\":" + model + ",\"messages\":" + messages + "}");
            post("/v1/chat/completions", "stream-" + i,
                    "{\"model\":" + model + ",\"stream\":true,\"messages\":" + messages + "}");
            post("/hf/v1/embeddings", "embed-" + i, "{\"model\":" + model + ",\"input\":\"hi\"}");
            post("/v1/chat/completions", "tool-" + i, "{\"model\":\"gemini-2.5-flash\",\"messages\":" + messages
                    + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":" + model + "}}]}");
            String encoded = URLEncoder.encode(EVIL.get(i), StandardCharsets.UTF_8).replace("+", "%20");
            server.send(server.request("/v1/models/" + encoded, TestServer.TOKEN).header("x-request-id", "lookup-" + i)
                    .GET().build());
            server.send(server.request("/v1beta/models/" + encoded + ":generateContent", null)
                    .header("x-goog-api-key", TestServer.TOKEN).header("Content-Type", "application/json")
                    .header("x-request-id", "native-" + i).POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            ids.addAll(List.of("chat-" + i, "stream-" + i, "embed-" + i, "tool-" + i, "lookup-" + i, "native-" + i));
        }
        for (String id : ids) {
            all.accessLine(id); // every request was logged (streams when they ended)
        }
        for (int i = 0; i < EVIL.size(); i++) {
            ILoggingEvent chat = all.accessLine("chat-" + i);
            // JSON gets the model as sent (its encoder escapes it); text gets it quoted
            assertThat(fields(chat)).containsEntry("model", EVIL.get(i));
            assertThat(chat.getFormattedMessage()).contains(" model=" + LogText.quote(EVIL.get(i)) + " ");
            assertThat(fields(all.accessLine("embed-" + i))).containsEntry("model", EVIL.get(i));
            assertThat(LogText.escapeControls(all.accessLine("native-" + i).getFormattedMessage()))
                    .as("the native path is logged percent-encoded, as sent").contains("route=\"POST /v1beta/models/gemini%");
        }

        List<ILoggingEvent> events = all.events();
        assertThat(events.size()).isGreaterThanOrEqualTo(ids.size());
        for (ILoggingEvent e : events) {
            String text = LogCapture.text(e);
            String messageLine = e.getThrowableProxy() == null ? text : text.substring(0, text.indexOf('\n') + 1);
            assertThat(messageLine.indexOf('\n')).as("one line: %s", messageLine).isEqualTo(messageLine.length() - 1);
            assertThat(withoutFinalNewline(messageLine)).as("text line of %s", e.getLoggerName())
                    .satisfies(LogInjectionTest::hasNoControlCharacter);

            String json = LogCapture.json(e);
            assertThat(json.indexOf('\n')).as("one JSON line").isEqualTo(json.length() - 1);
            assertThat(withoutFinalNewline(json)).satisfies(LogInjectionTest::hasNoControlCharacter);
            JsonNode node = Json.mapper().readTree(json);
            assertThat(node.path("message").asText()).isEqualTo(e.getFormattedMessage());

            // our call sites quote client text themselves
            assertThat(e.getFormattedMessage()).as("message of %s", e.getLoggerName())
                    .satisfies(LogInjectionTest::hasNoControlCharacter);
        }
    }

    private static String withoutFinalNewline(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private static void hasNoControlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            assertThat(c < 0x20 || (c >= 0x7f && c <= 0x9f)).as("raw U+%04X at %d in %s", (int) c, i, s).isFalse();
        }
    }
}
