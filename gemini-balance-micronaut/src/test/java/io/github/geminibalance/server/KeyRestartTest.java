package io.github.geminibalance.server;

import static io.github.geminibalance.server.AdminClient.id;
import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.KeyState;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart keeps what the pool learned and what operators decided: a server is stopped and a new one
 * started on the same SQLite file with the same {@code API_KEYS}; the keys, their states (INVALID,
 * EXHAUSTED until the quota day ends, a cooldown still running, DISABLED until a time), notes and today's
 * counters are all back, and a key deleted through the admin API stays deleted although {@code API_KEYS}
 * lists it. On an injected clock, so both servers live in the same instant.
 */
class KeyRestartTest {

    private static final String GOOD = AdminKeysTest.key("good", 1);
    private static final String INVALID = AdminKeysTest.key("invalid", 1);
    private static final String EXHAUSTED = AdminKeysTest.key("exhausted", 1);
    private static final String DISABLED = AdminKeysTest.key("disabled", 1);
    private static final String DELETED = AdminKeysTest.key("deleted", 1);
    private static final String ADDED = AdminKeysTest.key("added", 1);
    private static final List<String> API_KEYS = List.of(GOOD, INVALID, EXHAUSTED, DISABLED, DELETED);
    private static final List<String> ALL = List.of(GOOD, INVALID, EXHAUSTED, DISABLED, DELETED, ADDED);
    private static final String CHAT = """
            {"model": "%s", "messages": [{"role": "user", "content": "Hello"}]}""".formatted(MODEL);

    @TempDir
    Path dir;

    private FakeGemini gemini;
    private final TestClockFactory.MovableClock clock =
            new TestClockFactory.MovableClock(Instant.parse("2026-06-15T17:00:00Z"));
    private final List<AdminClient> admins = new ArrayList<>();

    @BeforeEach
    void fake() {
        gemini = FakeGemini.start();
    }

    @AfterEach
    void stop() {
        gemini.close();
        admins.forEach(a -> a.assertNoneAnswered(ALL));
    }

    private TestServer start(List<String> apiKeys) {
        return TestServer.startWithDatabase(TestServer.config(gemini, apiKeys).maxRetries(6).build(),
                TestServer.serverConfig().withAuthToken(AdminClient.ADMIN_TOKEN),
                TestConfigFactory.database(database()),
                Map.of(TestClockFactory.PROPERTY, TestClockFactory.register(clock)));
    }

    /** The settings of the database both servers of a test share: a SQLite file here. */
    Map<String, String> database() {
        return Map.of("SQLITE_DATABASE", dir.resolve("gemini-balance.db").toString());
    }

    private AdminClient admin(TestServer server) {
        AdminClient admin = new AdminClient(server);
        admins.add(admin);
        return admin;
    }

    private static void chat(TestServer server) throws Exception {
        HttpResponse<String> response = server.postJson("/v1/chat/completions", CHAT);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** What must survive a restart, per key id: everything but in-flight counts, strikes and last errors. */
    private static Map<String, String> durable(JsonNode list) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (JsonNode k : list.path("keys")) {
            keys.put(k.path("id").asText(), String.join(" | ", k.path("state").asText(), k.path("cooldowns").toString(),
                    "requests " + k.path("requests_today").asLong(), "tokens " + k.path("tokens_today").asLong(),
                    "note " + k.path("note").asText(), "added " + k.path("added_at").asText(),
                    "until " + k.path("disabled_until").asText()));
        }
        return keys;
    }

    @Test
    void keysStatesMarksAndCountersSurviveARestartAndADeletedKeyStaysDeleted() throws Exception {
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("Hi."))
                .error(MODEL, INVALID, GeminiErrorKind.API_KEY_INVALID_400)
                .error(MODEL, EXHAUSTED, GeminiErrorKind.DAILY_QUOTA_429)
                .rateLimited(MODEL, ADDED, "600s");
        Map<String, String> before;
        JsonNode deletedBefore;
        try (TestServer first = start(API_KEYS)) {
            AdminClient admin = admin(first);
            admin.add(List.of(ADDED), false);
            admin.ok("DELETE", "/admin/keys/" + id(DELETED), null);
            admin.ok("POST", "/admin/keys/" + id(DISABLED) + "/disable", "{\"hours\": 5}");
            admin.ok("PATCH", "/admin/keys/" + id(GOOD), "{\"note\": \"the team key\"}");
            for (int i = 0; i < 6; i++) {
                chat(first); // round robin: every bad key is met, every request ends on GOOD
            }
            JsonNode list = admin.list();
            assertThat(admin.entry(INVALID).path("state").asText()).isEqualTo("INVALID");
            assertThat(admin.entry(EXHAUSTED).path("state").asText()).isEqualTo("EXHAUSTED");
            assertThat(admin.entry(ADDED).path("state").asText()).isEqualTo("COOLING");
            assertThat(admin.entry(DISABLED).path("state").asText()).isEqualTo("DISABLED");
            assertThat(admin.entry(GOOD).path("requests_today").asLong()).isEqualTo(6);
            assertThat(admin.entry(GOOD).path("tokens_today").asLong()).isEqualTo(6 * 58);
            before = durable(list);
            deletedBefore = admin.ok("GET", "/admin/keys?deleted=true", null);
        }
        assertThat(before).containsOnlyKeys(id(GOOD), id(INVALID), id(EXHAUSTED), id(DISABLED), id(ADDED));

        // the second server's Gemini would accept every key: only the restored states keep them out
        gemini.reset();
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("Hi."));
        clock.advance(Duration.ofMinutes(1));
        try (TestServer second = start(API_KEYS)) {
            AdminClient admin = admin(second);
            JsonNode list = admin.list();
            assertThat(durable(list)).containsExactlyEntriesOf(before);
            assertThat(admin.entry(DELETED)).as("deleted although API_KEYS lists it").isNull();
            assertThat(admin.ok("GET", "/admin/keys?deleted=true", null)).isEqualTo(deletedBefore);
            assertThat(list.path("summary").path("ACTIVE").asInt()).isEqualTo(1);

            for (int i = 0; i < 5; i++) {
                chat(second);
            }
            assertThat(gemini.keysUsed()).containsOnly(GOOD);
            assertThat(admin.entry(GOOD).path("requests_today").asLong()).isEqualTo(11);

            // the cooldown ends, then the disable
            clock.advance(Duration.ofMinutes(10));
            assertThat(admin.entry(ADDED).path("state").asText()).isEqualTo("ACTIVE");
            clock.advance(Duration.ofHours(5));
            assertThat(admin.entry(DISABLED).path("state").asText()).isEqualTo("ACTIVE");
            assertThat(admin.entry(EXHAUSTED).path("state").asText()).as("until midnight Pacific").isEqualTo("EXHAUSTED");
        }
    }

    @Test
    void withoutApiKeysTheServerServesTheKeysOfItsStore() throws Exception {
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("Hi."));
        try (TestServer first = start(List.of(GOOD))) {
            admin(first).add(List.of(ADDED), false);
            chat(first);
        }
        try (TestServer second = start(List.of())) {
            AdminClient admin = admin(second);
            assertThat(admin.list().path("keys")).extracting(k -> k.path("id").asText())
                    .containsExactly(id(GOOD), id(ADDED));
            gemini.server().resetRequests();
            chat(second);
            chat(second);
            assertThat(gemini.keysUsed()).containsExactlyInAnyOrder(GOOD, ADDED);
            assertThat(second.context().getBean(io.github.geminibalance.GeminiBalance.class).keyStateCounts()
                    .get(KeyState.ACTIVE)).isEqualTo(2);
        }
    }
}
