package io.github.geminibalance.server;

import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /admin/config} through the running server: every setting with its source (default, environment,
 * {@code .env}, stored), no secret in any answer, a change checked with the start-up rules (400 naming the
 * setting, nothing stored), applied to the next request, and taken back with DELETE.
 */
class SettingsHttpTest {

    static final List<String> KEYS = List.of(AdminKeysTest.key("settings", 1), AdminKeysTest.key("settings", 2),
            AdminKeysTest.key("settings", 3), AdminKeysTest.key("settings", 4));
    static final String DB_PASSWORD = "db-pass-9f8e7d61";
    static final String REDIS_PASSWORD = "redis-pass-77aa0c";
    static final String PROXY_PASSWORD = "proxy-pass-55cc31";
    static final String MYSQL_PASSWORD = "mysql-pass-3b3b12";
    static final String CHAT = """
            {"model": "%s", "messages": [{"role": "user", "content": "Hello"}]}""".formatted(MODEL);

    private FakeGemini gemini;
    private TestServer server;
    private AdminClient admin;
    private final TestClockFactory.MovableClock clock =
            new TestClockFactory.MovableClock(Instant.parse("2026-06-15T12:00:00Z"));

    /** The environment and .env the page reads: every kind of source, and secrets everywhere. */
    static SettingSources sources() {
        Map<String, String> env = new HashMap<>();
        env.put("API_KEYS", "[\"" + String.join("\",\"", KEYS) + "\"]");
        env.put("ALLOWED_TOKENS", TestServer.TOKEN);
        env.put("AUTH_TOKEN", AdminClient.ADMIN_TOKEN);
        env.put("DATABASE_PASSWORD", DB_PASSWORD);
        env.put("REDIS_URL", "redis://:" + REDIS_PASSWORD + "@redis:6379/0");
        env.put("BASE_URL", "https://proxyuser:" + PROXY_PASSWORD + "@proxy.example/v1beta");
        env.put("MAX_RETRIES", "5");
        env.put("TIME_OUT", "120");
        env.put("STREAM_IDLE_TIMEOUT", " "); // blank in the environment: the default, even over .env
        env.put("TEST_MODEL", KEYS.get(0)); // a key pasted into the wrong setting
        Map<String, String> dotEnv = new HashMap<>();
        dotEnv.put("MAX_FAILURES", "7");
        dotEnv.put("TIME_OUT", "99");
        dotEnv.put("STREAM_IDLE_TIMEOUT", "45");
        dotEnv.put("KEY_SELECTION", "least_busy");
        dotEnv.put("MYSQL_PASSWORD", MYSQL_PASSWORD);
        return new SettingSources(env, dotEnv);
    }

    /** Every secret of {@link #sources()} and of the running server. */
    static List<String> secrets() {
        List<String> all = new java.util.ArrayList<>(KEYS);
        all.addAll(List.of(TestServer.TOKEN, AdminClient.ADMIN_TOKEN, DB_PASSWORD, REDIS_PASSWORD, PROXY_PASSWORD,
                "proxyuser", MYSQL_PASSWORD));
        return all;
    }

    @BeforeEach
    void start() {
        gemini = FakeGemini.start();
        gemini.rateLimited(MODEL, null, "30s"); // every key: each attempt rests its key, the next takes another
        server = TestServer.start(TestServer.config(gemini, KEYS).maxRetries(1).build(),
                TestServer.serverConfig().withAuthToken(AdminClient.ADMIN_TOKEN), null,
                Map.of(TestSettingSourcesFactory.PROPERTY, TestSettingSourcesFactory.register(sources()),
                        TestClockFactory.PROPERTY, TestClockFactory.register(clock)));
        admin = new AdminClient(server);
    }

    @AfterEach
    void stop() {
        server.close();
        gemini.close();
    }

