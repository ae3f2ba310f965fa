package io.github.geminibalance.server;

import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /health} goes DOWN (503) when no key is usable. Also shows the {@code @MicronautTest} way of
 * starting the server with an explicit configuration: a {@link TestPropertyProvider} registers it with
 * {@link TestConfigFactory}.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthTest implements TestPropertyProvider {

    private static final String ONLY_KEY = "AIzaSyTEST-revoked-key-01";

    private final FakeGemini gemini = FakeGemini.start()
            .error(MODEL, ONLY_KEY, GeminiErrorKind.API_KEY_INVALID_400);

    @Inject
    EmbeddedServer server;

    @Inject
    GeminiBalance geminiBalance;

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    public Map<String, String> getProperties() {
        GeminiBalanceConfig config = GeminiBalanceConfig.builder()
                .apiKeys(List.of(ONLY_KEY))
                .baseUrl(gemini.baseUrl())
                .build();
        return Map.of("micronaut.server.port", "-1", TestConfigFactory.PROPERTY, TestConfigFactory.register(config));
    }

    @AfterAll
    void stopGemini() {
        gemini.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + server.getPort() + path));
    }

    @Test
    void healthGoesDownWhenTheOnlyKeyIsRejected() throws Exception {
        HttpResponse<String> before = send(request("/health").GET());
        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(before.body()).path("status").asText()).isEqualTo("UP");

        HttpResponse<String> chat = send(request("/v1/chat/completions")
                .header("Authorization", "Bearer " + TestServer.TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")));
        assertThat(chat.statusCode()).isEqualTo(503);
        assertThat(chat.body()).doesNotContain(ONLY_KEY);

        HttpResponse<String> after = send(request("/health").GET());
        assertThat(after.statusCode()).isEqualTo(503);
        JsonNode body = Json.mapper().readTree(after.body());
        assertThat(body.path("status").asText()).isEqualTo("DOWN");
        assertThat(body.path("keys").path("total").asInt()).isEqualTo(1);
        assertThat(body.path("keys").path("usable").asInt()).isZero();
        assertThat(body.path("keys").path("states").path("INVALID").asInt()).isEqualTo(1);
        assertThat(geminiBalance.hasUsableKey()).isFalse();
    }
}
