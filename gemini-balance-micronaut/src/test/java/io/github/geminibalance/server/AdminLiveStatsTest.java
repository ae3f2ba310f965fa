package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /admin/stats/live} and {@code GET /admin/usage/today} through the running server, on a clock
 * the test moves: calls and failed attempts count for sixty seconds and then leave the window; each key's
 * attempts per model today sit next to the daily quota it ran out of, counted before it ran out.
 */
class AdminLiveStatsTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String HEALTHY = AdminKeysTest.key("livehealthy", 1);
    private static final String QUOTA = AdminKeysTest.key("livequota", 2);
    private static final String CHAT = """
            {"model": "%s", "messages": [{"role": "user", "content": "Hello"}]}""".formatted(MODEL);

    private static FakeGemini gemini;
    private static TestServer server;
    private static TestClockFactory.MovableClock clock;
    private static AdminClient admin;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start().generateContent(MODEL, null, GeminiFixtures.textResponse("Hi."));
        clock = new TestClockFactory.MovableClock(Instant.parse("2026-06-15T17:00:00.250Z"));
        server = TestServer.start(TestServer.config(gemini, List.of(HEALTHY, QUOTA)).build(),
                TestServer.serverConfig().withAuthToken(AdminClient.ADMIN_TOKEN), null,
                Map.of(TestClockFactory.PROPERTY, TestClockFactory.register(clock)));
        admin = new AdminClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    private static void chat() throws Exception {
        HttpResponse<String> response = server.postJson("/v1/chat/completions", CHAT);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static JsonNode today(String key) throws Exception {
        for (JsonNode row : admin.ok("GET", "/admin/usage/today", null).path("data")) {
            if (row.path("key_id").asText().equals(AdminClient.id(key)) && row.path("model").asText().equals(MODEL)) {
                return row;
            }
        }
        return null;
    }

    @Test
    void countsTheLastSixtySecondsAndTheDailyQuotaEachKeyHit() throws Exception {
        JsonNode idle = admin.ok("GET", "/admin/stats/live", null);
        assertThat(idle.path("window_seconds").asInt()).isEqualTo(60);
        assertThat(idle.path("requests").asLong()).isZero();
        assertThat(idle.path("keys").path("usable").asInt()).isEqualTo(2);
        assertThat(idle.path("keys").path("total").asInt()).isEqualTo(2);

        for (int i = 0; i < 4; i++) {
            chat();
        }
        long beforeQuota = today(QUOTA).path("requests").asLong();
        assertThat(beforeQuota).as("round robin gave the key some calls").isPositive();
        gemini.error(MODEL, QUOTA, GeminiErrorKind.DAILY_QUOTA_429); // from now on its day's quota is used up
        chat();
        chat(); // one of the two tries the key, fails, and is served by the other key

        JsonNode live = admin.ok("GET", "/admin/stats/live", null);
        assertThat(live.path("requests").asLong()).isEqualTo(6);
        assertThat(live.path("failed_requests").asLong()).isZero();
        assertThat(live.path("errors").asLong()).as("the one failed attempt").isEqualTo(1);
        assertThat(live.path("keys").path("usable").asInt()).as("a key out of quota for one model still serves")
                .isEqualTo(2);

        JsonNode quota = today(QUOTA);
        assertThat(quota.path("quota_hit").path("requests").asLong()).isEqualTo(beforeQuota);
        assertThat(quota.path("quota_hit").path("day").asText())
                .isEqualTo(LocalDate.ofInstant(clock.instant(), KeyPool.QUOTA_ZONE).toString());
        assertThat(quota.path("requests").asLong()).isEqualTo(beforeQuota + 1);
        assertThat(quota.path("state").asText()).isEqualTo("EXHAUSTED");
        assertThat(quota.path("key").asText()).isEqualTo(io.github.geminibalance.keys.ApiKey.mask(QUOTA));
        assertThat(today(HEALTHY).path("quota_hit").isNull()).isTrue();

        clock.advance(Duration.ofSeconds(30));
        chat();
        assertThat(admin.ok("GET", "/admin/stats/live", null).path("requests").asLong()).isEqualTo(7);

        clock.advance(Duration.ofSeconds(30)); // the first six calls are exactly sixty seconds old: gone
        JsonNode later = admin.ok("GET", "/admin/stats/live", null);
        assertThat(later.path("requests").asLong()).isEqualTo(1);
        assertThat(later.path("errors").asLong()).isZero();

        clock.advance(Duration.ofSeconds(30));
        assertThat(admin.ok("GET", "/admin/stats/live", null).path("requests").asLong()).isZero();

        // a new quota day (Pacific midnight): today's counts start again, the quota hit stays
        clock.advance(Duration.ofHours(24));
        JsonNode nextDay = today(QUOTA);
        assertThat(nextDay.path("requests").asLong()).isZero();
        assertThat(nextDay.path("quota_hit").path("requests").asLong()).isEqualTo(beforeQuota);
    }

    @Test
    void needsTheAdminToken() throws Exception {
        for (String path : List.of("/admin/stats/live", "/admin/usage/today")) {
            HttpResponse<String> anonymous = server.send(server.request(path, null).GET().build());
            assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
            HttpResponse<String> client = server.send(server.request(path, TestServer.TOKEN).GET().build());
            assertThat(client.statusCode()).as(path).isEqualTo(401);
        }
    }
}
