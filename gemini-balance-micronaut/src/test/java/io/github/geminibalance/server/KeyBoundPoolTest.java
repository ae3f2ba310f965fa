package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.File;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Key-bound resources and the pool: Gemini refusing a create is the request's fault (no retry on another
 * key, no key rests, no key in the answer), a stream naming a cache keeps to its key, a request naming
 * resources of two keys is refused before Gemini is asked, and a cache whose key left the pool is out of reach.
 */
class KeyBoundPoolTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String KEY_A = "AIzaSyTEST-keybound-pool-000A";
    private static final String KEY_B = "AIzaSyTEST-keybound-pool-000B";

    private static FakeGemini gemini;
    private static KeyBoundFakes fakes;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start();
        fakes = new KeyBoundFakes(gemini);
        server = TestServer.start(TestServer.config(gemini, List.of(KEY_A, KEY_B)).build());
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @BeforeEach
    void reset() {
        gemini.reset();
    }

    private static HttpResponse<String> send(String path, String body) throws Exception {
        return server.send(server.request(path, null).header("x-goog-api-key", TestServer.TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A cache of {@code file} made through the server, named {@code cachedContents/{id}}. */
    private static String cacheOf(String id, File file) throws Exception {
        gemini.server().stubFor(post(urlEqualTo("/v1beta/cachedContents"))
                .withRequestBody(matchingJsonPath("$.displayName", equalTo(id)))
                .willReturn(KeyBoundFakes.ok(KeyBoundFakes.cacheJson(id, MODEL, "2099-01-01T00:00:00Z", 4096))));
        HttpResponse<String> made = send("/v1beta/cachedContents", "{\"model\":\"models/" + MODEL + "\",\"displayName\":\""
                + id + "\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"fileData\":{\"mimeType\":\"text/plain\","
                + "\"fileUri\":\"" + file.uri().orElseThrow() + "\"}}]}]}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
        return "cachedContents/" + id;
    }

    @Test
    void aCreateGeminiRefusesIsChargedToTheRequestAndNamesNoKey() throws Exception {
        // Gemini's 400 for a cache below the minimum size; the message echoes the key as some errors do
        gemini.server().stubFor(post(urlEqualTo("/v1beta/cachedContents")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", KeyBoundFakes.JSON)
                .withBody("{\"error\":{\"code\":400,\"message\":\"Cached content is too small. total_token_count=12, "
                        + "min_total_token_count=1024 (key AIzaSyTEST-keybound-pool-000A / AIzaSyTEST-keybound-pool-000B)\","
                        + "\"status\":\"INVALID_ARGUMENT\"}}")));
        gemini.server().stubFor(post(urlEqualTo("/v1beta/models/" + MODEL + ":batchGenerateContent"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", KeyBoundFakes.JSON)
                        .withBody("{\"error\":{\"code\":400,\"message\":\"* BatchGenerateContentRequest.batch.input_config: "
                                + "input_config is required\",\"status\":\"INVALID_ARGUMENT\"}}")));
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> cache = send("/v1beta/cachedContents", "{\"model\":\"models/" + MODEL
                    + "\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"tiny\"}]}]}");
            assertThat(cache.statusCode()).isEqualTo(400);
            JsonNode error = Json.mapper().readTree(cache.body()).path("error");
            assertThat(error.path("status").asText()).isEqualTo("INVALID_ARGUMENT");
            assertThat(error.path("message").asText()).contains("Cached content is too small");
            assertThat(cache.body()).doesNotContain(KEY_A).doesNotContain(KEY_B);
            HttpResponse<String> batch = send("/v1beta/models/" + MODEL + ":batchGenerateContent",
                    "{\"batch\":{\"displayName\":\"no input\"}}");
            assertThat(batch.statusCode()).isEqualTo(400);
            assertThat(Json.mapper().readTree(batch.body()).at("/error/message").asText()).contains("input_config");
        }
        assertThat(fakes.keysOn("/v1beta/cachedContents")).as("a request's 400 is not retried on another key").hasSize(3);
        assertThat(fakes.keysOn(".*:batchGenerateContent")).hasSize(3);
        List<KeyStatus> keys = server.context().getBean(GeminiBalance.class).keyStatus();
        assertThat(keys).hasSize(2).allSatisfy(k -> {
            assertThat(k.state()).isEqualTo(KeyState.ACTIVE);
            assertThat(k.restingUntil()).isEmpty();
            assertThat(k.consecutiveFailures()).isZero();
        });
        HttpResponse<String> list = server.send(server.request("/v1beta/cachedContents", null)
                .header("x-goog-api-key", TestServer.TOKEN).GET().build());
        assertThat(Json.mapper().readTree(list.body()).path("cachedContents").findValuesAsText("name"))
                .as("nothing is kept of a refused create").noneMatch(n -> n.contains("too small"));
    }

    @Test
    void aCacheGeminiNoLongerHasIsTheRequestsProblemNotTheKeys() throws Exception {
        // Gemini's answer for a cache that expired, was deleted, or is another project's
        String gone = "{\"error\":{\"code\":403,\"message\":\"CachedContent not found (or permission denied)\","
                + "\"status\":\"PERMISSION_DENIED\"}}";
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        String fileId = fakes.stubUpload("soon expired");
        File file = KeyBoundFakes.upload(client, fileId, "soon expired");
        String cache = cacheOf(KeyBoundFakes.id("cache"), file);
        gemini.answer(MODEL, "generateContent", null, 403, gone);
        gemini.server().stubFor(get(urlEqualTo("/v1beta/" + cache))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", KeyBoundFakes.JSON).withBody(gone)));
        int before = gemini.requestCount();

        // a cache this server never saw goes to a pooled key; one it keeps goes to its key: both 403s are the request's
        for (String name : List.of("cachedContents/notkepthere", cache, "cachedContents/notkepthere")) {
            HttpResponse<String> use = send("/v1beta/models/" + MODEL + ":generateContent", "{\"cachedContent\":\""
                    + name + "\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Summarise\"}]}]}");
            assertThat(use.statusCode()).isEqualTo(403);
            JsonNode error = Json.mapper().readTree(use.body()).path("error");
            assertThat(error.path("status").asText()).isEqualTo("PERMISSION_DENIED");
            assertThat(error.path("message").asText()).contains("CachedContent not found");
        }
        HttpResponse<String> read = server.send(server.request("/v1beta/" + cache, null)
                .header("x-goog-api-key", TestServer.TOKEN).GET().build());
        assertThat(read.statusCode()).isEqualTo(403);
        assertThat(gemini.requestCount() - before).as("no retry on another key").isEqualTo(4);
        assertThat(server.context().getBean(GeminiBalance.class).keyStatus()).hasSize(2).allSatisfy(k -> {
            assertThat(k.state()).isEqualTo(KeyState.ACTIVE);
            assertThat(k.consecutiveFailures()).isZero();
        });
    }

    @Test
    void aMemberGeminiSaysIsGoneIsForgottenSoItCanLeaveTheList() throws Exception {
        String gone = "{\"error\":{\"code\":403,\"message\":\"CachedContent not found (or permission denied)\","
                + "\"status\":\"PERMISSION_DENIED\"}}";
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        String fileId = fakes.stubUpload("deleted elsewhere");
        File file = KeyBoundFakes.upload(client, fileId, "deleted elsewhere");
        String cache = cacheOf(KeyBoundFakes.id("cache"), file);
        gemini.server().stubFor(delete(urlEqualTo("/v1beta/" + cache))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", KeyBoundFakes.JSON).withBody(gone)));
        String batch = "batches/" + KeyBoundFakes.id("batch");
        gemini.server().stubFor(post(urlEqualTo("/v1beta/models/" + MODEL + ":batchGenerateContent"))
                .willReturn(KeyBoundFakes.ok(KeyBoundFakes.batchOperation(batch.substring(8), MODEL, "BATCH_STATE_PENDING"))));
        assertThat(send("/v1beta/models/" + MODEL + ":batchGenerateContent", "{\"batch\":{\"inputConfig\":{\"requests\":"
                + "{\"requests\":[]}}}}").statusCode()).isEqualTo(200);
        gemini.server().stubFor(get(urlEqualTo("/v1beta/" + batch))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", KeyBoundFakes.JSON).withBody(
                        "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\",\"status\":\"NOT_FOUND\"}}")));

        HttpResponse<String> deleted = server.send(server.request("/v1beta/" + cache, null)
                .header("x-goog-api-key", TestServer.TOKEN).DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(403);
        HttpResponse<String> read = server.send(server.request("/v1beta/" + batch, null)
                .header("x-goog-api-key", TestServer.TOKEN).GET().build());
        assertThat(read.statusCode()).isEqualTo(404);
        assertThat(Json.mapper().readTree(read.body()).at("/error/message").asText()).contains("not found");

        int before = gemini.requestCount();
        for (String name : List.of(cache, batch)) {
            HttpResponse<String> again = server.send(server.request("/v1beta/" + name, null)
                    .header("x-goog-api-key", TestServer.TOKEN).GET().build());
            assertThat(again.statusCode()).isEqualTo(404);
            assertThat(Json.mapper().readTree(again.body()).at("/error/message").asText()).contains(name);
        }
        assertThat(gemini.requestCount()).as("a forgotten member is not asked for again").isEqualTo(before);
        for (String list : List.of("/v1beta/cachedContents?pageSize=100", "/v1beta/batches?pageSize=100")) {
            assertThat(server.send(server.request(list, null).header("x-goog-api-key", TestServer.TOKEN).GET().build())
                    .body()).doesNotContain(cache).doesNotContain(batch);
        }
    }

    @Test
    void aFileGeminiSaysIsGoneIsForgottenToo() throws Exception {
        // Gemini's answer for a file that expired or was deleted with the key elsewhere
        String gone = "{\"error\":{\"code\":403,\"message\":\"You do not have permission to access the File "
                + "gone1 or it may not exist.\",\"status\":\"PERMISSION_DENIED\"}}";
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        String fileId = fakes.stubUpload("deleted at Google");
        File file = KeyBoundFakes.upload(client, fileId, "deleted at Google");
        String name = file.name().orElseThrow();
        gemini.server().stubFor(get(urlEqualTo("/v1beta/" + name))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", KeyBoundFakes.JSON).withBody(gone)));

        HttpResponse<String> read = server.send(server.request("/v1beta/" + name, null)
                .header("x-goog-api-key", TestServer.TOKEN).GET().build());
        assertThat(read.statusCode()).isEqualTo(403);
        int before = gemini.requestCount();
        HttpResponse<String> again = server.send(server.request("/v1beta/" + name, null)
                .header("x-goog-api-key", TestServer.TOKEN).GET().build());
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(gemini.requestCount()).as("a forgotten file is not asked for again").isEqualTo(before);
        assertThat(server.send(server.request("/v1beta/files?pageSize=100", null)
                .header("x-goog-api-key", TestServer.TOKEN).GET().build()).body()).doesNotContain(name);
        assertThat(server.context().getBean(GeminiBalance.class).keyStatus())
                .allSatisfy(k -> assertThat(k.state()).isEqualTo(KeyState.ACTIVE));
    }

    @Test
    void aStreamNamingTheCacheGoesToItsKeyEveryTime() throws Exception {
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        String fileId = fakes.stubUpload("streamed document");
        File file = KeyBoundFakes.upload(client, fileId, "streamed document");
        String owner = fakes.keysOn("/upload/v1beta/files.*").get(0);
        String cache = cacheOf(KeyBoundFakes.id("cache"), file);
        gemini.streamGenerateContent(MODEL, null, GeminiFixtures.textStream("From ", "the cache."));

        for (int i = 0; i < 3; i++) {
            StringBuilder text = new StringBuilder();
            try (ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream(MODEL,
                    "Summarise the document", GenerateContentConfig.builder().cachedContent(cache).build())) {
                stream.forEach(chunk -> text.append(chunk.text() == null ? "" : chunk.text()));
            }
            assertThat(text.toString()).isEqualTo("From the cache.");
        }
        assertThat(fakes.keysOn(".*:streamGenerateContent.*")).containsExactly(owner, owner, owner);
        assertThat(gemini.requestBodies(MODEL, "streamGenerateContent"))
                .allSatisfy(body -> assertThat(body.path("cachedContent").asText()).isEqualTo(cache));

        // counting tokens with the cache too
        gemini.countTokens(MODEL, null, 4100);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> count = send("/v1beta/models/" + MODEL + ":countTokens", "{\"generateContentRequest\":"
                    + "{\"model\":\"models/" + MODEL + "\",\"cachedContent\":\"" + cache + "\",\"contents\":[{\"role\":"
                    + "\"user\",\"parts\":[{\"text\":\"and this\"}]}]}}");
            assertThat(count.statusCode()).as(count.body()).isEqualTo(200);
        }
        assertThat(fakes.keysOn(".*:countTokens")).containsExactly(owner, owner);
    }

    @Test
    void aRequestNamingResourcesOfTwoKeysIsRefusedBeforeGeminiIsAsked() throws Exception {
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        String first = fakes.stubUpload("on one key");
        String second = fakes.stubUpload("on the other key");
        File one = KeyBoundFakes.upload(client, first, "on one key");
        File two = KeyBoundFakes.upload(client, second, "on the other key");
        List<String> uploadKeys = fakes.keysOn("/upload/v1beta/files");
        assertThat(uploadKeys).as("round robin puts the two files on the two keys").containsExactlyInAnyOrder(KEY_A, KEY_B);
        String cache = cacheOf(KeyBoundFakes.id("cache"), two);
        int before = gemini.requestCount();

        HttpResponse<String> mixed = send("/v1beta/models/" + MODEL + ":generateContent", "{\"cachedContent\":\"" + cache
                + "\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"fileData\":{\"mimeType\":\"text/plain\",\"fileUri\":\""
                + one.uri().orElseThrow() + "\"}},{\"text\":\"Compare\"}]}]}");
        assertThat(mixed.statusCode()).isEqualTo(400);
        JsonNode error = Json.mapper().readTree(mixed.body()).path("error");
        assertThat(error.path("status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.path("message").asText()).contains(cache).contains("files/" + first)
                .doesNotContain(KEY_A).doesNotContain(KEY_B);
        HttpResponse<String> batch = send("/v1beta/models/" + MODEL + ":batchGenerateContent",
                "{\"batch\":{\"displayName\":\"mixed\",\"inputConfig\":{\"fileName\":\"files/" + first + "\"},"
                        + "\"cachedContent\":\"" + cache + "\"}}");
        assertThat(batch.statusCode()).isEqualTo(400);
        HttpResponse<String> chat = server.postJson("/v1/chat/completions", "{\"model\":\"" + MODEL + "\",\"google\":"
                + "{\"cached_content\":\"" + cache + "\"},\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\","
                + "\"file\":{\"file_id\":\"files/" + first + "\"}},{\"type\":\"text\",\"text\":\"Compare\"}]}]}");
        assertThat(chat.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(chat.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(gemini.requestCount()).as("Gemini is not asked").isEqualTo(before);
    }

    @Test
    void aCacheWhoseKeyLeftThePoolIsOutOfReachWithAClearError() throws Exception {
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        String fileId = fakes.stubUpload("doomed cache");
        File file = KeyBoundFakes.upload(client, fileId, "doomed cache");
        String owner = fakes.keysOn("/upload/v1beta/files.*").get(0);
        String cache = cacheOf(KeyBoundFakes.id("cache"), file);
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("never"));
        GeminiBalance facade = server.context().getBean(GeminiBalance.class);
        assertThat(facade.keys().delete(new ApiKey(owner).id()).join()).isPresent();
        try {
            int before = gemini.requestCount();
            HttpResponse<String> get = server.send(server.request("/v1beta/" + cache, null)
                    .header("x-goog-api-key", TestServer.TOKEN).GET().build());
            assertThat(get.statusCode()).isEqualTo(404);
            assertThat(Json.mapper().readTree(get.body()).at("/error/message").asText())
                    .contains("removed from the pool").doesNotContain(owner);
            HttpResponse<String> use = send("/v1beta/models/" + MODEL + ":generateContent", "{\"cachedContent\":\""
                    + cache + "\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Summarise\"}]}]}");
            assertThat(use.statusCode()).isEqualTo(404);
            assertThat(Json.mapper().readTree(use.body()).at("/error/status").asText()).isEqualTo("NOT_FOUND");
            assertThat(gemini.requestCount()).as("no other key is tried: it cannot see the cache").isEqualTo(before);
        } finally {
            facade.keys().restore(new ApiKey(owner).id()).join();
        }
    }
}
