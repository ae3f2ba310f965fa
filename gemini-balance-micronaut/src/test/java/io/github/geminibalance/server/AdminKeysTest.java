package io.github.geminibalance.server;

import static io.github.geminibalance.server.AdminClient.id;
import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys managed at run time through the admin API of the real server, on a SQLite file: adding one key
 * or thousands, with and without a check; deleting one, many, or every key in a state; listing and
 * restoring deleted keys; disabling until a time (on an injected clock), enabling, notes; and every bad
 * body a 400 naming its JSON path. No answer ever holds a raw key.
 */
class AdminKeysTest {

    private static final String TEST_MODEL = "gemini-test-model";
    private static final String SEED_A = key("seed", 1);
    private static final String SEED_B = key("seed", 2);
    private static final String REJECTED = key("rejected", 1);
    private static final String CHAT = """
            {"model": "%s", "messages": [{"role": "user", "content": "Hello"}]}""".formatted(MODEL);

    @TempDir
    static Path dir;

    private static FakeGemini gemini;
    private static TestServer server;
    private static TestClockFactory.MovableClock clock;
    private AdminClient admin;
    private final Set<String> rawKeys = new HashSet<>(List.of(SEED_A, SEED_B, REJECTED));

    /** A plausible key: AIza and 35 more characters. */
    static String key(String tag, int i) {
        String body = "Sy" + tag + "-" + i;
        return "AIza" + body + "x".repeat(35 - body.length());
    }

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .generateContent(MODEL, null, GeminiFixtures.textResponse("Hi."))
                .generateContent(TEST_MODEL, null, GeminiFixtures.textResponse("h"))
                .error(TEST_MODEL, REJECTED, GeminiErrorKind.API_KEY_INVALID_400);
        clock = new TestClockFactory.MovableClock(Instant.parse("2026-06-15T17:00:00Z"));
        server = TestServer.startWithDatabase(TestServer.config(gemini, List.of(SEED_A, SEED_B)).testModel(TEST_MODEL)
                        .build(), TestServer.serverConfig().withAuthToken(AdminClient.ADMIN_TOKEN),
                TestConfigFactory.database(Map.of("SQLITE_DATABASE", dir.resolve("keys.db").toString())),
                Map.of(TestClockFactory.PROPERTY, TestClockFactory.register(clock)));
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @BeforeEach
    void client() {
        admin = new AdminClient(server);
        gemini.server().resetRequests();
        clock.advance(Duration.ofSeconds(1)); // deletion times of one test never tie with another's
    }

    @AfterEach
    void noRawKeyAnswered() {
        admin.assertNoneAnswered(rawKeys);
    }

    private void chat() throws Exception {
        HttpResponse<String> response = server.postJson("/v1/chat/completions", CHAT);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void addedKeysServeAtOnceAndEveryEntryIsAccountedFor() throws Exception {
        String fresh = key("fresh", 1);
        rawKeys.add(fresh);
        JsonNode answer = admin.ok("POST", "/admin/keys", """
                {"keys": ["  %s\\n", "%s", "not a key", "AIzaSyShort", 42, null, "%s"]}"""
                .formatted(fresh, SEED_A, fresh));

        assertThat(answer.path("added")).extracting(JsonNode::asText).containsExactly(id(fresh));
        assertThat(answer.path("existing")).extracting(JsonNode::asText).containsExactly(id(SEED_A));
        assertThat(answer.has("checked")).as("only with check").isFalse();
        List<String> rejected = new ArrayList<>();
        answer.path("rejected").forEach(r -> rejected.add(r.path("index").asInt() + ": " + r.path("reason").asText()));
        assertThat(rejected).containsExactly(
                "2: contains whitespace (one key per entry)",
                "3: has 11 characters; a Gemini API key has 39 (AIza and 35 more)",
                "4: not a string",
                "5: not a string",
                "6: the same key as entry 0");

        JsonNode entry = admin.entry(fresh);
        assertThat(entry.path("state").asText()).isEqualTo("ACTIVE");
        assertThat(entry.path("key").asText()).isEqualTo(ApiKey.mask(fresh));
        assertThat(entry.path("added_at").asText()).isEqualTo(clock.instant().toString());
        assertThat(entry.path("note").isNull()).isTrue();
        assertThat(entry.path("disabled_until").isNull()).isTrue();
        for (int i = 0; i < 6; i++) {
            chat();
        }
        assertThat(gemini.keysUsed()).contains(fresh);
        admin.ok("DELETE", "/admin/keys/" + id(fresh), null);
    }

    @Test
    void thousandsOfPastedKeysAreAddedAndDeletedInOneGo() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            keys.add(key("bulk", i));
        }
        long started = System.nanoTime();
        JsonNode answer = admin.add(keys, false);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(answer.path("added")).hasSize(5000);
        assertThat(answer.path("rejected")).isEmpty();
        assertThat(took).as("5,000 keys in one batch").isLessThan(Duration.ofSeconds(30));
        JsonNode list = admin.list();
        assertThat(list.path("keys")).hasSize(5002);
        assertThat(list.path("summary").path("ACTIVE").asInt()).isEqualTo(5002);
        assertThat(list.toString()).doesNotContain(keys.get(4999));
        chat();

