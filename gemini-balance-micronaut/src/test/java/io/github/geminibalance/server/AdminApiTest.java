package io.github.geminibalance.server;

import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin API over real HTTP: listing, reset, disable, re-validation, the admin token, and no raw key
 * in any answer. Every test starts from a pool of three ACTIVE keys (each test resets them afterwards).
 */
class AdminApiTest {

    static final String ADMIN_TOKEN = "admin-test-token-0001";
    private static final String TEST_MODEL = "gemini-2.0-flash-lite";
    private static final String RESTING_MODEL = "gemini-resting";
    private static final String KEY_A = "AIzaSyTEST-admin-key-000A";
    private static final String KEY_B = "AIzaSyTEST-admin-key-000B";
    private static final String KEY_C = "AIzaSyTEST-admin-key-000C";
    private static final List<String> KEYS = List.of(KEY_A, KEY_B, KEY_C);
    private static final String CHAT = """
            {"model": "%s", "messages": [{"role": "user", "content": "Hello"}]}""";

    private static FakeGemini gemini;
    private static TestServer server;

    /** Every body the admin API answered, checked for raw keys after each test. */
    private final List<String> bodies = new ArrayList<>();

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .generateContent(MODEL, null, GeminiFixtures.textResponse("Hi."))
                .generateContent(RESTING_MODEL, null, GeminiFixtures.textResponse("Rested."))
                .rateLimited(RESTING_MODEL, KEY_B, "40s")
                .generateContent(TEST_MODEL, null, GeminiFixtures.textResponse("h"))
                .error(TEST_MODEL, KEY_C, GeminiErrorKind.API_KEY_INVALID_400);
        server = TestServer.start(TestServer.config(gemini, KEYS)
                .testModel(TEST_MODEL)
                .build(), TestServer.serverConfig().withAuthToken(ADMIN_TOKEN));
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @BeforeEach
    void clearRequests() {
        gemini.server().resetRequests();
    }

    @AfterEach
    void noRawKeyAnsweredAndPoolReset() throws Exception {
        for (String body : bodies) {
            for (String key : KEYS) {
                assertThat(body).doesNotContain(key);
            }
        }
        for (String key : KEYS) {
            assertThat(admin("POST", "/admin/keys/" + id(key) + "/reset").statusCode()).isEqualTo(200);
        }
    }

