package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.Content;
import com.google.genai.types.File;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.ListFilesConfig;
import com.google.genai.types.Part;
import com.google.genai.types.UploadFileConfig;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Google's genai SDK uploads, reads, lists and deletes files through the server, against a fake of
 * Gemini's upload protocol; each file stays on the key that uploaded it, whichever front door names it.
 */
class FilesSdkTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String KEY_A = "AIzaSyTEST-files-key-000A";
    private static final String KEY_B = "AIzaSyTEST-files-key-000B";
    private static final String TOKEN_B = "sk-test-other-client";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger FILES = new AtomicInteger();

    private static FakeGemini gemini;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start();
        server = TestServer.start(TestServer.config(gemini, List.of(KEY_A, KEY_B)).build(),
                ServerConfig.of(List.of(TestServer.TOKEN, TOKEN_B)));
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @BeforeEach
    void stubs() {
        gemini.reset();
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("A small text file."));
    }

    /** Stubs one resumable upload at the fake: start (with any key), then the bytes, which answer the file. */
    private static String stubUpload(String content) {
        String id = "file" + FILES.incrementAndGet();
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
                        .withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody(fileJson(id, content.length(), true))));
        gemini.server().stubFor(get(urlEqualTo("/v1beta/files/" + id))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody(fileJson(id, content.length(), false))));
        gemini.server().stubFor(delete(urlEqualTo("/v1beta/files/" + id))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{}")));
        return id;
    }

    private static String fileJson(String id, int size, boolean wrapped) {
        String file = "{\"name\":\"files/" + id + "\",\"displayName\":\"" + id + "\",\"mimeType\":\"text/plain\","
                + "\"sizeBytes\":\"" + size + "\",\"createTime\":\"2026-12-07T07:00:00Z\","
                + "\"expirationTime\":\"2099-12-09T07:00:00Z\",\"uri\":\"https://generativelanguage.googleapis.com/v1beta/files/"
                + id + "\",\"state\":\"ACTIVE\",\"source\":\"UPLOADED\"}";
        return wrapped ? "{\"file\":" + file + "}" : file;
    }

    private static Client client(String token) {
        return Client.builder().apiKey(token).vertexAI(false)
                .httpOptions(HttpOptions.builder().baseUrl(server.url().replace("localhost", "127.0.0.1"))
                        .apiVersion("v1beta").retryOptions(HttpRetryOptions.builder().attempts(1).build()).build())
                .build();
    }

    private static File upload(Client client, String id, String content) {
        return client.files.upload(content.getBytes(StandardCharsets.UTF_8),
                UploadFileConfig.builder().mimeType("text/plain").displayName(id).build());
    }

    /** The key of each request the fake received on paths matching {@code regex}, in order. */
    private static List<String> keysOn(String regex) {
        List<String> keys = new ArrayList<>();
        List<com.github.tomakehurst.wiremock.stubbing.ServeEvent> events = new ArrayList<>(gemini.server().getAllServeEvents());
        java.util.Collections.reverse(events); // WireMock lists the newest first
        events.forEach(e -> {
            if (e.getRequest().getUrl().matches(regex)) {
                keys.add(e.getRequest().getHeader(FakeGemini.API_KEY_HEADER));
            }
        });
        return keys;
    }

    @Test
    void aFileIsUploadedReadListedUsedAndDeletedOnTheKeyThatUploadedIt() {
        Client client = client(TestServer.TOKEN);
        String id = stubUpload("hello, files");

        File file = upload(client, id, "hello, files");
        assertThat(file.name()).contains("files/" + id);
        assertThat(file.uri()).contains("https://generativelanguage.googleapis.com/v1beta/files/" + id);

        List<String> uploadKeys = keysOn("/upload/v1beta/files.*");
        assertThat(uploadKeys).hasSize(2);
        String owner = uploadKeys.get(0);
        assertThat(uploadKeys.get(1)).as("the bytes go with the key that started the upload").isEqualTo(owner);

        assertThat(client.files.get("files/" + id, null).sizeBytes()).contains(12L);
        List<String> names = new ArrayList<>();
        client.files.list(ListFilesConfig.builder().pageSize(10).build()).forEach(f -> names.add(f.name().orElseThrow()));
        assertThat(names).contains("files/" + id);

        // round robin would alternate keys: every call naming the file stays on its key
        for (int i = 0; i < 3; i++) {
            GenerateContentResponse answer = client.models.generateContent(MODEL, Content.fromParts(
                    Part.fromUri(file.uri().orElseThrow(), "text/plain"), Part.fromText("What is this?")), null);
            assertThat(answer.text()).isEqualTo("A small text file.");
        }
        assertThat(keysOn(".*:generateContent")).containsExactly(owner, owner, owner);
        assertThat(keysOn("/v1beta/files/" + id)).containsOnly(owner);

        client.files.delete("files/" + id, null);
        gemini.server().verify(deleteRequestedFor(urlPathEqualTo("/v1beta/files/" + id)));
        assertThatThrownBy(() -> client.files.get("files/" + id, null)).isInstanceOf(ClientException.class)
                .hasMessageContaining("404");
    }

    @Test
    void aFileUploadedWithTheSdkIsSentWithItsKeyFromRawNativeHttpToo() throws Exception {
        String id = stubUpload("cross door");
        File file = upload(client(TestServer.TOKEN), id, "cross door");
        String owner = keysOn("/upload/v1beta/files.*").get(0);

        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"fileData\":{\"mimeType\":\"text/plain\","
                + "\"fileUri\":\"" + file.uri().orElseThrow() + "\"}},{\"text\":\"Summarise\"}]}]}";
        for (String prefix : List.of("/v1beta", "/gemini/v1beta", "/v1beta")) {
            HttpResponse<String> answer = server.send(server.request(prefix + "/models/" + MODEL + ":generateContent", null)
                    .header("x-goog-api-key", TestServer.TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(answer.statusCode()).isEqualTo(200);
        }
        assertThat(keysOn(".*:generateContent")).containsExactly(owner, owner, owner);
        // a request naming no file rotates as usual
        server.send(server.request("/v1beta/models/" + MODEL + ":generateContent", null)
                .header("x-goog-api-key", TestServer.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}")).build());
        server.send(server.request("/v1beta/models/" + MODEL + ":generateContent", null)
                .header("x-goog-api-key", TestServer.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}")).build());
        assertThat(keysOn(".*:generateContent").subList(3, 5)).containsExactlyInAnyOrder(KEY_A, KEY_B);
    }

    @Test
    void aFileUploadedWithTheSdkIsSentWithItsKeyFromOpenAiChat() throws Exception {
        String id = stubUpload("chat door");
        File file = upload(client(TestServer.TOKEN), id, "chat door");
        String owner = keysOn("/upload/v1beta/files.*").get(0);

        for (String fileId : List.of(file.name().orElseThrow(), file.uri().orElseThrow(), file.name().orElseThrow())) {
            HttpResponse<String> answer = server.postJson("/v1/chat/completions", "{\"model\":\"" + MODEL + "\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{\"file_id\":\""
                    + fileId + "\",\"filename\":\"notes.txt\"}},{\"type\":\"text\",\"text\":\"Summarise\"}]}]}");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("A small text file.");
        }
        assertThat(keysOn(".*:generateContent")).containsExactly(owner, owner, owner);
        JsonNode sent = gemini.requestBodies(MODEL, "generateContent").get(0);
        assertThat(sent.path("contents").get(0).path("parts").get(0).path("fileData").path("fileUri").asText())
                .isEqualTo("https://generativelanguage.googleapis.com/v1beta/files/" + id);
        assertThat(sent.path("contents").get(0).path("parts").get(0).path("fileData").path("mimeType").asText())
                .isEqualTo("text/plain");
    }

    @Test
    void anotherClientTokenCanNeitherSeeNorUseTheFile() throws Exception {
        String id = stubUpload("mine only");
        upload(client(TestServer.TOKEN), id, "mine only");
        Client other = client(TOKEN_B);

        assertThatThrownBy(() -> other.files.get("files/" + id, null)).isInstanceOf(ClientException.class)
                .hasMessageContaining("404");
        assertThatThrownBy(() -> other.files.delete("files/" + id, null)).isInstanceOf(ClientException.class)
                .hasMessageContaining("404");
        List<String> seen = new ArrayList<>();
        other.files.list(ListFilesConfig.builder().build()).forEach(f -> seen.add(f.name().orElseThrow()));
        assertThat(seen).doesNotContain("files/" + id);
        gemini.server().verify(0, deleteRequestedFor(urlPathEqualTo("/v1beta/files/" + id)));

        HttpResponse<String> raw = server.send(server.request("/v1beta/files/" + id, null)
                .header("x-goog-api-key", TOKEN_B).GET().build());
        JsonNode error = JSON.readTree(raw.body()).path("error");
        assertThat(raw.statusCode()).isEqualTo(404);
        assertThat(error.path("status").asText()).isEqualTo("NOT_FOUND");
        assertThat(error.path("code").asInt()).isEqualTo(404);
    }

    @Test
    void theUploadUrlPointsAtTheServerWithAnUnguessableIdAndNoKey() throws Exception {
        String id = stubUpload("xyz");
        HttpResponse<String> start = server.send(server.request("/upload/v1beta/files", null)
                .header("x-goog-api-key", TestServer.TOKEN)
                .header("X-Goog-Upload-Protocol", "resumable").header("X-Goog-Upload-Command", "start")
                .header("X-Goog-Upload-Header-Content-Length", "3").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"file\":{\"display_name\":\"" + id + "\"}}")).build());
        assertThat(start.statusCode()).isEqualTo(200);
        String url = start.headers().firstValue("X-Goog-Upload-URL").orElseThrow();
        assertThat(url).startsWith(server.url() + "/upload/v1beta/files?upload_id=")
                .doesNotContain(KEY_A).doesNotContain(KEY_B).doesNotContain("UP-" + id).doesNotContain(TestServer.TOKEN);
        String session = url.replaceAll(".*upload_id=([^&]+).*", "$1");
        assertThat(session).hasSizeGreaterThanOrEqualTo(43);
        assertThat(start.headers().firstValue("X-Goog-Upload-Status")).contains("active");

        // another client cannot continue it; a made-up id is unknown
        HttpResponse<String> stolen = server.send(server.request("/upload/v1beta/files?upload_id=" + session, null)
                .header("x-goog-api-key", TOKEN_B).header("X-Goog-Upload-Command", "upload, finalize")
                .header("X-Goog-Upload-Offset", "0").POST(HttpRequest.BodyPublishers.ofString("xyz")).build());
        assertThat(stolen.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(stolen.body()).path("error").path("status").asText()).isEqualTo("NOT_FOUND");

        HttpResponse<String> done = server.send(server.request("/upload/v1beta/files?upload_id=" + session, null)
                .header("x-goog-api-key", TestServer.TOKEN).header("X-Goog-Upload-Command", "upload, finalize")
                .header("X-Goog-Upload-Offset", "0").PUT(HttpRequest.BodyPublishers.ofString("xyz")).build());
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(done.body()).path("file").path("name").asText()).isEqualTo("files/" + id);
        assertThat(done.headers().firstValue("X-Goog-Upload-Status")).contains("final");
    }

    @Test
    void aFileWhoseKeyWasDeletedIsUnreachableWithAClearError() throws Exception {
        String id = stubUpload("doomed");
        Client client = client(TestServer.TOKEN);
        File file = upload(client, id, "doomed");
        String owner = keysOn("/upload/v1beta/files.*").get(0);
        GeminiBalance facade = server.context().getBean(GeminiBalance.class);
        assertThat(facade.keys().delete(new ApiKey(owner).id()).join()).isPresent();
        try {
            int before = gemini.requestCount();
            HttpResponse<String> get = server.send(server.request("/v1beta/files/" + id, null)
                    .header("x-goog-api-key", TestServer.TOKEN).GET().build());
            assertThat(get.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(get.body()).path("error").path("message").asText())
                    .contains("removed from the pool").doesNotContain(owner);

            String body = "{\"contents\":[{\"parts\":[{\"fileData\":{\"mimeType\":\"text/plain\",\"fileUri\":\""
                    + file.uri().orElseThrow() + "\"}}]}]}";
            HttpResponse<String> use = server.send(server.request("/v1beta/models/" + MODEL + ":generateContent", null)
                    .header("x-goog-api-key", TestServer.TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(use.statusCode()).isEqualTo(404);
            assertThat(gemini.requestCount()).as("no other key is tried: it cannot see the file").isEqualTo(before);
        } finally {
            facade.keys().restore(new ApiKey(owner).id()).join();
        }
    }

    @Test
    void aMultipartUploadIsStreamedUpstreamWithOneKey() throws Exception {
        String id = "file" + FILES.incrementAndGet();
        gemini.server().stubFor(post(urlEqualTo("/upload/v1beta/files?uploadType=multipart"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(fileJson(id, 5, true))));
        gemini.server().stubFor(get(urlEqualTo("/v1beta/files/" + id)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(fileJson(id, 5, false))));
        String multipart = "--b\r\nContent-Type: application/json\r\n\r\n{\"file\":{}}\r\n--b\r\n"
                + "Content-Type: text/plain\r\n\r\nhello\r\n--b--\r\n";
        HttpResponse<String> answer = server.send(server.request("/upload/v1beta/files?uploadType=multipart&key="
                + TestServer.TOKEN, null).header("Content-Type", "multipart/related; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofString(multipart)).build());
        assertThat(answer.statusCode()).isEqualTo(200);
        gemini.server().verify(postRequestedFor(urlEqualTo("/upload/v1beta/files?uploadType=multipart"))
                .withHeader("Content-Type", equalTo("multipart/related; boundary=b"))
                .withRequestBody(equalTo(multipart)));
        String owner = keysOn("/upload/v1beta/files.*").get(0);
        HttpResponse<String> get = server.send(server.request("/v1beta/files/" + id, null)
                .header("x-goog-api-key", TestServer.TOKEN).GET().build());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(keysOn("/v1beta/files/" + id)).containsExactly(owner);
    }
}
