package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.TokenVerifier;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.store.Attempt;
import io.github.geminibalance.store.ErrorRecord;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The admin API over the records, through the running server on a SQLite file: filters, newest first,
 * cursor paging, usage groups, bad parameters (400 naming the parameter, the value never echoed),
 * unknown ids (404), the admin token, and no key, token or Java class name in any answer.
 */
class AdminLogsTest {

    private static final String ADMIN = "admin-logs-token-0001";
    private static final String MODEL = "gemini-2.5-flash";
    private static final String KEY = "AIzaSyTEST-logs-key-00000000001";
    private static final String SUSPENDED = "AIzaSyTEST-logs-suspended-0000002";
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final List<String> MODELS = List.of("gemini-2.5-pro", "gemini-2.0-flash", "gemini-2.5-flash-lite");
    private static final List<String> KEY_IDS = List.of("k-0000000a", "k-0000000b", "k-0000000c", "k-0000000d");
    private static final List<String> CLIENTS = List.of("t-11111111", "t-22222222");
    /** Seeded: one request record every 10 minutes for 3 days. */
    private static final int SEEDED = 3 * 24 * 6;

    private static Path dir;
    private static FakeGemini gemini;
    private static TestServer server;
    private static final List<String> bodies = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("gb-admin-logs-");
        gemini = FakeGemini.start()
                .generateContent(MODEL, KEY, GeminiFixtures.textResponse("ok"))
                .error(MODEL, SUSPENDED, GeminiErrorKind.CONSUMER_SUSPENDED_403);
        server = TestServer.startWithDatabase(TestServer.config(gemini, List.of(SUSPENDED, KEY)).build(),
                TestServer.serverConfig().withAuthToken(ADMIN),
                TestConfigFactory.database(Map.of("SQLITE_DATABASE", dir.resolve("logs.db").toString())), Map.of());
        Store store = server.context().getBean(Store.class);
        for (int i = 0; i < SEEDED; i++) {
            Instant at = T0.plusSeconds(600L * i);
            int status = i % 7 == 0 ? 429 : 200;
            String key = KEY_IDS.get(i % 4);
            store.sink().offer(new RequestRecord(0, at, "seed-" + i, "openai.chat", MODELS.get(i % 3), MODELS.get(i % 3),
                    i % 2 == 0, CLIENTS.get(i % 2), List.of(new Attempt(key, status)), status, 100 + i, 50, 10, 20, 5, 1,
                    status == 200 ? "STOP" : null, status == 200 ? null : "rate_limit_exceeded"));
            if (status == 429) {
                store.sink().offer(new ErrorRecord(0, at, "seed-" + i, key, 429, "RESOURCE_EXHAUSTED", "quota",
                        MODELS.get(i % 3), CLIENTS.get(i % 2), null));
            }
        }
        assertThat(store.flush(30_000)).isTrue();
        // and one real call that fails over from a suspended key
        assertThat(server.postJson("/v1/chat/completions", "{\"model\":\"" + MODEL
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").statusCode()).isEqualTo(200);
        assertThat(store.flush(10_000)).isTrue();
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
        for (String body : bodies) {
            assertThat(body).doesNotContain(KEY, SUSPENDED, TestServer.TOKEN, ADMIN);
            assertThat(body).doesNotContainPattern("[a-z]+\\.[a-z]+\\.[A-Z]\\w+|Exception\\b");
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // best effort
        }
    }

    private static HttpResponse<String> admin(String pathAndQuery) throws Exception {
        HttpResponse<String> response = server.send(server.request(pathAndQuery, ADMIN).GET().build());
        bodies.add(response.body());
        return response;
    }

    private static JsonNode json(String pathAndQuery) throws Exception {
        HttpResponse<String> response = admin(pathAndQuery);
        assertThat(response.statusCode()).as(pathAndQuery + ": " + response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("cache-control")).contains("no-store");
        return Json.mapper().readTree(response.body());
    }

    private static List<JsonNode> all(String path, String query) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 1000; pages++) {
            JsonNode page = json(path + "?" + query + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("data").forEach(items::add);
            if (page.get("next").isNull()) {
                return items;
            }
            cursor = page.get("next").asText();
        }
        throw new AssertionError("no last page");
    }

