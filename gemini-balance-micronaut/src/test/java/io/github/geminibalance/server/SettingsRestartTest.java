package io.github.geminibalance.server;

import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.store.jdbc.JdbcStore;
import io.github.geminibalance.store.jdbc.Retention;
import io.github.geminibalance.testing.FakeGemini;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored override survives a restart and wins over the configuration from the first request: a server
 * is stopped and a new one started on the same SQLite file; two servers on one database share a change.
 */
class SettingsRestartTest {

    @TempDir
    Path dir;

    private FakeGemini gemini;
    private final TestClockFactory.MovableClock clock =
            new TestClockFactory.MovableClock(Instant.parse("2026-06-15T12:00:00Z"));

    @BeforeEach
    void fake() {
        gemini = FakeGemini.start();
        gemini.rateLimited(MODEL, null, "30s");
    }

    @AfterEach
    void stop() {
        gemini.close();
    }

    private TestServer start() {
        return TestServer.startWithDatabase(TestServer.config(gemini, SettingsHttpTest.KEYS).maxRetries(1).build(),
                TestServer.serverConfig().withAuthToken(AdminClient.ADMIN_TOKEN),
                TestConfigFactory.database(Map.of("SQLITE_DATABASE", dir.resolve("gemini-balance.db").toString())),
                Map.of(TestClockFactory.PROPERTY, TestClockFactory.register(clock),
                        TestSettingSourcesFactory.PROPERTY, TestSettingSourcesFactory.register(SettingsHttpTest.sources())));
    }

    private int attempts(TestServer server) throws Exception {
        int before = gemini.requestCount();
        HttpResponse<String> response = server.postJson("/v1/chat/completions", SettingsHttpTest.CHAT);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
        clock.advance(Duration.ofMinutes(1));
        return gemini.requestCount() - before;
    }

    private static JsonNode setting(AdminClient admin, String name) throws Exception {
        for (JsonNode s : admin.ok("GET", "/admin/config", null).path("settings")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no setting " + name);
    }

    @Test
    void aStoredOverrideSurvivesARestartAndDeleteRevertsIt() throws Exception {
        try (TestServer first = start()) {
            AdminClient admin = new AdminClient(first);
            admin.ok("PUT", "/admin/config/MAX_RETRIES", "{\"value\": \"3\"}");
            JsonNode retention = admin.ok("PUT", "/admin/config/AUTO_DELETE_REQUEST_LOGS_DAYS", "{\"value\": \"0\"}");
            assertThat(retention.path("source").asText()).isEqualTo("stored");
            HttpResponse<String> refused = admin.send("PUT", "/admin/config/USAGE_RETENTION_DAYS",
                    "{\"value\": \"-1\"}");
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("\"param\":\"USAGE_RETENTION_DAYS\"");
            assertThat(attempts(first)).isEqualTo(3);
        }

        try (TestServer second = start()) {
            AdminClient admin = new AdminClient(second);
            JsonNode retries = setting(admin, "MAX_RETRIES");
            assertThat(retries.path("source").asText()).isEqualTo("stored");
            assertThat(retries.path("value").asText()).isEqualTo("3");
            assertThat(attempts(second)).as("the override wins from the first request").isEqualTo(3);
            JdbcStore store = (JdbcStore) second.context().getBean(Store.class);
            assertThat(store.retention().days()).isEqualTo(new Retention.Days(7, 0, 400));

            admin.ok("DELETE", "/admin/config/MAX_RETRIES", null);
            admin.ok("DELETE", "/admin/config/AUTO_DELETE_REQUEST_LOGS_DAYS", null);
            assertThat(setting(admin, "MAX_RETRIES").path("source").asText()).isEqualTo("environment");
            assertThat(attempts(second)).isEqualTo(1);
            assertThat(store.retention().days()).isEqualTo(new Retention.Days(7, 30, 400));
        }

        try (TestServer third = start()) {
            assertThat(attempts(third)).as("a deleted override stays deleted").isEqualTo(1);
        }
    }

    @Test
    void anotherServerOnTheSameDatabaseSeesTheChange() throws Exception {
        try (TestServer first = start(); TestServer second = start()) {
            new AdminClient(first).ok("PUT", "/admin/config/MAX_RETRIES", "{\"value\": \"2\"}");
            // the list reads the database: the other server shows the override at once
            assertThat(setting(new AdminClient(second), "MAX_RETRIES").path("source").asText()).isEqualTo("stored");
            // and applies it at its next sync (every minute; run now instead of waiting)
            second.context().getBean(io.github.geminibalance.GeminiBalance.class).settings().sync();
            assertThat(attempts(second)).isEqualTo(2);
        }
    }
}
