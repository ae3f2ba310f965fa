package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.github.geminibalance.server.KeyBoundFakes.batchOperation;
import static io.github.geminibalance.server.KeyBoundFakes.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.BatchJob;
import com.google.genai.types.BatchJobSource;
import com.google.genai.types.Content;
import com.google.genai.types.CreateBatchJobConfig;
import com.google.genai.types.File;
import com.google.genai.types.InlinedRequest;
import com.google.genai.types.JobState;
import com.google.genai.types.ListBatchJobsConfig;
import com.google.genai.types.Part;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.KeyState;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Google's genai SDK ({@code client.batches}) makes, reads, lists, cancels and deletes batches through
 * the server, against a fake in Gemini's wire shapes (long-running operations): a batch lives with the key
 * that made it (a pooled key, or the key of the file it reads), every later call on it goes to that key,
 * its results file is downloaded with that key, and each client token sees only its own batches.
 */
class BatchesSdkTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String EMBEDDING_MODEL = "gemini-embedding-001";
    private static final String KEY_A = "AIzaSyTEST-batches-key-000A";
    private static final String KEY_B = "AIzaSyTEST-batches-key-000B";
    private static final String TOKEN_B = "sk-test-other-batch-client";
    private static final String GENERATE = "/v1beta/models/" + MODEL + ":batchGenerateContent";

    private static FakeGemini gemini;
    private static KeyBoundFakes fakes;
    private static TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start();
        fakes = new KeyBoundFakes(gemini);
        server = TestServer.start(TestServer.config(gemini, List.of(KEY_A, KEY_B)).build(),
                ServerConfig.of(List.of(TestServer.TOKEN, TOKEN_B)));
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

    /** Stubs a batch create answered with the operation {@code batches/{id}} when the displayName is {@code id}. */
    private static void stubCreate(String path, String id, String model) {
        gemini.server().stubFor(post(urlEqualTo(path))
                .withRequestBody(matchingJsonPath("$.batch.displayName", equalTo(id)))
                .willReturn(ok(batchOperation(id, model, "BATCH_STATE_PENDING"))));
    }

    private static BatchJob inlined(Client client, String id) {
        return client.batches.create(MODEL, BatchJobSource.builder().inlinedRequests(
                InlinedRequest.builder().contents(Content.fromParts(Part.fromText("Tell a joke")))
                        .metadata(Map.of("key", "joke")).build(),
                InlinedRequest.builder().contents(Content.fromParts(Part.fromText("Write a haiku")))
                        .build()).build(),
                CreateBatchJobConfig.builder().displayName(id).build());
    }

    private static List<String> listed(Client client) {
        List<String> names = new ArrayList<>();
        client.batches.list(ListBatchJobsConfig.builder().pageSize(50).build()).forEach(b -> names.add(b.name().orElseThrow()));
        return names;
    }

    @Test
    void aBatchOfInlinedRequestsIsReadCancelledDownloadedAndDeletedWithTheKeyThatMadeIt() throws Exception {
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        String id = KeyBoundFakes.id("batch");
        stubCreate(GENERATE, id, MODEL);

        BatchJob made = inlined(client, id);
        assertThat(made.name()).contains("batches/" + id);
        assertThat(made.state()).contains(new JobState(JobState.Known.JOB_STATE_PENDING));
        assertThat(made.displayName()).contains(id);
        List<String> createKeys = fakes.keysOn(GENERATE);
        assertThat(createKeys).hasSize(1);
        String owner = createKeys.get(0);
        JsonNode sent = Json.mapper().readTree(fakes.requestsOn(GENERATE).get(0).getRequest().getBodyAsString());
        assertThat(sent.at("/batch/inputConfig/requests/requests").size()).isEqualTo(2);
        assertThat(sent.at("/batch/inputConfig/requests/requests/0/request/contents/0/parts/0/text").asText())
                .isEqualTo("Tell a joke");

        // still running, then done with a results file
        gemini.server().stubFor(get(urlEqualTo("/v1beta/batches/" + id))
                .willReturn(ok(batchOperation(id, MODEL, "BATCH_STATE_RUNNING"))));
        assertThat(client.batches.get("batches/" + id, null).state())
                .contains(new JobState(JobState.Known.JOB_STATE_RUNNING));
        String results = "batch-" + id;
        gemini.server().stubFor(get(urlEqualTo("/v1beta/batches/" + id))
                .willReturn(ok(KeyBoundFakes.finishedBatch(id, MODEL, "files/" + results))));
        BatchJob done = client.batches.get("batches/" + id, null);
        assertThat(done.state()).contains(new JobState(JobState.Known.JOB_STATE_SUCCEEDED));
        assertThat(done.dest().orElseThrow().fileName()).contains("files/" + results);
        assertThat(fakes.keysOn("/v1beta/batches/" + id)).containsExactly(owner, owner);

        // the results file is the batch key's: read and downloaded with it (round robin would alternate)
        String lines = "{\"key\":\"joke\",\"response\":{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Ha\"}]}}]}}\n"
                + "{\"response\":{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Leaves fall\"}]}}]}}\n";
        gemini.server().stubFor(get(urlEqualTo("/download/v1beta/files/" + results + ":download?alt=media"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/octet-stream")
                        .withBody(lines.getBytes(StandardCharsets.UTF_8))));
        gemini.server().stubFor(get(urlEqualTo("/v1beta/files/" + results))
                .willReturn(ok(KeyBoundFakes.fileJson(results, lines.length()))));
        assertThat(client.files.get("files/" + results, null).sizeBytes()).contains((long) lines.length());
        for (int i = 0; i < 2; i++) {
            Path target = dir.resolve("results-" + i + ".jsonl");
            client.files.download("files/" + results, target.toString(), null);
            assertThat(Files.readString(target)).isEqualTo(lines);
        }
        HttpResponse<String> raw = server.send(server.request("/download/v1beta/files/" + results
                + ":download?alt=media", null).header("x-goog-api-key", TestServer.TOKEN).GET().build());
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.body()).isEqualTo(lines);
        assertThat(fakes.keysOn("/download/v1beta/files/.*")).containsExactly(owner, owner, owner);
        assertThat(fakes.keysOn("/v1beta/files/" + results)).containsExactly(owner);

        // the list is the caller's, as last seen
        List<BatchJob> kept = new ArrayList<>();
        client.batches.list(ListBatchJobsConfig.builder().build()).forEach(kept::add);
        assertThat(kept).filteredOn(b -> b.name().orElseThrow().equals("batches/" + id)).singleElement()
                .satisfies(b -> assertThat(b.state()).contains(new JobState(JobState.Known.JOB_STATE_SUCCEEDED)));

        gemini.server().stubFor(post(urlEqualTo("/v1beta/batches/" + id + ":cancel")).willReturn(ok("{}")));
        client.batches.cancel("batches/" + id, null);
        assertThat(fakes.keysOn("/v1beta/batches/" + id + ":cancel")).containsExactly(owner);

        gemini.server().stubFor(delete(urlEqualTo("/v1beta/batches/" + id)).willReturn(ok("{}")));
        client.batches.delete("batches/" + id, null);
        assertThat(fakes.requestsOn("/v1beta/batches/" + id)).filteredOn(e -> e.getRequest().getMethod().getName()
                .equals("DELETE")).singleElement().satisfies(e -> assertThat(e.getRequest()
                .getHeader(FakeGemini.API_KEY_HEADER)).isEqualTo(owner));
        int before = gemini.requestCount();
        assertThatThrownBy(() -> client.batches.get("batches/" + id, null)).isInstanceOf(ClientException.class)
                .hasMessageContaining("404");
        assertThat(gemini.requestCount()).as("a deleted batch is not asked for upstream").isEqualTo(before);
        assertThat(listed(client)).doesNotContain("batches/" + id);
    }

    @Test
    void aBatchReadingAnUploadedFileGoesToTheFilesKey() {
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        String fileId = fakes.stubUpload("{\"key\":\"1\",\"request\":{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}}");
        File file = KeyBoundFakes.upload(client, fileId,
                "{\"key\":\"1\",\"request\":{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}}");
        String owner = fakes.keysOn("/upload/v1beta/files.*").get(0);

        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // round robin alone would send one of the two to the other key
            String id = KeyBoundFakes.id("batch");
            stubCreate(GENERATE, id, MODEL);
            names.add(client.batches.create(MODEL, BatchJobSource.builder().fileName(file.name().orElseThrow()).build(),
                    CreateBatchJobConfig.builder().displayName(id).build()).name().orElseThrow());
        }
        assertThat(fakes.keysOn(GENERATE)).containsExactly(owner, owner);
        assertThat(fakes.requestsOn(GENERATE)).allSatisfy(e -> assertThat(Json.mapper()
                .readTree(e.getRequest().getBodyAsString()).at("/batch/inputConfig/fileName").asText())
                .isEqualTo("files/" + fileId));

        for (String name : names) {
            gemini.server().stubFor(get(urlEqualTo("/v1beta/" + name))
                    .willReturn(ok(batchOperation(name.substring("batches/".length()), MODEL, "BATCH_STATE_RUNNING"))));
            client.batches.get(name, null);
        }
        assertThat(fakes.keysOn("/v1beta/batches/.*")).containsExactly(owner, owner);
    }

    @Test
    void aBatchWhoseInlinedRequestsNameAnUploadedFileGoesToTheFilesKey() {
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        String fileId = fakes.stubUpload("a document for every request");
        File file = KeyBoundFakes.upload(client, fileId, "a document for every request");
        String owner = fakes.keysOn("/upload/v1beta/files.*").get(0);
        for (int i = 0; i < 2; i++) { // round robin alone would send one of the two to the other key
            String id = KeyBoundFakes.id("batch");
            stubCreate(GENERATE, id, MODEL);
            client.batches.create(MODEL, BatchJobSource.builder().inlinedRequests(InlinedRequest.builder()
                    .contents(Content.fromParts(Part.fromUri(file.uri().orElseThrow(), "text/plain"),
                            Part.fromText("Summarise"))).build()).build(),
                    CreateBatchJobConfig.builder().displayName(id).build());
        }
        assertThat(fakes.keysOn(GENERATE)).containsExactly(owner, owner);
        assertThat(fakes.requestsOn(GENERATE)).allSatisfy(e -> assertThat(Json.mapper().readTree(e.getRequest()
                .getBodyAsString()).at("/batch/inputConfig/requests/requests/0/request/contents/0/parts/0/fileData/fileUri")
                .asText()).isEqualTo(file.uri().orElseThrow()));
    }

    @Test
    void anAsyncBatchEmbedContentMadeWithRawHttpIsABatchOfItsKeyToo() throws Exception {
        String id = KeyBoundFakes.id("batch");
        String path = "/v1beta/models/" + EMBEDDING_MODEL + ":asyncBatchEmbedContent";
        gemini.server().stubFor(post(urlEqualTo(path))
                .withRequestBody(matchingJsonPath("$.batch.displayName", equalTo(id)))
                .willReturn(ok("{\"name\":\"batches/" + id + "\",\"metadata\":{\"@type\":"
                        + "\"type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatch\",\"model\":"
                        + "\"models/" + EMBEDDING_MODEL + "\",\"displayName\":\"" + id + "\",\"createTime\":"
                        + "\"2026-12-07T09:00:00.000000Z\",\"updateTime\":\"2026-12-07T09:00:00.000000Z\","
                        + "\"batchStats\":{\"requestCount\":\"1\",\"pendingRequestCount\":\"1\"},"
                        + "\"state\":\"BATCH_STATE_PENDING\",\"name\":\"batches/" + id + "\"}}")));
        String body = "{\"batch\":{\"displayName\":\"" + id + "\",\"inputConfig\":{\"requests\":{\"requests\":["
                + "{\"request\":{\"content\":{\"parts\":[{\"text\":\"embed me\"}]}},\"metadata\":{\"key\":\"1\"}}]}}}}";
        HttpResponse<String> created = server.send(server.request("/gemini" + path, null)
                .header("x-goog-api-key", TestServer.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(Json.mapper().readTree(created.body()).path("name").asText()).isEqualTo("batches/" + id);
        String owner = fakes.keysOn(path).get(0);
        gemini.server().verify(postRequestedFor(urlEqualTo(path))
                .withRequestBody(equalTo(body)));

        gemini.server().stubFor(get(urlEqualTo("/v1beta/batches/" + id))
                .willReturn(ok(batchOperation(id, EMBEDDING_MODEL, "BATCH_STATE_RUNNING"))));
        for (String prefix : List.of("/v1beta", "/gemini/v1beta", "/v1beta")) {
            HttpResponse<String> read = server.send(server.request(prefix + "/batches/" + id, null)
                    .header("x-goog-api-key", TestServer.TOKEN).GET().build());
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(Json.mapper().readTree(read.body()).at("/metadata/state").asText()).isEqualTo("BATCH_STATE_RUNNING");
        }
        assertThat(fakes.keysOn("/v1beta/batches/" + id)).containsExactly(owner, owner, owner);
        HttpResponse<String> list = server.send(server.request("/v1beta/batches?pageSize=100", null)
                .header("x-goog-api-key", TestServer.TOKEN).GET().build());
        assertThat(Json.mapper().readTree(list.body()).path("operations").findValuesAsText("name"))
                .contains("batches/" + id);
    }

    @Test
    void aResultsFileIsTheBatchOwnersAndGeminiLosingItIsNoFaultOfTheKey() throws Exception {
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        String id = KeyBoundFakes.id("batch");
        stubCreate(GENERATE, id, MODEL);
        inlined(client, id);
        String owner = fakes.keysOn(GENERATE).get(0);
        String results = "batch-" + id;
        gemini.server().stubFor(get(urlEqualTo("/v1beta/batches/" + id))
                .willReturn(ok(KeyBoundFakes.finishedBatch(id, MODEL, "files/" + results))));
        client.batches.get("batches/" + id, null);

        // another client can neither download nor read the results
        int before = gemini.requestCount();
        for (String path : List.of("/v1beta/files/" + results + ":download?alt=media",
                "/gemini/download/v1beta/files/" + results + ":download?alt=media", "/v1beta/files/" + results)) {
            HttpResponse<String> answer = server.send(server.request(path, null).header("x-goog-api-key", TOKEN_B)
                    .GET().build());
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(Json.mapper().readTree(answer.body()).at("/error/status").asText()).isEqualTo("NOT_FOUND");
        }
        assertThat(gemini.requestCount()).isEqualTo(before);

        // Gemini no longer has it: its answer is passed on in its shape, and the key is not blamed
        gemini.server().stubFor(get(urlEqualTo("/download/v1beta/files/" + results + ":download?alt=media"))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", KeyBoundFakes.JSON)
                        .withBody("{\"error\":{\"code\":403,\"message\":\"You do not have permission to access the File "
                                + results + " or it may not exist.\",\"status\":\"PERMISSION_DENIED\"}}")));
        for (String prefix : List.of("/v1beta/files/", "/download/v1beta/files/")) {
            HttpResponse<String> answer = server.send(server.request(prefix + results + ":download?alt=media", null)
                    .header("x-goog-api-key", TestServer.TOKEN).GET().build());
            assertThat(answer.statusCode()).isEqualTo(403);
            JsonNode error = Json.mapper().readTree(answer.body()).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(403);
            assertThat(error.path("status").asText()).isEqualTo("PERMISSION_DENIED");
        }
        assertThat(fakes.keysOn("/download/v1beta/files/.*")).containsExactly(owner, owner);
        assertThat(server.context().getBean(GeminiBalance.class).keyStatus())
                .allSatisfy(k -> assertThat(k.state()).isEqualTo(KeyState.ACTIVE));
    }

    @Test
    void anotherClientTokensBatchIsANotFound() throws Exception {
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        String id = KeyBoundFakes.id("batch");
        stubCreate(GENERATE, id, MODEL);
        inlined(client, id);
        int before = gemini.requestCount();

        Client other = KeyBoundFakes.client(server, TOKEN_B);
        assertThat(listed(other)).doesNotContain("batches/" + id);
        assertThatThrownBy(() -> other.batches.get("batches/" + id, null)).isInstanceOf(ClientException.class)
                .hasMessageContaining("404");
        other.batches.cancel("batches/" + id, null); // the SDK's cancel reads no answer: the raw one below is checked
        assertThatThrownBy(() -> other.batches.delete("batches/" + id, null)).isInstanceOf(ClientException.class)
                .hasMessageContaining("404");
        for (HttpRequest.Builder request : List.of(
                server.request("/v1beta/batches/" + id, null).GET(),
                server.request("/gemini/v1beta/batches/" + id + ":cancel", null).POST(HttpRequest.BodyPublishers.ofString("{}")),
                server.request("/v1beta/batches/" + id, null).DELETE())) {
            HttpResponse<String> answer = server.send(request.header("x-goog-api-key", TOKEN_B).build());
            assertThat(answer.statusCode()).isEqualTo(404);
            JsonNode error = Json.mapper().readTree(answer.body()).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(404);
            assertThat(error.path("status").asText()).isEqualTo("NOT_FOUND");
        }
        assertThat(gemini.requestCount()).as("nothing reaches Gemini for another client's batch").isEqualTo(before);
        assertThat(listed(client)).contains("batches/" + id);
    }
}
