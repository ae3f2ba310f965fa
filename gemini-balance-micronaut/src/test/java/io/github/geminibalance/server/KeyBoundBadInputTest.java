package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input on the routes of key-bound resources (cachedContents, batches, file downloads) is answered
 * with a 4xx in Gemini's error shape naming what is wrong, never a 500, and without asking Gemini (so no
 * key is charged for it).
 */
class KeyBoundBadInputTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String KEY = "AIzaSyTEST-keybound-bad-input-01";

    private static FakeGemini gemini;
    private static TestServer server;
    private static String cache;

    @BeforeAll
    static void start() throws Exception {
        gemini = FakeGemini.start();
        server = TestServer.start(TestServer.config(gemini, List.of(KEY)).build());
        cache = KeyBoundFakes.id("cache");
        gemini.server().stubFor(post(urlEqualTo("/v1beta/cachedContents"))
                .withRequestBody(matchingJsonPath("$.displayName", equalTo(cache)))
                .willReturn(KeyBoundFakes.ok(KeyBoundFakes.cacheJson(cache, MODEL, "2099-01-01T00:00:00Z", 10))));
        HttpResponse<String> made = send("POST", "/v1beta/cachedContents", "{\"model\":\"models/" + MODEL
                + "\",\"displayName\":\"" + cache + "\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"x\"}]}]}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
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

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = server.request(path, null).header("x-goog-api-key", TestServer.TOKEN);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return server.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The answer is {@code status} in Gemini's error shape, its message containing {@code says}, and Gemini was not asked. */
    private static JsonNode refused(HttpResponse<String> answer, int status, String says) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode error = Json.mapper().readTree(answer.body()).path("error");
        assertThat(error.path("code").asInt()).as(answer.body()).isEqualTo(status);
        assertThat(error.path("status").asText()).as(answer.body()).isNotBlank().isEqualTo(switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 404 -> "NOT_FOUND";
            default -> error.path("status").asText();
        });
        assertThat(error.path("message").asText()).as(answer.body()).contains(says)
                .doesNotContain("Exception").doesNotContain("java.").doesNotContain("io.github");
        assertThat(gemini.requestCount()).as("Gemini is not asked: " + answer.body()).isZero();
        return error;
    }

    @Test
    void aCreateWhoseBodyIsNotAJsonObjectIsRefusedHere() throws Exception {
        for (String body : List.of("{\"model\":", "not json", "[1,2]", "\"cachedContents\"", "null")) {
            refused(send("POST", "/v1beta/cachedContents", body), 400, "JSON");
            refused(send("POST", "/v1beta/models/" + MODEL + ":batchGenerateContent", body), 400, "JSON");
            refused(send("POST", "/gemini/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent", body), 400, "JSON");
        }
        refused(send("POST", "/v1beta/cachedContents", ""), 400, "empty");
    }

    @Test
    void anUpdateWhoseBodyIsNotAJsonObjectIsRefusedHere() throws Exception {
        refused(send("PATCH", "/v1beta/cachedContents/" + cache, "{\"ttl\":"), 400, "JSON");
        refused(send("PATCH", "/v1beta/cachedContents/" + cache + "?updateMask=ttl", "[]"), 400, "JSON");
    }

    @Test
    void unknownMembersAreNotFound() throws Exception {
        refused(send("GET", "/v1beta/cachedContents/nosuchcache", null), 404, "cachedContents/nosuchcache");
        refused(send("PATCH", "/v1beta/cachedContents/nosuchcache", "{\"ttl\":\"60s\"}"), 404, "not found");
        refused(send("DELETE", "/gemini/v1beta/cachedContents/nosuchcache", null), 404, "not found");
        refused(send("GET", "/v1beta/batches/nosuchbatch", null), 404, "batches/nosuchbatch");
        refused(send("POST", "/v1beta/batches/nosuchbatch:cancel", "{}"), 404, "not found");
        refused(send("DELETE", "/v1beta/batches/nosuchbatch", null), 404, "not found");
        refused(send("GET", "/v1beta/files/nosuchfile:download?alt=media", null), 404, "files/nosuchfile");
        refused(send("GET", "/download/v1beta/files/nosuchfile:download?alt=media", null), 404, "files/nosuchfile");
    }

    @Test
    void malformedNamesAreRefused() throws Exception {
        for (String id : List.of("..%2Fx", "%2E%2E%2Fx", "a%2Fb", "bad%20name", "x".repeat(200), "%00", "caf%C3%A9")) {
            for (String method : List.of("GET", "DELETE")) {
                HttpResponse<String> answer = send(method, "/v1beta/cachedContents/" + id, null);
                assertThat(answer.statusCode()).as(id + " " + answer.body()).isIn(400, 404);
                refused(answer, answer.statusCode(), "");
                answer = send(method, "/v1beta/batches/" + id, null);
                assertThat(answer.statusCode()).as(id + " " + answer.body()).isIn(400, 404);
                refused(answer, answer.statusCode(), "");
            }
        }
        JsonNode error = refused(send("GET", "/v1beta/cachedContents/" + "x".repeat(200), null), 400, "name");
        assertThat(error.path("message").asText()).contains("cachedContents/");
        HttpResponse<String> dotted = send("GET", "/v1beta/cachedContents/../x", null);
        assertThat(dotted.statusCode()).as(dotted.body()).isBetween(400, 499);
        assertThat(gemini.requestCount()).isZero();
    }

    @Test
    void badListParametersAreRefused() throws Exception {
        for (String path : List.of("/v1beta/cachedContents", "/v1beta/batches", "/gemini/v1beta/batches")) {
            refused(send("GET", path + "?pageSize=ten", null), 400, "pageSize");
            refused(send("GET", path + "?pageSize=99999999999", null), 400, "pageSize");
            refused(send("GET", path + "?pageToken=%25%25not-a-token", null), 400, "pageToken");
        }
    }

    @Test
    void aPostOnABatchOtherThanCancelIsNotAMethod() throws Exception {
        refused(send("POST", "/v1beta/batches/somebatch", "{}"), 404, "cancel");
        refused(send("POST", "/v1beta/batches/somebatch:pause", "{}"), 404, "cancel");
        refused(send("POST", "/gemini/v1beta/batches/somebatch:cancelled", "{}"), 404, "cancel");
    }

    @Test
    void methodsAndPathsTheRoutesDoNotServeAreRefusedInGeminisShape() throws Exception {
        for (String[] call : new String[][] {{"POST", "/v1beta/batches"}, {"PUT", "/v1beta/cachedContents/" + cache},
                {"DELETE", "/v1beta/cachedContents"}, {"PATCH", "/v1beta/batches/somebatch"},
                {"GET", "/v1beta/cachedContents/a/b"}, {"PUT", "/gemini/v1beta/batches/somebatch"},
                {"POST", "/v1beta/cachedContents/" + cache}, {"DELETE", "/download/v1beta/files/x:download"}}) {
            HttpResponse<String> answer = send(call[0], call[1], call[0].equals("GET") || call[0].equals("DELETE") ? null : "{}");
            assertThat(answer.statusCode()).as(call[0] + " " + call[1] + ": " + answer.body()).isIn(404, 405);
            refused(answer, answer.statusCode(), "");
        }
    }

    @Test
    void aDownloadPathWithoutTheDownloadMethodIsNotFound() throws Exception {
        refused(send("GET", "/download/v1beta/files/somefile", null), 404, "download");
        refused(send("GET", "/download/v1beta/files/somefile:view?alt=media", null), 404, "download");
    }

    @Test
    void theNewRoutesNeedAClientToken() throws Exception {
        gemini.server().stubFor(get(urlEqualTo("/v1beta/cachedContents/" + cache))
                .willReturn(KeyBoundFakes.ok(KeyBoundFakes.cacheJson(cache, MODEL, "2099-01-01T00:00:00Z", 10))));
        for (String path : List.of("/v1beta/cachedContents", "/v1beta/cachedContents/" + cache, "/v1beta/batches",
                "/download/v1beta/files/somefile:download?alt=media")) {
            HttpResponse<String> answer = server.send(server.request(path, null).GET().build());
            assertThat(answer.statusCode()).as(path + " " + answer.body()).isIn(401, 403);
            JsonNode error = Json.mapper().readTree(answer.body()).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(answer.statusCode());
            assertThat(error.path("status").isTextual()).isTrue();
        }
        assertThat(gemini.requestCount()).isZero();
    }
}