    private static String id(String key) {
        return new ApiKey(key).id();
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpResponse<String> response = server.send(server.request(path, token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
        bodies.add(response.body());
        return response;
    }

    private HttpResponse<String> admin(String method, String path) throws Exception {
        return send(method, path, ADMIN_TOKEN);
    }

    private JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        return Json.mapper().readTree(response.body());
    }

    private JsonNode entry(JsonNode list, String key) {
        for (JsonNode k : list.path("keys")) {
            if (k.path("id").asText().equals(id(key))) {
                return k;
            }
        }
        throw new AssertionError("no entry for " + id(key) + " in " + list);
    }

    private HttpResponse<String> chat(String model) throws Exception {
        HttpResponse<String> response = server.postJson("/v1/chat/completions", CHAT.formatted(model));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    @Test
    void listShowsEveryKeyMaskedWithItsStateAndTheSummary() throws Exception {
        long requestsBefore = 0;
        long tokensBefore = 0;
        for (JsonNode k : json(admin("GET", "/admin/keys")).path("keys")) {
            requestsBefore += k.path("requests_today").asLong();
            tokensBefore += k.path("tokens_today").asLong();
        }
        chat(MODEL);

        HttpResponse<String> response = admin("GET", "/admin/keys");
        JsonNode body = json(response);

        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(body.path("keys")).hasSize(3);
        List<String> ids = new ArrayList<>();
        long requests = 0;
        long tokens = 0;
        for (int i = 0; i < KEYS.size(); i++) {
            JsonNode k = body.path("keys").get(i);
            ids.add(k.path("id").asText());
            assertThat(k.path("key").asText()).isEqualTo(ApiKey.mask(KEYS.get(i)));
            assertThat(k.path("state").asText()).isEqualTo("ACTIVE");
            assertThat(k.path("cooldowns").isObject()).isTrue();
            assertThat(k.path("cooldowns").size()).isZero();
            assertThat(k.path("consecutive_failures").asInt()).isZero();
            assertThat(k.path("in_flight").asInt()).isZero();
            // an admin reset keeps the last error (history); another test may have left one
            assertThat(k.has("last_error") && (k.path("last_error").isNull() || k.path("last_error").has("at")))
                    .as("last_error in %s", k).isTrue();
            requests += k.path("requests_today").asLong();
            tokens += k.path("tokens_today").asLong();
        }
        assertThat(ids).containsExactly(id(KEY_A), id(KEY_B), id(KEY_C));
        assertThat(body.path("keys").get(0).path("last_error").isNull()).as("A never failed").isTrue();
        assertThat(requests - requestsBefore).isEqualTo(1);
        assertThat(tokens - tokensBefore).isEqualTo(58); // the fixture's totalTokenCount
        assertThat(body.path("summary").toString()).isEqualTo(
                "{\"ACTIVE\":3,\"COOLING\":0,\"EXHAUSTED\":0,\"FAILING\":0,\"INVALID\":0,\"DISABLED\":0}");
    }

    @Test
    void aDisabledKeyIsNotUsedUntilReset() throws Exception {
        JsonNode disabled = json(admin("POST", "/admin/keys/" + id(KEY_A) + "/disable"));
        assertThat(disabled.path("id").asText()).isEqualTo(id(KEY_A));
        assertThat(disabled.path("key").asText()).isEqualTo(ApiKey.mask(KEY_A));
        assertThat(disabled.path("state").asText()).isEqualTo("DISABLED");

        for (int i = 0; i < 4; i++) {
            chat(MODEL);
        }
        assertThat(gemini.keysUsed()).hasSize(4).doesNotContain(KEY_A).contains(KEY_B, KEY_C);
        JsonNode list = json(admin("GET", "/admin/keys"));
        assertThat(list.path("summary").path("DISABLED").asInt()).isEqualTo(1);
        assertThat(list.path("summary").path("ACTIVE").asInt()).isEqualTo(2);
        assertThat(entry(list, KEY_A).path("state").asText()).isEqualTo("DISABLED");

        JsonNode reset = json(admin("POST", "/admin/keys/" + id(KEY_A) + "/reset"));
        assertThat(reset.path("state").asText()).isEqualTo("ACTIVE");
        gemini.server().resetRequests();
        for (int i = 0; i < 3; i++) {
            chat(MODEL);
        }
        assertThat(gemini.keysUsed()).contains(KEY_A); // round robin over three keys again
    }

    @Test
    void resetEndsACooldown() throws Exception {
        Instant before = Instant.now();
        for (int i = 0; i < 3; i++) {
            chat(RESTING_MODEL); // round robin: one of them tries B first, which is rate-limited
        }
        assertThat(gemini.keysUsed()).containsOnlyOnce(KEY_B);

        JsonNode cooling = entry(json(admin("GET", "/admin/keys")), KEY_B);
        assertThat(cooling.path("state").asText()).isEqualTo("COOLING");
        Instant until = Instant.parse(cooling.path("cooldowns").path(RESTING_MODEL).asText());
        assertThat(until).isAfter(before.plusSeconds(30));
        assertThat(cooling.path("last_error").path("status").asInt()).isEqualTo(429);
        assertThat(cooling.path("last_error").path("reason").asText()).isNotBlank();
        assertThat(Instant.parse(cooling.path("last_error").path("at").asText())).isAfterOrEqualTo(before.minusSeconds(1));

        JsonNode reset = json(admin("POST", "/admin/keys/" + id(KEY_B) + "/reset"));
        assertThat(reset.path("state").asText()).isEqualTo("ACTIVE");
        assertThat(reset.path("cooldowns").size()).isZero();
        gemini.server().resetRequests();
        for (int i = 0; i < 3; i++) {
            chat(RESTING_MODEL);
        }
        assertThat(gemini.keysUsed()).as("B is tried again after the reset").contains(KEY_B);
    }

    @Test
    void unknownIdIs404AndIsNotEchoed() throws Exception {
        for (String path : List.of("/admin/keys/k-00000000/reset", "/admin/keys/" + KEY_A + "/disable")) {
            HttpResponse<String> response = admin("POST", path);
            assertThat(response.statusCode()).isEqualTo(404);
            JsonNode error = Json.mapper().readTree(response.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("key_not_found");
            assertThat(error.path("param").asText()).isEqualTo("id");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(response.body()).doesNotContain("k-00000000");
        }
        // the raw key in the URL did not disable it
        assertThat(entry(json(admin("GET", "/admin/keys")), KEY_A).path("state").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void checkRevalidatesWithTheTestModel() throws Exception {
        JsonNode all = json(admin("POST", "/admin/keys/check?all=true"));
        assertThat(all.path("results")).hasSize(3);
        for (JsonNode r : all.path("results")) {
            boolean isC = r.path("id").asText().equals(id(KEY_C));
            assertThat(r.path("valid").asBoolean()).as("%s", r).isEqualTo(!isC);
            assertThat(r.path("status").asInt()).isEqualTo(isC ? 400 : 200);
            assertThat(r.path("key").asText()).startsWith("AIza").contains("...");
            if (isC) {
                assertThat(r.path("reason").asText()).isEqualTo("API_KEY_INVALID");
            } else {
                assertThat(r.path("reason").isNull()).isTrue();
            }
        }
        assertThat(gemini.requestBodies(TEST_MODEL, "generateContent")).hasSize(3);
        assertThat(gemini.keysUsed()).containsExactlyInAnyOrder(KEY_A, KEY_B, KEY_C);
        assertThat(entry(json(admin("GET", "/admin/keys")), KEY_C).path("state").asText()).isEqualTo("INVALID");

        // without all=true only the keys that need it: the invalid one
        JsonNode needed = json(admin("POST", "/admin/keys/check"));
        assertThat(needed.path("results")).hasSize(1);
        assertThat(needed.path("results").get(0).path("id").asText()).isEqualTo(id(KEY_C));
        assertThat(needed.path("results").get(0).path("valid").asBoolean()).isFalse();

        HttpResponse<String> bad = admin("POST", "/admin/keys/check?all=maybe");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(bad.body()).path("error").path("param").asText()).isEqualTo("all");
    }

    @Test
    void oneKeyIsCheckedOnItsOwn() throws Exception {
        JsonNode invalid = json(admin("POST", "/admin/keys/" + id(KEY_C) + "/check"));
        assertThat(invalid.path("id").asText()).isEqualTo(id(KEY_C));
        assertThat(invalid.path("valid").asBoolean()).isFalse();
        assertThat(invalid.path("status").asInt()).isEqualTo(400);
        assertThat(invalid.path("reason").asText()).isEqualTo("API_KEY_INVALID");
        assertThat(invalid.path("key").asText()).startsWith("AIza").contains("...");
        assertThat(entry(json(admin("GET", "/admin/keys")), KEY_C).path("state").asText()).isEqualTo("INVALID");
        assertThat(gemini.keysUsed()).containsExactly(KEY_C);

        json(admin("POST", "/admin/keys/" + id(KEY_A) + "/disable"));
        JsonNode disabled = json(admin("POST", "/admin/keys/" + id(KEY_A) + "/check"));
        assertThat(disabled.path("valid").asBoolean()).isTrue();
        assertThat(entry(json(admin("GET", "/admin/keys")), KEY_A).path("state").asText())
                .as("a passed check never re-enables a key").isEqualTo("DISABLED");

        HttpResponse<String> unknown = admin("POST", "/admin/keys/k-00000000/check");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.mapper().readTree(unknown.body()).path("error").path("code").asText()).isEqualTo("key_not_found");
        assertThat(gemini.requestBodies(TEST_MODEL, "generateContent")).hasSize(2);
    }

    @Test
    void checkAllLeavesADisabledKeyAlone() throws Exception {
        json(admin("POST", "/admin/keys/" + id(KEY_A) + "/disable"));

        JsonNode all = json(admin("POST", "/admin/keys/check?all=true"));

        assertThat(all.path("results")).hasSize(2);
        assertThat(all.path("results").findValuesAsText("id")).containsExactlyInAnyOrder(id(KEY_B), id(KEY_C));
        assertThat(gemini.keysUsed()).containsExactlyInAnyOrder(KEY_B, KEY_C);
        assertThat(entry(json(admin("GET", "/admin/keys")), KEY_A).path("state").asText()).isEqualTo("DISABLED");
    }

    @Test
    void clientTokensAndNoTokenAreRefused() throws Exception {
        for (String token : new String[] {TestServer.TOKEN, null, "admin-test-token-0002"}) {
            for (String[] call : new String[][] {{"GET", "/admin/keys"}, {"POST", "/admin/keys/" + id(KEY_A) + "/disable"},
                    {"POST", "/admin/keys/check?all=true"}}) {
                HttpResponse<String> response = send(call[0], call[1], token);
                assertThat(response.statusCode()).as("%s %s with %s", call[0], call[1], token).isEqualTo(401);
                JsonNode error = Json.mapper().readTree(response.body()).path("error");
                assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
                assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
                assertThat(response.body()).doesNotContain(TestServer.TOKEN);
            }
        }
        assertThat(gemini.requestCount()).as("no check ran").isZero();
        assertThat(entry(json(admin("GET", "/admin/keys")), KEY_A).path("state").asText()).isEqualTo("ACTIVE");
    }
}
