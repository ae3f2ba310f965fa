package io.github.geminibalance.server;

import io.github.geminibalance.testing.RedisServer;

import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code REDIS_URL} wiring: a server whose Redis is unreachable still serves and says so in
 * {@code /health}; two servers on one real Redis share an admin's disable (skipped without
 * {@code redis-server}, see {@link RedisServer}).
 */
class RedisWiringTest {

    private static final String KEY_A = "AIzaSyTEST-redis-key-000A";
    private static final String KEY_B = "AIzaSyTEST-redis-key-000B";
    private static final String CHAT = """
            {"model": "%s", "messages": [{"role": "user", "content": "Hello"}]}""".formatted(MODEL);
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    private static FakeGemini gemini;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start().generateContent(MODEL, null, GeminiFixtures.textResponse("Hi."));
    }

    @AfterAll
    static void stop() {
        gemini.close();
    }

    @BeforeEach
    void clearRequests() {
        gemini.server().resetRequests();
    }

    private static TestServer server(String redisUrl) {
        return TestServer.start(TestServer.config(gemini, List.of(KEY_A, KEY_B)).build(),
                TestServer.serverConfig().withAuthToken(AdminApiTest.ADMIN_TOKEN).withRedisUrl(redisUrl));
    }

    private static HttpResponse<String> health(TestServer server) throws Exception {
        return server.send(server.request("/health", null).GET().build());
    }

    private static JsonNode healthJson(TestServer server) throws Exception {
        return Json.mapper().readTree(health(server).body());
    }

    /** Polls until the condition holds; Redis propagation and reconnection are asynchronous. */
    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("waited %s for %s", PATIENCE, what).isLessThan(deadline);
            RedisServer.sleep(50);
        }
    }

    @Test
    void unreachableRedisDoesNotStopServing() throws Exception {
        String url = "redis://127.0.0.1:" + RedisServer.freePort();
        try (TestServer server = server(url)) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> chat = server.postJson("/v1/chat/completions", CHAT);
                assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
            }
            assertThat(gemini.keysUsed()).containsExactlyInAnyOrder(KEY_A, KEY_B);

            HttpResponse<String> health = health(server);
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode body = Json.mapper().readTree(health.body());
            assertThat(body.path("status").asText()).isEqualTo("UP");
            assertThat(body.path("redis").asText()).isEqualTo("DOWN");
            assertThat(body.path("keys").path("states").path("ACTIVE").asInt()).isEqualTo(2);
            assertThat(health.body()).doesNotContain(url);
        }
    }

    @Test
    void twoServersShareAnAdminDisableThroughRedis() throws Exception {
        try (RedisServer redis = RedisServer.started();
                TestServer first = server(redis.url());
                TestServer second = server(redis.url())) {
            for (TestServer s : List.of(first, second)) {
                await("redis UP", () -> "UP".equals(healthJson(s).path("redis").asText()));
            }
            String idA = new ApiKey(KEY_A).id();
            HttpResponse<String> disabled = first.send(first.request("/admin/keys/" + idA + "/disable", AdminApiTest.ADMIN_TOKEN)
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(disabled.statusCode()).isEqualTo(200);

            await("the second server to see A disabled", () -> {
                JsonNode keys = Json.mapper().readTree(second.send(second.request("/admin/keys", AdminApiTest.ADMIN_TOKEN)
                        .GET().build()).body());
                return keys.path("summary").path("DISABLED").asInt() == 1;
            });
            gemini.server().resetRequests();
            for (int i = 0; i < 3; i++) {
                assertThat(second.postJson("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
            }
            assertThat(gemini.keysUsed()).containsOnly(KEY_B);

            redis.stop();
            await("redis DOWN", () -> "DOWN".equals(healthJson(first).path("redis").asText()));
            HttpResponse<String> health = health(first);
            assertThat(health.statusCode()).as("keys are still usable").isEqualTo(200);
            assertThat(Json.mapper().readTree(health.body()).path("status").asText()).isEqualTo("UP");
            assertThat(first.postJson("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
        }
    }
}
