package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.google.genai.Client;
import com.google.genai.types.File;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.UploadFileConfig;
import io.github.geminibalance.testing.FakeGemini;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gemini's key-bound resources at the fake, in Gemini's wire shapes (files uploaded resumably, cached
 * contents, batch operations), and what the tests ask of the fake afterwards: which key each call used.
 */
final class KeyBoundFakes {

    static final String JSON = "application/json; charset=UTF-8";
    private static final AtomicInteger IDS = new AtomicInteger();

    private final FakeGemini gemini;

    KeyBoundFakes(FakeGemini gemini) {
        this.gemini = gemini;
    }

    /** A fresh id, lower case letters and digits as Gemini's are. */
    static String id(String prefix) {
        return prefix + IDS.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 1_000_000, 36);
    }

    /** A google-genai client for {@code server} with a client token, on {@code v1beta}, without retries. */
    static Client client(TestServer server, String token) {
        return Client.builder().apiKey(token).vertexAI(false)
                .httpOptions(HttpOptions.builder().baseUrl(server.url().replace("localhost", "127.0.0.1"))
                        .apiVersion("v1beta").retryOptions(HttpRetryOptions.builder().attempts(1).build()).build())
                .build();
    }

    /**
     * Stubs one resumable upload of {@code content} (start with any key, then the bytes answer the file)
     * and a GET of the file; returns the file's id.
     */
    String stubUpload(String content) {
        String id = id("file");
        String upstream = "http://127.0.0.1:" + gemini.server().port() + "/upload/v1beta/files?upload_id=UP-" + id
                + "&upload_protocol=resumable";
        gemini.server().stubFor(post(urlEqualTo("/upload/v1beta/files"))
                .withHeader("X-Goog-Upload-Protocol", equalTo("resumable"))
                .withHeader("X-Goog-Upload-Command", equalTo("start"))
                .withRequestBody(matching(".*" + id + ".*"))
                .willReturn(aResponse().withStatus(200).withHeader("X-Goog-Upload-URL", upstream)
                        .withHeader("X-Goog-Upload-Status", "active")
                        .withHeader("X-Goog-Upload-Chunk-Granularity", "8388608")));
        gemini.server().stubFor(post(urlEqualTo("/upload/v1beta/files?upload_id=UP-" + id + "&upload_protocol=resumable"))
                .withHeader("X-Goog-Upload-Command", equalTo("upload, finalize"))
                .withRequestBody(equalTo(content))
                .willReturn(aResponse().withStatus(200).withHeader("X-Goog-Upload-Status", "final")
                        .withHeader("Content-Type", JSON).withBody("{\"file\":" + fileJson(id, content.length()) + "}")));
        gemini.server().stubFor(get(urlEqualTo("/v1beta/files/" + id))
                .willReturn(ok(fileJson(id, content.length()))));
        return id;
    }

    /** Uploads {@code content} with the SDK (after {@link #stubUpload}); the display name carries the id. */
    static File upload(Client client, String id, String content) {
        return client.files.upload(content.getBytes(StandardCharsets.UTF_8),
                UploadFileConfig.builder().mimeType("text/plain").displayName(id).build());
    }

    /** Gemini's File resource. */
    static String fileJson(String id, int size) {
        return "{\"name\":\"files/" + id + "\",\"displayName\":\"" + id + "\",\"mimeType\":\"text/plain\","
                + "\"sizeBytes\":\"" + size + "\",\"createTime\":\"2026-12-07T07:00:00.000000Z\","
                + "\"updateTime\":\"2026-12-07T07:00:00.000000Z\",\"expirationTime\":\"2099-12-09T07:00:00.000000Z\","
                + "\"sha256Hash\":\"ZmFrZQ==\",\"uri\":\"https://generativelanguage.googleapis.com/v1beta/files/"
                + id + "\",\"state\":\"ACTIVE\",\"source\":\"UPLOADED\"}";
    }

    /** Gemini's CachedContent resource. */
    static String cacheJson(String id, String model, String expireTime, int tokens) {
        return "{\"name\":\"cachedContents/" + id + "\",\"model\":\"models/" + model + "\","
                + "\"createTime\":\"2026-12-07T09:00:00.000000Z\",\"updateTime\":\"2026-12-07T09:00:00.000000Z\","
                + "\"expireTime\":\"" + expireTime + "\",\"displayName\":\"" + id + "\","
                + "\"usageMetadata\":{\"totalTokenCount\":" + tokens + "}}";
    }

    /** The metadata of a batch ({@code GenerateContentBatch}) in state {@code state}, with {@code output} if not null. */
    static String batchMetadata(String id, String model, String state, String output) {
        return "{\"@type\":\"type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch\","
                + "\"model\":\"models/" + model + "\",\"displayName\":\"" + id + "\","
                + "\"createTime\":\"2026-12-07T09:00:00.000000Z\",\"updateTime\":\"2026-12-07T09:00:01.000000Z\","
                + "\"batchStats\":{\"requestCount\":\"2\",\"pendingRequestCount\":\"2\"},"
                + "\"state\":\"" + state + "\",\"name\":\"batches/" + id + "\""
                + (output == null ? "" : ",\"output\":" + output) + "}";
    }

    /** The long-running operation a batch create (and a GET of a running batch) answers. */
    static String batchOperation(String id, String model, String state) {
        return "{\"name\":\"batches/" + id + "\",\"metadata\":" + batchMetadata(id, model, state, null) + "}";
    }

    /** A finished batch whose results are the file {@code responsesFile} ({@code files/...}). */
    static String finishedBatch(String id, String model, String responsesFile) {
        String output = "{\"responsesFile\":\"" + responsesFile + "\"}";
        return "{\"name\":\"batches/" + id + "\",\"metadata\":" + batchMetadata(id, model, "BATCH_STATE_SUCCEEDED", output)
                + ",\"done\":true,\"response\":{\"@type\":"
                + "\"type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput\","
                + "\"responsesFile\":\"" + responsesFile + "\"}}";
    }

    static ResponseDefinitionBuilder ok(String json) {
        return aResponse().withStatus(200).withHeader("Content-Type", JSON).withBody(json);
    }

    /** The key of each request the fake received whose URL matches {@code regex}, oldest first. */
    List<String> keysOn(String regex) {
        return requestsOn(regex).stream().map(e -> e.getRequest().getHeader(FakeGemini.API_KEY_HEADER)).toList();
    }

    /** The requests the fake received whose URL matches {@code regex}, oldest first. */
    List<ServeEvent> requestsOn(String regex) {
        List<ServeEvent> events = new ArrayList<>(gemini.server().getAllServeEvents());
        Collections.reverse(events); // WireMock lists the newest first
        List<ServeEvent> out = new ArrayList<>();
        for (ServeEvent e : events) {
            if (e.getRequest().getUrl().matches(regex)) {
                out.add(e);
            }
        }
        return out;
    }
}