    @Test
    void requestsAreListedNewestFirstFiftyAtATimeByDefault() throws Exception {
        JsonNode page = json("/admin/logs/requests");

        assertThat(page.get("data")).hasSize(50);
        assertThat(page.get("next").asText()).isNotBlank();
        JsonNode newest = page.get("data").get(0);
        assertThat(newest.get("route").asText()).isEqualTo("openai.chat");
        assertThat(newest.get("client").asText()).isEqualTo(TokenVerifier.label(TestServer.TOKEN));
        assertThat(newest.get("attempts")).hasSize(2);
        assertThat(newest.get("attempts").get(0).get("key_id").asText()).isEqualTo(new ApiKey(SUSPENDED).id());
        assertThat(newest.get("attempts").get(0).get("status").asInt()).isEqualTo(403);
        assertThat(newest.get("attempts").get(1).get("status").asInt()).isEqualTo(200);
        assertThat(newest.get("prompt_tokens").asLong()).isEqualTo(9);
        assertThat(newest.get("thinking_tokens").asLong()).isEqualTo(41);
        assertThat(newest.get("finish_reason").asText()).isEqualTo("STOP");
        assertThat(newest.get("error_code").isNull()).isTrue();
        assertThat(newest.fieldNames()).toIterable().containsExactly("id", "at", "request_id", "route", "model_asked",
                "model_sent", "stream", "client", "attempts", "status", "latency_ms", "ttfb_ms", "prompt_tokens",
                "completion_tokens", "thinking_tokens", "cached_tokens", "finish_reason", "error_code");
        List<Instant> times = new ArrayList<>();
        page.get("data").forEach(r -> times.add(Instant.parse(r.get("at").asText())));
        assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    @Test
    void theCursorPagesThroughEveryRecordExactlyOnce() throws Exception {
        List<JsonNode> items = all("/admin/logs/requests", "limit=37");

        assertThat(items).hasSize(SEEDED + 1);
        Set<Long> ids = new HashSet<>();
        items.forEach(r -> ids.add(r.get("id").asLong()));
        assertThat(ids).hasSize(SEEDED + 1);
        assertThat(json("/admin/logs/requests?limit=500").get("data")).hasSize(SEEDED + 1);
    }

    @Test
    void everyFilterNarrowsTheList() throws Exception {
        String from = "2026-03-02T00:00:00Z";
        String to = URLEncoder.encode("2026-03-02T12:00:00+00:00", StandardCharsets.UTF_8);
        List<JsonNode> window = all("/admin/logs/requests", "from=" + from + "&to=" + to + "&limit=20");
        assertThat(window).hasSize(72).allSatisfy(r -> assertThat(Instant.parse(r.get("at").asText()))
                .isBetween(Instant.parse(from), Instant.parse("2026-03-02T11:59:59Z")));

        assertThat(all("/admin/logs/requests", "model=gemini-2.5-pro"))
                .hasSize(SEEDED / 3).allMatch(r -> r.get("model_sent").asText().equals("gemini-2.5-pro"));
        assertThat(all("/admin/logs/requests", "key=k-0000000b&client=t-22222222"))
                .hasSize(SEEDED / 4).allMatch(r -> r.get("client").asText().equals("t-22222222"));
        List<JsonNode> limited = all("/admin/logs/requests", "status=429");
        assertThat(limited).hasSize((SEEDED + 6) / 7).allMatch(r -> r.get("error_code").asText()
                .equals("rate_limit_exceeded"));
        assertThat(json("/admin/logs/requests?model=gemini-2.5-pro&from=2026-03-01&to=2026-03-02").get("data"))
                .hasSize(48);
        assertThat(json("/admin/logs/requests?model=no-such-model").get("data")).isEmpty();
    }

    @Test
    void errorsAreListedWithoutBodiesAndOneCanBeReadWhole() throws Exception {
        List<JsonNode> errors = all("/admin/logs/errors", "limit=10");
        assertThat(errors).hasSize((SEEDED + 6) / 7 + 1);
        JsonNode real = errors.get(0);
        assertThat(real.get("key_id").asText()).isEqualTo(new ApiKey(SUSPENDED).id());
        assertThat(real.get("status").asInt()).isEqualTo(403);
        assertThat(real.get("reason").asText()).isEqualTo("CONSUMER_SUSPENDED");
        assertThat(real.get("message").asText()).contains("suspended").doesNotContain(SUSPENDED);
        assertThat(real.get("model").asText()).isEqualTo(MODEL);
        assertThat(real.has("request_body")).isFalse();
        assertThat(all("/admin/logs/errors", "key=" + KEY_IDS.get(0) + "&status=429"))
                .allMatch(e -> e.get("key_id").asText().equals(KEY_IDS.get(0))).isNotEmpty();

        JsonNode detail = json("/admin/logs/errors/" + real.get("id").asLong());
        assertThat(detail.get("id").asLong()).isEqualTo(real.get("id").asLong());
        assertThat(detail.get("request_id").asText()).isEqualTo(real.get("request_id").asText());
        assertThat(detail.has("request_body")).isTrue();
        assertThat(detail.get("request_body").isNull()).as("ERROR_LOG_RECORD_REQUEST_BODY is off").isTrue();
    }

    @Test
    void anUnknownErrorIdIs404AndABadOneIs400() throws Exception {
        HttpResponse<String> missing = admin("/admin/logs/errors/987654321");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"code\":\"record_not_found\"").contains("\"param\":\"id\"");

        HttpResponse<String> bad = admin("/admin/logs/errors/abc");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"param\":\"id\"").contains("\"type\":\"invalid_request_error\"");
    }

    @Test
    void usageIsGroupedByDayModelKeyOrClient() throws Exception {
        String range = "from=2026-03-01&to=2026-03-03";
        JsonNode byDay = json("/admin/usage?" + range + "&group=day");
        assertThat(byDay.get("from").asText()).isEqualTo("2026-03-01");
        assertThat(byDay.get("to").asText()).isEqualTo("2026-03-03");
        assertThat(byDay.get("group")).hasSize(1);
        assertThat(byDay.get("data")).hasSize(3).allSatisfy(row -> {
            assertThat(row.get("requests").asLong()).isEqualTo(144);
            assertThat(row.get("prompt_tokens").asLong()).isEqualTo(1440);
            assertThat(row.get("completion_tokens").asLong()).isEqualTo(2880);
            assertThat(row.get("thinking_tokens").asLong()).isEqualTo(720);
            assertThat(row.get("cached_tokens").asLong()).isEqualTo(144);
            assertThat(row.get("model").isNull()).isTrue();
        });
        long errors = 0;
        for (JsonNode row : byDay.get("data")) {
            errors += row.get("errors").asLong();
        }
        assertThat(errors).isEqualTo((SEEDED + 6) / 7);

        assertThat(json("/admin/usage?" + range + "&group=model").get("data")).hasSize(3)
                .allMatch(row -> row.get("requests").asLong() == SEEDED / 3 && row.get("day").isNull());
        assertThat(json("/admin/usage?" + range + "&group=key").get("data")).hasSize(4)
                .allMatch(row -> row.get("key_id").asText().startsWith("k-"));
        assertThat(json("/admin/usage?" + range + "&group=client").get("data")).hasSize(2);
        assertThat(json("/admin/usage?" + range + "&group=day,model").get("data")).hasSize(9);
        assertThat(json("/admin/usage?" + range + "&group=model&model=gemini-2.5-pro").get("data")).hasSize(1);
    }

    @Test
    void usageDefaultsToTheLastThirtyDaysByDay() throws Exception {
        JsonNode report = json("/admin/usage");

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(report.get("to").asText()).isIn(today.toString(), today.minusDays(1).toString());
        assertThat(LocalDate.parse(report.get("from").asText()))
                .isEqualTo(LocalDate.parse(report.get("to").asText()).minusDays(29));
        assertThat(report.get("group").get(0).asText()).isEqualTo("day");
        assertThat(report.get("data")).isNotEmpty().allMatch(row -> !row.get("day").isNull());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/admin/logs/requests?limit=0|limit",
        "/admin/logs/requests?limit=501|limit",
        "/admin/logs/requests?limit=ten|limit",
        "/admin/logs/requests?status=abc|status",
        "/admin/logs/requests?status=42|status",
        "/admin/logs/requests?from=yesterday|from",
        "/admin/logs/requests?to=2026-13-01|to",
        "/admin/logs/requests?from=2026-03-02&to=2026-03-01|to",
        "/admin/logs/requests?cursor=not-a-cursor|cursor",
        "/admin/logs/requests?model=|model",
        "/admin/logs/requests?model=a&model=b|model",
        "/admin/logs/requests?sort=asc|sort",
        "/admin/logs/errors?client=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx|client",
        "/admin/logs/errors?key=k-XYZ|key",
        "/admin/usage?group=week|group",
        "/admin/usage?from=2026-03-05&to=2026-03-01|to",
        "/admin/usage?limit=5|limit",
    })
    void aBadParameterIs400NamingIt(String pathAndQuery, String param) throws Exception {
        HttpResponse<String> response = admin(pathAndQuery);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = Json.mapper().readTree(response.body()).get("error");
        assertThat(error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("'" + param + "'");
    }

    @Test
    void aKeyPastedIntoTheKeyFilterIsNeverEchoed() throws Exception {
        HttpResponse<String> response = admin("/admin/logs/requests?key=" + KEY);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"param\":\"key\"").doesNotContain(KEY, "AIza");
    }

    @Test
    void onlyTheAdminTokenGetsIn() throws Exception {
        for (String path : List.of("/admin/logs/requests", "/admin/logs/errors", "/admin/logs/errors/1",
                "/admin/usage")) {
            assertThat(server.send(server.request(path, null).GET().build()).statusCode()).isEqualTo(401);
            HttpResponse<String> client = server.send(server.request(path, TestServer.TOKEN).GET().build());
            assertThat(client.statusCode()).isEqualTo(401);
            assertThat(client.body()).doesNotContain("data");
        }
    }
}
