package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.BatchJobSource;
import com.google.genai.types.Content;
import com.google.genai.types.CreateBatchJobConfig;
import com.google.genai.types.CreateCachedContentConfig;
import com.google.genai.types.File;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.InlinedRequest;
import com.google.genai.types.ListBatchJobsConfig;
import com.google.genai.types.ListCachedContentsConfig;
import com.google.genai.types.Part;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.store.Attempt;
import io.github.geminibalance.store.RecordQuery;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Caches and batches kept in the store (SQLite here) keep their keys across a restart: a cache made before
 * it is used with its key after it, a batch is read and its results downloaded with its key; and every call
 * is recorded under its route with the key that served it.
 */
class KeyBoundRestartTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String KEY_A = "AIzaSyTEST-keybound-restart-0A";
    private static final String KEY_B = "AIzaSyTEST-keybound-restart-0B";
    private static final String TOKEN_B = "sk-test-other-restart-client";

    @TempDir
    Path dir;

    private FakeGemini gemini;
    private KeyBoundFakes fakes;
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

    private TestServer start() {
        return TestServer.startWithDatabase(TestServer.config(gemini, List.of(KEY_A, KEY_B)).build(),
                ServerConfig.of(List.of(TestServer.TOKEN, TOKEN_B)),
                TestConfigFactory.database(Map.of("SQLITE_DATABASE", dir.resolve("resources.db").toString())), Map.of());
    }

    private List<RequestRecord> records() {
        Store store = server.context().getBean(Store.class);
        assertThat(store.flush(10_000)).as("the writer wrote everything").isTrue();
        return store.queries().requests(RecordQuery.latest(500)).items();
    }

    private static List<String> keyIdsOf(List<RequestRecord> records, String route) {
        List<String> ids = new ArrayList<>();
        records.stream().filter(r -> route.equals(r.route()))
                .forEach(r -> r.attempts().stream().map(Attempt::keyId).forEach(ids::add));
        return ids;
    }

    @Test
    void cachesAndBatchesKeepTheirKeysAcrossARestartAndAreRecordedUnderTheirRoutes() throws Exception {
        gemini = FakeGemini.start();
        fakes = new KeyBoundFakes(gemini);
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("Still cached."));
        server = start();
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);

        String fileId = fakes.stubUpload("kept across restarts");
        File file = KeyBoundFakes.upload(client, fileId, "kept across restarts");
        String fileKey = fakes.keysOn("/upload/v1beta/files.*").get(0);
        String cacheId = KeyBoundFakes.id("cache");
        gemini.server().stubFor(post(urlEqualTo("/v1beta/cachedContents"))
                .withRequestBody(matchingJsonPath("$.displayName", equalTo(cacheId)))
                .willReturn(KeyBoundFakes.ok(KeyBoundFakes.cacheJson(cacheId, MODEL, "2099-01-01T00:00:00.000000Z", 2048))));
        String cache = client.caches.create(MODEL, CreateCachedContentConfig.builder().displayName(cacheId)
                .contents(Content.fromParts(Part.fromUri(file.uri().orElseThrow(), "text/plain"))).build())
                .name().orElseThrow();

        String batchId = KeyBoundFakes.id("batch");
        gemini.server().stubFor(post(urlEqualTo("/v1beta/models/" + MODEL + ":batchGenerateContent"))
                .willReturn(KeyBoundFakes.ok(KeyBoundFakes.batchOperation(batchId, MODEL, "BATCH_STATE_PENDING"))));
        client.batches.create(MODEL, BatchJobSource.builder().inlinedRequests(InlinedRequest.builder()
                .contents(Content.fromParts(Part.fromText("hello"))).build()).build(),
                CreateBatchJobConfig.builder().displayName(batchId).build());
        String batchKey = fakes.keysOn(".*:batchGenerateContent").get(0);
        List<RequestRecord> before = records();
        assertThat(keyIdsOf(before, "gemini.files")).containsOnly(new ApiKey(fileKey).id());
        assertThat(keyIdsOf(before, "gemini.cachedContents")).containsExactly(new ApiKey(fileKey).id());
        assertThat(keyIdsOf(before, "gemini.batchGenerateContent")).containsExactly(new ApiKey(batchKey).id());
        server.close();

        server = start();
        client = KeyBoundFakes.client(server, TestServer.TOKEN);
        for (int i = 0; i < 2; i++) {
            assertThat(client.models.generateContent(MODEL, "Summarise",
                    GenerateContentConfig.builder().cachedContent(cache).build()).text()).isEqualTo("Still cached.");
        }
        assertThat(fakes.keysOn(".*:generateContent")).containsExactly(fileKey, fileKey);
        List<String> caches = new ArrayList<>();
        client.caches.list(ListCachedContentsConfig.builder().build()).forEach(c -> caches.add(c.name().orElseThrow()));
        assertThat(caches).containsExactly(cache);
        Client other = KeyBoundFakes.client(server, TOKEN_B);
        assertThatThrownBy(() -> other.caches.get(cache, null)).isInstanceOf(ClientException.class)
                .hasMessageContaining("404");

        String results = "batch-" + batchId;
        gemini.server().stubFor(get(urlEqualTo("/v1beta/batches/" + batchId))
                .willReturn(KeyBoundFakes.ok(KeyBoundFakes.finishedBatch(batchId, MODEL, "files/" + results))));
        gemini.server().stubFor(get(urlEqualTo("/download/v1beta/files/" + results + ":download?alt=media"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/octet-stream")
                        .withBody("{\"response\":{}}\n".getBytes(StandardCharsets.UTF_8))));
        for (int i = 0; i < 2; i++) {
            assertThat(client.batches.get("batches/" + batchId, null).dest().orElseThrow().fileName())
                    .contains("files/" + results);
        }
        Path target = dir.resolve("results.jsonl");
        client.files.download("files/" + results, target.toString(), null);
        assertThat(Files.readString(target)).isEqualTo("{\"response\":{}}\n");
        assertThat(fakes.keysOn("/v1beta/batches/" + batchId)).containsExactly(batchKey, batchKey);
        assertThat(fakes.keysOn("/download/v1beta/files/.*")).containsExactly(batchKey);
        List<String> batches = new ArrayList<>();
        client.batches.list(ListBatchJobsConfig.builder().build()).forEach(b -> batches.add(b.name().orElseThrow()));
        assertThat(batches).containsExactly("batches/" + batchId);

        List<RequestRecord> after = records();
        assertThat(keyIdsOf(after, "gemini.batches")).containsExactly(new ApiKey(batchKey).id(), new ApiKey(batchKey).id());
        assertThat(after).filteredOn(r -> "gemini.batches".equals(r.route())).hasSize(3) // two reads and the list
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(keyIdsOf(after, "gemini.generateContent")).containsExactly(new ApiKey(fileKey).id(),
                new ApiKey(fileKey).id());
        assertThat(after).filteredOn(r -> "gemini.cachedContents".equals(r.route()) && r.status() == 404).hasSize(1);
        assertThat(after).filteredOn(r -> "gemini.files".equals(r.route()) && !r.attempts().isEmpty())
                .flatExtracting(RequestRecord::attempts).extracting(Attempt::keyId)
                .contains(new ApiKey(batchKey).id());
    }
}