    private JsonNode setting(String name) throws Exception {
        for (JsonNode s : admin.ok("GET", "/admin/config", null).path("settings")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no setting " + name);
    }

    private int attempts() throws Exception {
        int before = gemini.requestCount();
        HttpResponse<String> response = server.postJson("/v1/chat/completions", CHAT);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
        clock.advance(Duration.ofMinutes(1)); // the keys' cooldowns end before the next request
        return gemini.requestCount() - before;
    }

    @Test
    void theListShowsEverySourceAndNoSecret() throws Exception {
        HttpResponse<String> response = admin.send("GET", "/admin/config", null);
        assertThat(response.statusCode()).isEqualTo(200);
        for (String secret : secrets()) {
            assertThat(response.body()).as("a secret in the list").doesNotContain(secret);
        }
        JsonNode list = Json.mapper().readTree(response.body()).path("settings");
        assertThat(list.size()).isEqualTo(SettingsCatalog.all().size());

        assertThat(setting("MAX_RETRIES").path("source").asText()).isEqualTo("environment");
        assertThat(setting("MAX_RETRIES").path("value").asText()).isEqualTo("5");
        assertThat(setting("MAX_RETRIES").path("editable").asBoolean()).isTrue();
        assertThat(setting("MAX_RETRIES").path("restart_required").asBoolean()).isFalse();
        assertThat(setting("MAX_RETRIES").path("default").asText()).isEqualTo("3");
        assertThat(setting("MAX_FAILURES").path("source").asText()).isEqualTo(".env");
        assertThat(setting("MAX_FAILURES").path("value").asText()).isEqualTo("7");
        assertThat(setting("TIME_OUT").path("source").asText()).isEqualTo("environment");
        assertThat(setting("TIME_OUT").path("value").asText()).isEqualTo("120");
        assertThat(setting("STREAM_IDLE_TIMEOUT").path("source").asText()).isEqualTo("default");
        assertThat(setting("STREAM_IDLE_TIMEOUT").path("value").asText()).isEqualTo("60");
        assertThat(setting("KEY_SELECTION").path("source").asText()).isEqualTo(".env");
        assertThat(setting("PORT").path("source").asText()).isEqualTo("default");
        assertThat(setting("PORT").path("editable").asBoolean()).isFalse();
        assertThat(setting("PORT").path("restart_required").asBoolean()).isTrue();

        JsonNode keys = setting("API_KEYS");
        assertThat(keys.path("secret").asBoolean()).isTrue();
        assertThat(keys.path("is_set").asBoolean()).isTrue();
        assertThat(keys.path("value").isNull()).isTrue();
        assertThat(setting("DATABASE_URL").path("is_set").asBoolean()).isFalse();
        assertThat(setting("BASE_URL").path("value").asText())
                .isEqualTo("https://" + SettingsView.MASK + "@proxy.example/v1beta");
        assertThat(setting("TEST_MODEL").path("value").asText()).isEqualTo(SettingsView.MASK);
        // retention needs a database: read-only with DATABASE_TYPE=none
        assertThat(setting("AUTO_DELETE_ERROR_LOGS_DAYS").path("editable").asBoolean()).isFalse();
    }

    @Test
    void aBadValueIsRefusedNamingTheSettingAndNothingIsStored() throws Exception {
        HttpResponse<String> response = admin.send("PUT", "/admin/config/MAX_RETRIES", "{\"value\": \"0\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Json.mapper().readTree(response.body()).path("error");
        assertThat(error.path("param").asText()).isEqualTo("MAX_RETRIES");
        assertThat(error.path("code").asText()).isEqualTo("invalid_setting");
        assertThat(error.path("message").asText()).contains("MAX_RETRIES must be a whole number >= 1, got \"0\"");

        response = admin.send("PUT", "/admin/config/SAFETY_SETTINGS", "{\"value\": \"[{\\\"category\\\": 1}]\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(response.body()).path("error").path("param").asText())
                .isEqualTo("SAFETY_SETTINGS");

        response = admin.send("PUT", "/admin/config/PORT", "{\"value\": \"9000\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(response.body()).path("error").path("code").asText())
                .isEqualTo("restart_required");
        assertThat(admin.send("PUT", "/admin/config/NO_SUCH_SETTING", "{\"value\": \"1\"}").statusCode())
                .isEqualTo(404);
        assertThat(admin.send("PUT", "/admin/config/MAX_RETRIES", "{}").statusCode()).isEqualTo(400);

        assertThat(setting("MAX_RETRIES").path("source").asText()).isEqualTo("environment");
        assertThat(setting("SAFETY_SETTINGS").path("source").asText()).isEqualTo("default");
        assertThat(attempts()).isEqualTo(1);
    }

    @Test
    void aChangeAppliesToTheNextRequestAndDeleteTakesItBack() throws Exception {
        assertThat(attempts()).isEqualTo(1);

        JsonNode changed = admin.ok("PUT", "/admin/config/MAX_RETRIES", "{\"value\": 3}");
        assertThat(changed.path("source").asText()).isEqualTo("stored");
        assertThat(changed.path("value").asText()).isEqualTo("3");
        assertThat(changed.path("base_value").asText()).isEqualTo("5");
        assertThat(changed.path("base_source").asText()).isEqualTo("environment");
        assertThat(changed.path("updated_at").asText()).isEqualTo(clock.instant().toString());
        assertThat(attempts()).isEqualTo(3);
        assertThat(setting("MAX_RETRIES").path("source").asText()).isEqualTo("stored");

        JsonNode reverted = admin.ok("DELETE", "/admin/config/MAX_RETRIES", null);
        assertThat(reverted.path("source").asText()).isEqualTo("environment");
        assertThat(reverted.path("value").asText()).isEqualTo("5");
        assertThat(reverted.path("updated_at").isNull()).isTrue();
        assertThat(attempts()).isEqualTo(1); // the server's configuration again
    }

    @Test
    void theSettingsApiNeedsTheAdminToken() throws Exception {
        HttpResponse<String> anonymous = server.send(server.request("/admin/config", null).GET().build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> client = server.send(server.request("/admin/config/MAX_RETRIES", TestServer.TOKEN)
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"value\": \"9\"}")).build());
        assertThat(client.statusCode()).isEqualTo(401);
        assertThat(setting("MAX_RETRIES").path("source").asText()).isEqualTo("environment");
    }
}
