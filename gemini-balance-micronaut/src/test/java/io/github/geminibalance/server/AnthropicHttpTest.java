package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.store.RecordQuery;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/messages} over the wire: the SSE framing Anthropic clients parse, {@code x-api-key} and
 * bearer authentication, every refusal in Anthropic's envelope, and the request record.
 */
class AnthropicHttpTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String HELLO = "{\"model\":\"" + MODEL + "\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @TempDir
    static Path dir;

    private static FakeGemini gemini;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .generateContent(MODEL, null, GeminiFixtures.textResponse("Hello!"))
                .streamGenerateContent(MODEL, null, GeminiFixtures.textStream("Hel", "lo!"))
                .countTokens(MODEL, null, 5);
        Map<String, String> raw = new HashMap<>();
        raw.put("SQLITE_DATABASE", dir.resolve("records.db").toString());
        server = TestServer.startWithDatabase(TestServer.config(gemini, List.of("AIzaSyTEST-http-key-0000001")).build(),
                TestServer.serverConfig(), TestConfigFactory.database(raw), Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    private static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = server.request(path, null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return server.send(b.build());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    private static void assertAnthropicError(HttpResponse<String> response, int status, String type) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = json(response);
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo(type);
        assertThat(body.path("error").path("message").asText()).isNotBlank();
        assertThat(body.size()).isEqualTo(2);
    }

    @Test
    void aMessageWithXApiKeyAndAnthropicVersion() throws Exception {
        HttpResponse<String> response = post("/v1/messages", HELLO, "x-api-key", TestServer.TOKEN,
                "anthropic-version", "2023-06-01");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode message = json(response);
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("content").path(0).path("text").asText()).isEqualTo("Hello!");
        assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(message.has("stop_sequence")).isTrue();
        assertThat(message.path("usage").has("input_tokens")).isTrue();
    }

    @Test
    void aBearerTokenWorksTooAndSoDoesHf() throws Exception {
        HttpResponse<String> response = post("/hf/v1/messages", HELLO, "Authorization", "Bearer " + TestServer.TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("content").path(0).path("text").asText()).isEqualTo("Hello!");
    }

    @Test
    void theStreamIsNamedServerSentEvents() throws Exception {
        HttpResponse<String> response = post("/v1/messages", HELLO.replace("{\"model\"", "{\"stream\":true,\"model\""),
                "x-api-key", TestServer.TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        String body = response.body();
        assertThat(body).startsWith("event: message_start\ndata: {");
        assertThat(body).contains("\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n");
        assertThat(body).endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        for (String event : body.split("\n\n")) {
            String[] lines = event.split("\n");
            assertThat(lines).hasSize(2);
            String name = lines[0].substring("event: ".length());
            assertThat(Json.mapper().readTree(lines[1].substring("data: ".length())).path("type").asText()).isEqualTo(name);
        }
    }

    @Test
    void countTokens() throws Exception {
        HttpResponse<String> response = post("/v1/messages/count_tokens",
                "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "x-api-key", TestServer.TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"input_tokens\":5}");
    }

    @Test
    void refusalsAreInAnthropicsEnvelope() throws Exception {
        assertAnthropicError(post("/v1/messages", HELLO), 401, "authentication_error");
        assertAnthropicError(post("/v1/messages", HELLO, "x-api-key", "sk-wrong"), 401, "authentication_error");
        assertThat(post("/v1/messages", HELLO, "x-api-key", "sk-wrong").body()).doesNotContain("sk-wrong");
        assertAnthropicError(post("/v1/messages", "{\"model\":", "x-api-key", TestServer.TOKEN), 400, "invalid_request_error");
        assertAnthropicError(post("/v1/messages", "", "x-api-key", TestServer.TOKEN), 400, "invalid_request_error");
        HttpResponse<String> wrongType = post("/v1/messages", "{\"model\":\"" + MODEL + "\",\"max_tokens\":\"many\",\"messages\":[]}",
                "x-api-key", TestServer.TOKEN);
        assertAnthropicError(wrongType, 400, "invalid_request_error");
        assertThat(json(wrongType).path("error").path("message").asText()).contains("max_tokens");
        assertAnthropicError(post("/v1/messages", HELLO.replace(MODEL, "claude-opus-4-1"), "x-api-key", TestServer.TOKEN),
                404, "not_found_error");
        assertAnthropicError(post("/v1/messages/nothing-here", HELLO, "x-api-key", TestServer.TOKEN), 404, "not_found_error");
        assertAnthropicError(server.send(server.request("/v1/messages", null).header("x-api-key", TestServer.TOKEN)
                .GET().build()), 405, "not_found_error");
    }

    @Test
    void aMessageLeavesARequestRecordForItsRoute() throws Exception {
        HttpResponse<String> response = post("/v1/messages", HELLO.replace("\"Hi\"", "\"Record me\""),
                "x-api-key", TestServer.TOKEN, "x-request-id", "anthropic-record-1");
        assertThat(response.statusCode()).isEqualTo(200);

        Store store = server.context().getBean(Store.class);
        RequestRecord record = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (record == null && System.nanoTime() < deadline) {
            assertThat(store.flush(10_000)).isTrue();
            record = store.queries().requests(RecordQuery.latest(500)).items().stream()
                    .filter(r -> "anthropic-record-1".equals(r.requestId())).findFirst().orElse(null);
        }
        assertThat(record).isNotNull();
        assertThat(record.route()).isEqualTo("anthropic.messages");
        assertThat(record.modelAsked()).isEqualTo(MODEL);
        assertThat(record.modelSent()).isEqualTo(MODEL);
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.attempts()).hasSize(1);
        assertThat(record.finishReason()).isEqualTo("STOP");
    }
}
