package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.Client;
import com.google.genai.types.CachedContent;
import com.google.genai.types.ListCachedContentsConfig;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lists of caches and batches come from the store in Gemini's shape and pages, the caller's only; a
 * cache is kept until its {@code expireTime} (moved by an update) and a batch for 30 days, on the server's
 * injected clock.
 */
class KeyBoundListsTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String KEY = "AIzaSyTEST-keybound-lists-0001";
    private static final String TOKEN_B = "sk-test-lists-other-client";
    private static final Instant START = Instant.parse("2026-05-01T12:00:00Z");

    private final TestClockFactory.MovableClock clock = new TestClockFactory.MovableClock(START);
    private FakeGemini gemini;
    private TestServer server;

    @BeforeEach
    void start() {
        gemini = FakeGemini.start();
        server = TestServer.start(TestServer.config(gemini, List.of(KEY)).build(),
                ServerConfig.of(List.of(TestServer.TOKEN, TOKEN_B)), null,
                Map.of(TestClockFactory.PROPERTY, TestClockFactory.register(clock)));
    }

    @AfterEach
    void stop() {
        server.close();
        gemini.close();
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = server.request(path, null).header("x-goog-api-key", token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return server.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return Json.mapper().readTree(response.body());
    }

    /** Makes the cache {@code id} (expiring at {@code expires}) through the server. */
    private void cache(String id, Instant expires) throws Exception {
        gemini.server().stubFor(post(urlEqualTo("/v1beta/cachedContents"))
                .withRequestBody(matchingJsonPath("$.displayName", equalTo(id)))
                .willReturn(KeyBoundFakes.ok(KeyBoundFakes.cacheJson(id, MODEL, expires.toString(), 2048))));
        json(send("POST", "/v1beta/cachedContents", TestServer.TOKEN, "{\"model\":\"models/" + MODEL
                + "\",\"displayName\":\"" + id + "\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"x\"}]}]}"), 200);
    }

    @Test
    void listsComeInPagesOfTheCallersOwn() throws Exception {
        List<String> ids = List.of("cachea", "cacheb", "cachec");
        for (String id : ids) {
            cache(id, START.plus(Duration.ofHours(1)));
        }
        int before = gemini.requestCount();

        JsonNode first = json(send("GET", "/v1beta/cachedContents?pageSize=2", TestServer.TOKEN, null), 200);
        assertThat(first.path("cachedContents").findValuesAsText("name"))
                .containsExactly("cachedContents/cachea", "cachedContents/cacheb");
        assertThat(first.at("/cachedContents/0/usageMetadata/totalTokenCount").asInt()).isEqualTo(2048);
        String token = first.path("nextPageToken").asText();
        assertThat(token).isNotEmpty();
        JsonNode second = json(send("GET", "/gemini/v1beta/cachedContents?pageSize=2&pageToken=" + token,
                TestServer.TOKEN, null), 200);
        assertThat(second.path("cachedContents").findValuesAsText("name")).containsExactly("cachedContents/cachec");
        assertThat(second.has("nextPageToken")).isFalse();

        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        List<String> paged = new ArrayList<>();
        client.caches.list(ListCachedContentsConfig.builder().pageSize(1).build()).forEach(c -> paged.add(c.name().orElseThrow()));
        assertThat(paged).containsExactly("cachedContents/cachea", "cachedContents/cacheb", "cachedContents/cachec");

        // Gemini answers an empty list with {}
        assertThat(send("GET", "/v1beta/cachedContents", TOKEN_B, null).body()).isEqualTo("{}");
        assertThat(send("GET", "/v1beta/batches", TOKEN_B, null).body()).isEqualTo("{}");
        assertThat(gemini.requestCount()).as("lists are answered from the store").isEqualTo(before);
    }

    @Test
    void aCacheIsKeptUntilItsExpireTimeAsAnUpdateMovesIt() throws Exception {
        cache("shortlived", START.plus(Duration.ofHours(1)));
        cache("extended", START.plus(Duration.ofHours(1)));
        gemini.server().stubFor(patch(urlPathEqualTo("/v1beta/cachedContents/extended"))
                .willReturn(KeyBoundFakes.ok(KeyBoundFakes.cacheJson("extended", MODEL,
                        START.plus(Duration.ofHours(5)).toString(), 2048))));
        JsonNode updated = json(send("PATCH", "/v1beta/cachedContents/extended?updateMask=ttl", TestServer.TOKEN,
                "{\"ttl\":\"18000s\"}"), 200);
        assertThat(updated.path("expireTime").asText()).isEqualTo(START.plus(Duration.ofHours(5)).toString());
        gemini.server().verify(patchRequestedFor(
                urlEqualTo("/v1beta/cachedContents/extended?updateMask=ttl")).withRequestBody(equalTo("{\"ttl\":\"18000s\"}")));

        clock.advance(Duration.ofMinutes(61));
        int before = gemini.requestCount();
        JsonNode gone = json(send("GET", "/v1beta/cachedContents/shortlived", TestServer.TOKEN, null), 404);
        assertThat(gone.at("/error/status").asText()).isEqualTo("NOT_FOUND");
        assertThat(gone.at("/error/message").asText()).contains("cachedContents/shortlived");
        assertThat(gemini.requestCount()).as("an expired cache is not asked for").isEqualTo(before);
        assertThat(json(send("GET", "/v1beta/cachedContents", TestServer.TOKEN, null), 200).path("cachedContents")
                .findValuesAsText("name")).containsExactly("cachedContents/extended");

        // a generation naming the expired cache is no longer pinned: Gemini itself judges the name
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("ok"));
        json(send("POST", "/v1beta/models/" + MODEL + ":generateContent", TestServer.TOKEN, "{\"cachedContent\":"
                + "\"cachedContents/shortlived\",\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}"), 200);

        clock.advance(Duration.ofHours(4)); // 5 h 1 min after the start
        json(send("GET", "/v1beta/cachedContents/extended", TestServer.TOKEN, null), 404);
        assertThat(send("GET", "/v1beta/cachedContents", TestServer.TOKEN, null).body()).isEqualTo("{}");
    }

    @Test
    void aBatchIsKeptThirtyDays() throws Exception {
        gemini.server().stubFor(post(urlEqualTo("/v1beta/models/" + MODEL + ":batchGenerateContent"))
                .willReturn(KeyBoundFakes.ok(KeyBoundFakes.batchOperation("monthly", MODEL, "BATCH_STATE_PENDING"))));
        gemini.server().stubFor(get(urlEqualTo("/v1beta/batches/monthly"))
                .willReturn(KeyBoundFakes.ok(KeyBoundFakes.batchOperation("monthly", MODEL, "BATCH_STATE_RUNNING"))));
        json(send("POST", "/v1beta/models/" + MODEL + ":batchGenerateContent", TestServer.TOKEN,
                "{\"batch\":{\"displayName\":\"monthly\",\"inputConfig\":{\"requests\":{\"requests\":[]}}}}"), 200);
        clock.advance(Duration.ofDays(29));
        assertThat(json(send("GET", "/v1beta/batches/monthly", TestServer.TOKEN, null), 200).at("/metadata/state")
                .asText()).isEqualTo("BATCH_STATE_RUNNING");
        clock.advance(Duration.ofDays(2));
        json(send("GET", "/v1beta/batches/monthly", TestServer.TOKEN, null), 404);
        assertThat(send("GET", "/v1beta/batches", TestServer.TOKEN, null).body()).isEqualTo("{}");
    }

    /** The SDK's view of a kept cache is the one Gemini answered. */
    @Test
    void theSdkReadsTheKeptCacheAsGeminiAnsweredIt() throws Exception {
        cache("sdkview", START.plus(Duration.ofHours(2)));
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        List<CachedContent> listed = new ArrayList<>();
        client.caches.list(ListCachedContentsConfig.builder().build()).forEach(listed::add);
        assertThat(listed).singleElement().satisfies(c -> {
            assertThat(c.name()).contains("cachedContents/sdkview");
            assertThat(c.model()).contains("models/" + MODEL);
            assertThat(c.expireTime()).contains(START.plus(Duration.ofHours(2)));
            assertThat(c.displayName()).contains("sdkview");
        });
    }
}
