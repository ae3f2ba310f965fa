package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.internal.Json;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Heads the HTTP codec cannot read (a {@code Content-Length} that is no number) are answered with 400
 * in the route's shape and the connection closed, with no ERROR in the log; a pipelined request refused
 * while an earlier one is still being answered does not cut into that answer.
 */
class MalformedHeadTest {

    private static TestServer server;
    private static int port;

    @BeforeAll
    static void start() {
        // Gemini at port 9 (nothing listens): a request that reaches it is answered only after a failed
        // connect, asynchronously
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(List.of("AIzaSyTEST-malformed-01"))
                .baseUrl("http://127.0.0.1:9/v1beta").build();
        server = TestServer.start(config, ServerSettings.defaults(), Map.of());
        port = URI.create(server.url()).getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1, 2", "99999999999999999999"})
    void nonNumericContentLengthGets400AndTheConnectionCloses(String length) throws Exception {
        RawConnection.Response openAi;
        RawConnection.Response gemini;
        long openAiClosed;
        try (RootLogCapture log = RootLogCapture.start()) {
            try (RawConnection c = new RawConnection(port)) {
                openAi = c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + TestServer.TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: " + length
                        + "\r\n\r\n{}").readResponse();
                openAiClosed = c.millisUntilClosed();
            }
            try (RawConnection c = new RawConnection(port)) {
                gemini = c.send("POST /v1beta/models/gemini-2.5-flash:generateContent HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Length: " + length + "\r\n\r\n{}").readResponse();
            }
            assertThat(log.events()).as("no stack trace, no ERROR").noneMatch(e -> e.getLevel() == Level.ERROR);
        }
        assertThat(openAi.status()).isEqualTo(400);
        JsonNode error = Json.mapper().readTree(openAi.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_request");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(openAi.headers()).contains("connection: close").contains("x-request-id:");
        assertThat(openAiClosed).as("closed by the server").isNotNegative();
        assertThat(gemini.status()).isEqualTo(400);
        assertThat(Json.mapper().readTree(gemini.body()).path("error").path("status").asText())
                .isEqualTo("INVALID_ARGUMENT");
    }

    @Test
    void pipelinedRequestRefusedWhileTheFirstIsAnsweredDoesNotReplaceItsAnswer() throws Exception {
        String body = "{\"model\": \"gemini-2.5-flash\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        try (RawConnection c = new RawConnection(port)) {
            // both heads in one write: the second (over MAX_REQUEST_BYTES) reaches the guard while the
            // first is still waiting for Gemini
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TestServer.TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                    + "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999999\r\n\r\n");
            RawConnection.Response first = c.readResponse();
            assertThat(first.status()).as("the first request's own answer (Gemini unreachable), not the 413")
                    .isNotEqualTo(413);
            assertThat(Json.mapper().readTree(first.body()).path("error").path("code").asText())
                    .isNotEqualTo("request_too_large");
            assertThat(c.millisUntilClosed()).as("then the connection is closed").isNotNegative();
        }
    }
}
