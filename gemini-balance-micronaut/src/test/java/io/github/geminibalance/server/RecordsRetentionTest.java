package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.store.jdbc.JdbcStore;
import io.github.geminibalance.store.jdbc.Retention;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention through the running server, on the server's injected clock: error records go after
 * {@code AUTO_DELETE_ERROR_LOGS_DAYS}, request records after {@code AUTO_DELETE_REQUEST_LOGS_DAYS}, usage
 * after {@code USAGE_RETENTION_DAYS}; what is younger stays.
 */
class RecordsRetentionTest {

    private static final String ADMIN = "admin-retention-0001";
    private static final String MODEL = "gemini-2.5-flash";
    private static final String BAD_KEY = "AIzaSyTEST-retention-bad-000001";
    private static final String GOOD_KEY = "AIzaSyTEST-retention-good-00002";

    @TempDir
    Path dir;

    private FakeGemini gemini;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (gemini != null) {
            gemini.close();
        }
    }

    private JsonNode admin(String pathAndQuery) throws Exception {
        var response = server.send(server.request(pathAndQuery, ADMIN).GET().build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    @Test
    void eachKindOfRecordIsDeletedAfterItsOwnRetention() throws Exception {
        Instant start = Instant.parse("2026-05-01T12:00:00Z");
        TestClockFactory.MovableClock clock = new TestClockFactory.MovableClock(start);
        gemini = FakeGemini.start()
                .error(MODEL, BAD_KEY, GeminiErrorKind.API_KEY_INVALID_400)
                .generateContent(MODEL, GOOD_KEY, GeminiFixtures.textResponse("ok"));
        server = TestServer.startWithDatabase(TestServer.config(gemini, List.of(BAD_KEY, GOOD_KEY)).build(),
                TestServer.serverConfig().withAuthToken(ADMIN), TestConfigFactory.database(Map.of(
                        "SQLITE_DATABASE", dir.resolve("retention.db").toString(),
                        "AUTO_DELETE_ERROR_LOGS_DAYS", "3",
                        "AUTO_DELETE_REQUEST_LOGS_DAYS", "10",
                        "USAGE_RETENTION_DAYS", "20")),
                Map.of(TestClockFactory.PROPERTY, TestClockFactory.register(clock)));
        assertThat(server.postJson("/v1/chat/completions", "{\"model\":\"" + MODEL
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").statusCode()).isEqualTo(200);
        JdbcStore store = (JdbcStore) server.context().getBean(Store.class);
        assertThat(store.flush(10_000)).isTrue();
        assertThat(admin("/admin/logs/requests").get("data")).hasSize(1);
        assertThat(admin("/admin/logs/errors").get("data")).hasSize(1);
        // the clock stood still: the call arrived "now" minus its latency
        assertThat(Instant.parse(admin("/admin/logs/requests").get("data").get(0).get("at").asText()))
                .isBetween(start.minusSeconds(30), start);

        clock.advance(Duration.ofDays(3).minusSeconds(60));
        assertThat(store.retention().runOnce()).isEqualTo(new Retention.Result(0, 0, 0, 0));

        clock.advance(Duration.ofSeconds(120)); // 3 days and a minute
        Retention.Result errorsGone = store.retention().runOnce();
        assertThat(errorsGone.errors()).isEqualTo(1);
        assertThat(errorsGone.requests()).isZero();
        assertThat(admin("/admin/logs/errors").get("data")).isEmpty();
        assertThat(admin("/admin/logs/requests").get("data")).hasSize(1);

        clock.advance(Duration.ofDays(7)); // 10 days and a minute
        assertThat(store.retention().runOnce().requests()).isEqualTo(1);
        assertThat(admin("/admin/logs/requests").get("data")).isEmpty();
        JsonNode usage = admin("/admin/usage?from=2026-05-01&to=2026-05-01");
        assertThat(usage.get("data")).hasSize(1);
        assertThat(usage.get("data").get(0).get("requests").asLong()).isEqualTo(1);
        assertThat(usage.get("data").get(0).get("errors").asLong()).isEqualTo(1);

        clock.advance(Duration.ofDays(11)); // 21 days and a minute
        assertThat(store.retention().runOnce().usageRows()).isPositive();
        assertThat(admin("/admin/usage?from=2026-05-01&to=2026-05-01").get("data")).isEmpty();
    }
}
