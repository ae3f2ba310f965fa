package io.github.geminibalance.server;

import static io.github.geminibalance.server.AdminClient.id;
import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with a database may run without a key: started without {@code API_KEYS} (keys are added
 * through the admin API), or with every key deleted. Each front door then answers a clear 503 in its own
 * error shape, {@code /health} says DOWN with 0 keys, and the first key added serves at once.
 */
class EmptyPoolTest {

    private static final String KEY = AdminKeysTest.key("first", 1);
    private static final String CHAT = """
            {"model": "%s", "messages": [{"role": "user", "content": "Hello"}]}""".formatted(MODEL);

    @TempDir
    Path dir;

    private FakeGemini gemini;

    @BeforeEach
    void fake() {
        gemini = FakeGemini.start().generateContent(MODEL, null, GeminiFixtures.textResponse("Hi."));
    }

    @AfterEach
    void stop() {
        gemini.close();
    }

    private TestServer start(List<String> apiKeys) {
        return TestServer.startWithDatabase(TestServer.config(gemini, apiKeys).build(),
                TestServer.serverConfig().withAuthToken(AdminClient.ADMIN_TOKEN),
                TestConfigFactory.database(Map.of("SQLITE_DATABASE", dir.resolve("gemini-balance.db").toString())),
                Map.of());
    }

    private void assertEmpty(TestServer server) throws Exception {
        HttpResponse<String> health = server.send(server.request("/health", null).GET().build());
        assertThat(health.statusCode()).isEqualTo(503);
        JsonNode body = Json.mapper().readTree(health.body());
        assertThat(body.path("status").asText()).isEqualTo("DOWN");
        assertThat(body.path("keys").path("total").asInt()).isZero();
        assertThat(body.path("keys").path("usable").asInt()).isZero();

        HttpResponse<String> chat = server.postJson("/v1/chat/completions", CHAT);
        assertThat(chat.statusCode()).isEqualTo(503);
        JsonNode error = Json.mapper().readTree(chat.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("server_error");
        assertThat(error.path("code").asText()).isEqualTo("no_usable_key");
        assertThat(error.path("message").asText()).contains("no Gemini API key in the pool");

        HttpResponse<String> embeddings = server.postJson("/v1/embeddings",
                "{\"model\": \"gemini-embedding-001\", \"input\": \"hi\"}");
        assertThat(embeddings.statusCode()).isEqualTo(503);
        assertThat(Json.mapper().readTree(embeddings.body()).path("error").path("code").asText()).isEqualTo("no_usable_key");

        HttpResponse<String> nativeCall = server.send(server.request("/v1beta/models/" + MODEL + ":generateContent", null)
                .header("x-goog-api-key", TestServer.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}")).build());
        assertThat(nativeCall.statusCode()).isEqualTo(503);
        JsonNode nativeError = Json.mapper().readTree(nativeCall.body()).path("error");
        assertThat(nativeError.path("code").asInt()).isEqualTo(503);
        assertThat(nativeError.path("status").asText()).isEqualTo("UNAVAILABLE");
        assertThat(nativeError.path("message").asText()).contains("no Gemini API key in the pool");
        assertThat(gemini.requestCount()).as("nothing reached Gemini").isZero();
    }

    @Test
    void startedWithoutApiKeysItAnswers503UntilTheFirstKeyIsAdded() throws Exception {
        try (TestServer server = start(List.of())) {
            assertEmpty(server);

            AdminClient admin = new AdminClient(server);
            assertThat(admin.add(List.of(KEY), false).path("added")).hasSize(1);
            HttpResponse<String> chat = server.postJson("/v1/chat/completions", CHAT);
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
            assertThat(gemini.keysUsed()).containsExactly(KEY);
            HttpResponse<String> health = server.send(server.request("/health", null).GET().build());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(Json.mapper().readTree(health.body()).path("keys").path("total").asInt()).isEqualTo(1);
            admin.assertNoneAnswered(List.of(KEY));
        }
    }

    @Test
    void everyKeyDeletedStaysEmptyAcrossARestartWithTheSameApiKeys() throws Exception {
        try (TestServer server = start(List.of(KEY))) {
            new AdminClient(server).ok("DELETE", "/admin/keys/" + id(KEY), null);
            assertEmpty(server);
        }
        try (TestServer server = start(List.of(KEY))) {
            assertEmpty(server);
            AdminClient admin = new AdminClient(server);
            assertThat(admin.ok("POST", "/admin/keys/" + id(KEY) + "/restore", null).path("state").asText())
                    .isEqualTo("ACTIVE");
            assertThat(server.postJson("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
        }
    }
}