        StringBuilder ids = new StringBuilder("{\"ids\": [");
        for (int i = 0; i < 5000; i++) {
            ids.append(i == 0 ? "" : ",").append('"').append(id(keys.get(i))).append('"');
        }
        ids.append(",\"k-00000000\"]}");
        started = System.nanoTime();
        JsonNode deleted = admin.ok("POST", "/admin/keys/delete", ids.toString());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(deleted.path("deleted")).hasSize(5000);
        assertThat(deleted.path("not_found")).extracting(JsonNode::asInt).containsExactly(5000);
        assertThat(admin.list().path("keys")).hasSize(2);
        assertThat(admin.ok("GET", "/admin/keys?deleted=true", null).path("keys").size()).isGreaterThanOrEqualTo(5000);
        admin.assertNoneAnswered(keys.subList(0, 100));
    }

    @Test
    void withCheckAKeyGeminiRejectsIsAddedInvalidAndNeverServes() throws Exception {
        String good = key("checked", 1);
        rawKeys.add(good);
        JsonNode answer = admin.add(List.of(good, REJECTED), true);

        assertThat(answer.path("added")).extracting(JsonNode::asText).containsExactly(id(good), id(REJECTED));
        Map<String, Boolean> valid = new java.util.HashMap<>();
        answer.path("checked").forEach(c -> valid.put(c.path("id").asText(), c.path("valid").asBoolean()));
        assertThat(valid).containsExactlyInAnyOrderEntriesOf(Map.of(id(good), true, id(REJECTED), false));
        assertThat(gemini.requestBodies(TEST_MODEL, "generateContent")).hasSize(2);
        assertThat(admin.entry(REJECTED).path("state").asText()).isEqualTo("INVALID");
        assertThat(admin.entry(good).path("state").asText()).isEqualTo("ACTIVE");
        gemini.server().resetRequests();
        for (int i = 0; i < 8; i++) {
            chat();
        }
        assertThat(gemini.keysUsed()).doesNotContain(REJECTED).contains(good);
        admin.ok("POST", "/admin/keys/delete", "{\"ids\": [\"" + id(good) + "\", \"" + id(REJECTED) + "\"]}");
    }

    @Test
    void deleteListRestoreAndBulkDeleteByState() throws Exception {
        String one = key("del", 1);
        String two = key("del", 2);
        String three = key("del", 3);
        rawKeys.addAll(List.of(one, two, three));
        admin.add(List.of(one, two, three), false);

        JsonNode deleted = admin.ok("DELETE", "/admin/keys/" + id(one), null);
        assertThat(deleted.path("id").asText()).isEqualTo(id(one));
        assertThat(deleted.path("key").asText()).isEqualTo(ApiKey.mask(one));
        assertThat(deleted.path("deleted_at").asText()).isEqualTo(clock.instant().toString());
        assertThat(admin.entry(one)).as("out of the pool").isNull();
        JsonNode gone = admin.ok("GET", "/admin/keys?deleted=true", null);
        assertThat(gone.path("keys").get(0).path("id").asText()).isEqualTo(id(one));
        assertThat(gone.has("summary")).isFalse();
        for (int i = 0; i < 6; i++) {
            chat();
        }
        assertThat(gemini.keysUsed()).doesNotContain(one);

        JsonNode restored = admin.ok("POST", "/admin/keys/" + id(one) + "/restore", null);
        assertThat(restored.path("state").asText()).isEqualTo("ACTIVE");
        assertThat(admin.entry(one)).isNotNull();

        // every INVALID key at once
        gemini.error(MODEL, two, GeminiErrorKind.API_KEY_INVALID_400).error(MODEL, three,
                GeminiErrorKind.CONSUMER_SUSPENDED_403);
        for (int i = 0; i < 6; i++) {
            chat();
        }
        assertThat(admin.list().path("summary").path("INVALID").asInt()).isEqualTo(2);
        JsonNode byState = admin.ok("POST", "/admin/keys/delete", "{\"state\": \"invalid\"}");
        assertThat(byState.path("deleted")).extracting(JsonNode::asText).containsExactlyInAnyOrder(id(two), id(three));
        assertThat(byState.path("not_found")).isEmpty();
        assertThat(admin.list().path("summary").path("INVALID").asInt()).isZero();
        admin.ok("DELETE", "/admin/keys/" + id(one), null);
    }

    @Test
    void aKeyDisabledForSomeHoursComesBackByItself() throws Exception {
        String timed = key("timed", 1);
        rawKeys.add(timed);
        admin.add(List.of(timed), false);
        Instant end = clock.instant().plus(Duration.ofMinutes(90));

        JsonNode disabled = admin.ok("POST", "/admin/keys/" + id(timed) + "/disable", "{\"hours\": 1.5}");
        assertThat(disabled.path("state").asText()).isEqualTo("DISABLED");
        assertThat(disabled.path("disabled_until").asText()).isEqualTo(end.toString());
        for (int i = 0; i < 6; i++) {
            chat();
        }
        assertThat(gemini.keysUsed()).doesNotContain(timed);

        clock.advance(Duration.ofMinutes(90));
        JsonNode back = admin.entry(timed);
        assertThat(back.path("state").asText()).isEqualTo("ACTIVE");
        assertThat(back.path("disabled_until").isNull()).isTrue();
        gemini.server().resetRequests();
        for (int i = 0; i < 6; i++) {
            chat();
        }
        assertThat(gemini.keysUsed()).contains(timed);

        // until an ISO-8601 time with an offset; then enable; a disable without a body has no end
        Instant at = clock.instant().plus(Duration.ofDays(2));
        JsonNode until = admin.ok("POST", "/admin/keys/" + id(timed) + "/disable",
                "{\"until\": \"" + at.atOffset(java.time.ZoneOffset.ofHours(2)) + "\"}");
        assertThat(until.path("disabled_until").asText()).isEqualTo(at.toString());
        assertThat(admin.ok("POST", "/admin/keys/" + id(timed) + "/enable", null).path("state").asText())
                .isEqualTo("ACTIVE");
        JsonNode forever = admin.ok("POST", "/admin/keys/" + id(timed) + "/disable", null);
        assertThat(forever.path("state").asText()).isEqualTo("DISABLED");
        assertThat(forever.path("disabled_until").isNull()).isTrue();
        clock.advance(Duration.ofDays(30));
        assertThat(admin.entry(timed).path("state").asText()).isEqualTo("DISABLED");
        assertThat(admin.ok("POST", "/admin/keys/" + id(timed) + "/reset", null).path("state").asText())
                .isEqualTo("ACTIVE");
        admin.ok("DELETE", "/admin/keys/" + id(timed), null);
    }

    @Test
    void aNoteIsShownChangedAndCleared() throws Exception {
        JsonNode noted = admin.ok("PATCH", "/admin/keys/" + id(SEED_B), "{\"note\": \"team B, expires in June\"}");
        assertThat(noted.path("note").asText()).isEqualTo("team B, expires in June");
        assertThat(admin.entry(SEED_B).path("note").asText()).isEqualTo("team B, expires in June");
        assertThat(admin.ok("PATCH", "/admin/keys/" + id(SEED_B), "{\"note\": null}").path("note").isNull()).isTrue();
    }

    @Test
    void unknownIdsAre404InTheAdminShapeAndAreNotEchoed() throws Exception {
        List<String[]> calls = List.of(
                new String[] {"DELETE", "/admin/keys/k-0000beef", null},
                new String[] {"POST", "/admin/keys/k-0000beef/restore", null},
                new String[] {"POST", "/admin/keys/k-0000beef/disable", "{\"hours\": 1}"},
                new String[] {"POST", "/admin/keys/k-0000beef/enable", null},
                new String[] {"POST", "/admin/keys/k-0000beef/reset", null},
                new String[] {"PATCH", "/admin/keys/k-0000beef", "{\"note\": \"x\"}"},
                new String[] {"DELETE", "/admin/keys/" + SEED_A, null});
        for (String[] call : calls) {
            HttpResponse<String> response = admin.send(call[0], call[1], call[2]);
            assertThat(response.statusCode()).as("%s %s", call[0], call[1]).isEqualTo(404);
            JsonNode error = Json.mapper().readTree(response.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("key_not_found");
            assertThat(error.path("param").asText()).isEqualTo("id");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(response.body()).doesNotContain("k-0000beef");
        }
        assertThat(admin.entry(SEED_A)).as("a raw key as id deleted nothing").isNotNull();
    }

    @Test
    void badBodiesAre400NamingTheJsonPathWithoutJavaNames() throws Exception {
        String seed = "/admin/keys/" + id(SEED_A);
        Object[][] cases = {
                {"POST", "/admin/keys", "", null, "empty"},
                {"POST", "/admin/keys", "{\"keys\": [\"a\"", null, "not valid JSON"},
                {"POST", "/admin/keys", "[\"" + key("x", 1) + "\"]", null, "JSON object"},
                {"POST", "/admin/keys", "{}", "keys", "\"keys\""},
                {"POST", "/admin/keys", "{\"keys\": \"AIza\"}", "keys", "got a string"},
                {"POST", "/admin/keys", "{\"keys\": [], \"check\": \"yes\"}", "check", "true or false"},
                {"POST", "/admin/keys", "{\"keys\": [], \"keys\": []}", null, "duplicate field \"keys\""},
                {"POST", "/admin/keys/delete", "{}", "ids", "\"ids\""},
                {"POST", "/admin/keys/delete", "{\"ids\": [\"k-1\"], \"state\": \"INVALID\"}", null, "not both"},
                {"POST", "/admin/keys/delete", "{\"ids\": [\"k-1\", 7]}", "ids[1]", "got an integer"},
                {"POST", "/admin/keys/delete", "{\"ids\": {}}", "ids", "got an object"},
                {"POST", "/admin/keys/delete", "{\"state\": \"BROKEN\"}", "state", "ACTIVE, COOLING"},
                {"POST", seed + "/disable", "{\"hours\": 0}", "hours", "above 0"},
                {"POST", seed + "/disable", "{\"hours\": \"2\"}", "hours", "number of hours"},
                {"POST", seed + "/disable", "{\"until\": \"tomorrow\"}", "until", "ISO-8601"},
                {"POST", seed + "/disable", "{\"until\": \"2026-06-16T10:00:00\"}", "until", "zone offset"},
                {"POST", seed + "/disable", "{\"until\": \"2020-01-01T00:00:00Z\"}", "until", "future"},
                {"POST", seed + "/disable", "{\"until\": \"2030-01-01T00:00:00Z\", \"hours\": 1}", null, "not both"},
                {"PATCH", seed, "{}", "note", "\"note\""},
                {"PATCH", seed, "{\"note\": 5}", "note", "got an integer"},
                {"PATCH", seed, "{\"note\": \"" + "n".repeat(501) + "\"}", "note", "500"},
                {"PATCH", seed, "{\"note\": \"spare: " + key("leak", 1) + "\"}", "note", "must not contain an API key"},
                {"GET", "/admin/keys?deleted=maybe", null, "deleted", "true or false"},
        };
        for (Object[] c : cases) {
            HttpResponse<String> response = admin.send((String) c[0], (String) c[1], (String) c[2]);
            String what = c[0] + " " + c[1] + " " + c[2];
            assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(400);
            JsonNode error = Json.mapper().readTree(response.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            if (c[3] == null) {
                assertThat(error.path("param").isNull()).as(what).isTrue();
            } else {
                assertThat(error.path("param").asText()).as(what).isEqualTo(c[3]);
            }
            assertThat(error.path("message").asText()).as(what).contains((String) c[4]);
            assertThat(RequestBodies.JAVA_NAME.matcher(response.body()).find()).as(what + ": " + response.body()).isFalse();
            assertThat(response.body()).doesNotContain(key("leak", 1)).doesNotContain(key("x", 1));
        }
        assertThat(admin.entry(SEED_A).path("state").asText()).isEqualTo("ACTIVE");
        assertThat(admin.entry(SEED_A).path("note").isNull()).isTrue();
    }

    @Test
    void theAdminTokenIsRequired() throws Exception {
        HttpResponse<String> client = server.send(server.request("/admin/keys", TestServer.TOKEN)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"keys\": [\"" + key("nope", 1) + "\"]}"))
                .build());
        assertThat(client.statusCode()).isEqualTo(401);
        assertThat(admin.entry(key("nope", 1))).isNull();
    }
}
