package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.internal.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gemini sends a {@code 200} head and then breaks (closes or resets the connection mid-body). A
 * non-streaming native call answers {@code 502} in Gemini's error shape; a stream that has already
 * reached the client ends with an error event instead, and one that has not gets the {@code 502}.
 * Nothing is logged at ERROR and no stack trace is written, on both upstream transports.
 */
class NativeUpstreamBreakTest {

    private static final String KEY = "AIzaSyTEST-break-key-0000001";
    private static final String EVENT = "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hel\"}],\"role\": \"model\"},\"index\": 0}]}";

    private static BrokenUpstream upstream;
    private static final Map<String, TestServer> servers = new HashMap<>();

    @BeforeAll
    static void startUpstream() throws Exception {
        upstream = BrokenUpstream.start(NativeUpstreamBreakTest::answer);
    }

    // A broken answer counts against its key; the next case needs it back.
    @AfterEach
    void resetKeys() {
        for (TestServer server : servers.values()) {
            GeminiBalance balance = server.context().getBean(GeminiBalance.class);
            balance.keyStatus().forEach(k -> balance.resetKey(k.id()));
        }
    }

    @AfterAll
    static void stopUpstream() throws Exception {
        servers.values().forEach(TestServer::close);
        upstream.close();
    }

    // The model name picks the way the answer breaks.
    private static BrokenUpstream.Answer answer(String requestLine) {
        String json = "application/json; charset=UTF-8";
        boolean reset = requestLine.contains("-reset");
        if (requestLine.contains("/models/head-only")) {
            return new BrokenUpstream.Answer(BrokenUpstream.head(json, 500, ""), reset);
        }
        if (requestLine.contains("/models/half-body")) {
            return new BrokenUpstream.Answer(BrokenUpstream.head(json, 500, "{\"candidates\": [{\"cont"), reset);
        }
        if (requestLine.contains("/models/chunked-half")) {
            return new BrokenUpstream.Answer(BrokenUpstream.head(json, -1, BrokenUpstream.chunk("{\"candidates\": [")), reset);
        }
        if (requestLine.contains("/models/sse-one-event")) {
            return new BrokenUpstream.Answer(BrokenUpstream.head("text/event-stream", -1,
                    BrokenUpstream.chunk("data: " + EVENT + "\r\n\r\n")), reset);
        }
        if (requestLine.contains("/models/sse-nothing")) {
            return new BrokenUpstream.Answer(BrokenUpstream.head("text/event-stream", -1, ""), reset);
        }
        if (requestLine.contains("/models/array-one")) {
            return new BrokenUpstream.Answer(BrokenUpstream.head(json, -1, BrokenUpstream.chunk("[" + EVENT)), reset);
        }
        return new BrokenUpstream.Answer("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", false);
    }

    static Stream<Arguments> nonStreaming() {
        return Stream.of("netty", "jdk").flatMap(transport -> Stream.of(
                "head-only", "head-only-reset", "half-body", "half-body-reset", "chunked-half", "chunked-half-reset")
                .flatMap(model -> Stream.of("generateContent", "countTokens", "embedContent")
                        .map(method -> Arguments.of(transport, model, method))));
    }

    @ParameterizedTest(name = "{0} {1}:{2}")
    @MethodSource("nonStreaming")
    void aBrokenAnswerToACallIsA502InGeminisShape(String transport, String model, String method) throws Exception {
        TestServer server = server(transport);
        try (RootLogCapture log = RootLogCapture.start()) {
            HttpResponse<String> response = post(server, "/v1beta/models/" + model + ":" + method);

            assertThat(response.statusCode()).isEqualTo(502);
            JsonNode error = Json.mapper().readTree(response.body()).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(502);
            assertThat(error.path("status").asText()).isEqualTo("UNAVAILABLE");
            assertThat(error.path("message").asText()).startsWith("could not reach Gemini").doesNotContain("Exception");
            assertQuietLog(log);
        }
    }

    static Stream<Arguments> transports() {
        return Stream.of(Arguments.of("netty", ""), Arguments.of("netty", "-reset"),
                Arguments.of("jdk", ""), Arguments.of("jdk", "-reset"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transports")
    void aBrokenServerSentEventStreamEndsWithAnErrorEvent(String transport, String reset) throws Exception {
        TestServer server = server(transport);
        try (RootLogCapture log = RootLogCapture.start()) {
            HttpResponse<String> response = post(server,
                    "/v1beta/models/sse-one-event" + reset + ":streamGenerateContent?alt=sse");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("data: " + EVENT + "\r\n\r\n");
            String last = response.body().substring(("data: " + EVENT + "\r\n\r\n").length());
            assertThat(last).startsWith("data: {\"error\":{\"code\":502,").endsWith("\r\n\r\n");
            JsonNode error = Json.mapper().readTree(last.substring("data: ".length()).trim()).path("error");
            assertThat(error.path("status").asText()).isEqualTo("UNAVAILABLE");
            assertQuietLog(log);
        }
    }

    @Test
    void theWarningOfABrokenStreamQuotesThePathAndTheMessage() throws Exception {
        TestServer server = server("netty");
        try (RootLogCapture log = RootLogCapture.start()) {
            post(server, "/v1beta/models/sse-one-event:streamGenerateContent?alt=sse");

            // client text in a log line is quoted (LogText.quote), so it cannot forge a line
            assertThat(log.lines()).anySatisfy(line -> assertThat(line)
                    .contains("\"/v1beta/models/sse-one-event:streamGenerateContent\" -> stream ended early (502): \""));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transports")
    void aBrokenJsonArrayStreamEndsWithAnErrorElement(String transport, String reset) throws Exception {
        TestServer server = server(transport);
        try (RootLogCapture log = RootLogCapture.start()) {
            HttpResponse<String> response = post(server, "/v1beta/models/array-one" + reset + ":streamGenerateContent");

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode array = Json.mapper().readTree(response.body());
            assertThat(array.isArray()).isTrue();
            assertThat(array.size()).isEqualTo(2);
            assertThat(array.get(1).path("error").path("code").asInt()).isEqualTo(502);
            assertQuietLog(log);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transports")
    void aStreamThatBreaksBeforeItsFirstByteIsA502(String transport, String reset) throws Exception {
        TestServer server = server(transport);
        try (RootLogCapture log = RootLogCapture.start()) {
            HttpResponse<String> response = post(server,
                    "/v1beta/models/sse-nothing" + reset + ":streamGenerateContent?alt=sse");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(Json.mapper().readTree(response.body()).path("error").path("status").asText())
                    .isEqualTo("UNAVAILABLE");
            assertQuietLog(log);
        }
    }

    private static TestServer server(String transport) {
        return servers.computeIfAbsent(transport, NativeUpstreamBreakTest::start);
    }

    private static TestServer start(String transport) {
        GeminiBalanceConfig config = GeminiBalanceConfig.builder()
                .apiKeys(List.of(KEY))
                .baseUrl(upstream.baseUrl())
                .build();
        return TestServer.start(config, TestServer.serverConfig()
                .withUpstreamClient(ServerConfig.UpstreamClient.valueOf(transport.toUpperCase(java.util.Locale.ROOT))));
    }

    private static HttpResponse<String> post(TestServer server, String path) throws Exception {
        return server.send(server.request(path, TestServer.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}")).build());
    }

    private static void assertQuietLog(RootLogCapture log) {
        assertThat(log.events()).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
        assertThat(log.events()).noneMatch(e -> e.getThrowableProxy() != null && e.getLevel().isGreaterOrEqual(Level.WARN));
    }
}
