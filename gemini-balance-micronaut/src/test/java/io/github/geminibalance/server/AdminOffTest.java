package io.github.geminibalance.server;

import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Without {@code AUTH_TOKEN} the admin API does not exist, whatever token is sent. */
class AdminOffTest {

    private static final String KEY = "AIzaSyTEST-no-admin-key-01";

    private static FakeGemini gemini;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start().generateContent(MODEL, null, GeminiFixtures.textResponse("Hi."));
        server = TestServer.start(TestServer.config(gemini, List.of(KEY)).build());
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @Test
    void everyAdminRouteIs404AndDoesNothing() throws Exception {
        String id = new ApiKey(KEY).id();
        for (String token : new String[] {TestServer.TOKEN, AdminApiTest.ADMIN_TOKEN, null}) {
            for (String[] call : new String[][] {{"GET", "/admin/keys"}, {"POST", "/admin/keys/" + id + "/disable"},
                    {"POST", "/admin/keys/check?all=true"}}) {
                HttpResponse<String> response = server.send(server.request(call[1], token)
                        .method(call[0], HttpRequest.BodyPublishers.noBody()).build());
                assertThat(response.statusCode()).as("%s %s with %s", call[0], call[1], token).isEqualTo(404);
                JsonNode error = Json.mapper().readTree(response.body()).path("error");
                assertThat(error.path("code").asText()).isEqualTo("not_found");
                assertThat(error.path("message").asText()).contains("AUTH_TOKEN");
            }
        }
        assertThat(gemini.requestCount()).as("no key check ran").isZero();
        HttpResponse<String> chat = server.postJson("/v1/chat/completions",
                "{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}");
        assertThat(chat.statusCode()).as("the key was not disabled").isEqualTo(200);
    }

    @Test
    void healthHasThePoolSummaryAndNoRedisFieldWithoutRedis() throws Exception {
        HttpResponse<String> response = server.send(server.request("/health", null).GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.path("keys").path("total").asInt()).isEqualTo(1);
        assertThat(body.path("keys").path("usable").asInt()).isEqualTo(1);
        assertThat(body.path("keys").path("states").path("ACTIVE").asInt()).isEqualTo(1);
        assertThat(body.has("redis")).isFalse();
        assertThat(response.body()).doesNotContain(KEY).doesNotContain(new ApiKey(KEY).id());
    }
}
