package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A body over {@code micronaut.server.max-request-size} gets a 413 in the OpenAI envelope. */
class LimitsTest {

    private static FakeGemini gemini;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start();
        server = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-key-0001")).build(),
                Map.of("micronaut.server.max-request-size", "1KB"));
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @Test
    void tooLargeBodyIs413Envelope() throws Exception {
        String big = "x".repeat(4096);
        HttpResponse<String> response = server.postJson("/v1/chat/completions",
                "{\"model\": \"gemini-2.5-flash\", \"messages\": [{\"role\": \"user\", \"content\": \"" + big + "\"}]}");

        assertThat(response.statusCode()).isEqualTo(413);
        JsonNode error = Json.mapper().readTree(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("request_too_large");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.has("param")).isTrue();
    }
}
