package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.config.MediaLimits;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.store.RecordQuery;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transcription form over raw HTTP: uploads far larger than the limit (declared or chunked) are refused
 * with 413 in OpenAI's shape while only the limit is kept, malformed forms get a 400, and calls are recorded
 * under their audio routes.
 */
class AudioUploadTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final long MAX_FILE = 64 * 1024;
    private static final String BOUNDARY = "----test-boundary-81d2";

    private static FakeGemini gemini;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start().generateContent(MODEL, null, GeminiFixtures.textResponse("Transcribed."));
        server = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-audio-upload-0001"))
                .media(new MediaLimits(16, MAX_FILE, 50 * MediaLimits.MIB)).build());
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    private static byte[] form(byte[] file, String... fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < fields.length; i += 2) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n"
                    + fields[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (file != null) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b.mp3\"\r\n"
                    + "Content-Type: audio/mpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(file);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static HttpResponse<String> post(String path, HttpRequest.BodyPublisher body, String requestId)
            throws Exception {
        return server.send(server.request(path, TestServer.TOKEN)
                .header("Content-Type", "multipart/form-data; boundary=\"" + BOUNDARY + "\"")
                .header("x-request-id", requestId)
                .POST(body).build());
    }

    private static void assertOpenAiError(HttpResponse<String> response, int status, String param) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode error = Json.mapper().readTree(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").isNull() ? null : error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("message").asText()).doesNotContain("Exception").doesNotContain("io.micronaut");
    }

    @Test
    void anUploadFarOverTheLimitWithItsLengthIs413() throws Exception {
        byte[] body = form(new byte[4 * 1024 * 1024], "model", "whisper-1");

        HttpResponse<String> response = post("/v1/audio/transcriptions", HttpRequest.BodyPublishers.ofByteArray(body),
                "audio-declared-413");

        assertOpenAiError(response, 413, "file");
        assertThat(response.body()).contains("MAX_MEDIA_BYTES").contains(Long.toString(MAX_FILE));
    }

    @Test
    void aChunkedUploadIsCutOffWhenItPassesTheLimit() throws Exception {
        byte[] body = form(new byte[4 * 1024 * 1024], "model", "whisper-1");

        // no length: the body is counted as it arrives
        HttpResponse<String> response = post("/hf/v1/audio/translations",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)), "audio-chunked-413");

        assertOpenAiError(response, 413, "file");
    }

    @Test
    void aFileJustOverTheLimitInASmallBodyIs413() throws Exception {
        HttpResponse<String> response = post("/v1/audio/transcriptions",
                HttpRequest.BodyPublishers.ofByteArray(form(new byte[(int) MAX_FILE + 1])), "audio-just-over");

        assertOpenAiError(response, 413, "file");
    }

    @Test
    void malformedFormsAre400() throws Exception {
        assertOpenAiError(post("/v1/audio/transcriptions", HttpRequest.BodyPublishers.ofByteArray(
                form(null, "model", "whisper-1")), "audio-no-file"), 400, "file");
        assertOpenAiError(post("/v1/audio/transcriptions", HttpRequest.BodyPublishers.ofString("not a form"),
                "audio-no-boundary"), 400, null);
        byte[] cut = form(new byte[100]);
        assertOpenAiError(post("/v1/audio/transcriptions", HttpRequest.BodyPublishers.ofByteArray(
                java.util.Arrays.copyOf(cut, cut.length - 20)), "audio-cut"), 400, null);
        assertOpenAiError(server.send(server.request("/v1/audio/transcriptions", TestServer.TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build()),
                400, null);
        assertOpenAiError(post("/v1/audio/transcriptions", HttpRequest.BodyPublishers.ofByteArray(
                form(new byte[] {'I', 'D', '3', 1}, "temperature", "hot")), "audio-hot"), 400, "temperature");
        assertOpenAiError(server.postJson("/v1/audio/speech", "{\"input\": [\"a\"], \"voice\": \"alloy\"}"), 400, "input");
        assertOpenAiError(server.postJson("/v1/audio/speech", ""), 400, null);
    }

    @Test
    void aTranscriptionIsRecordedUnderItsRouteWithTheModelsAndTokens() throws Exception {
        HttpResponse<String> response = post("/v1/audio/transcriptions", HttpRequest.BodyPublishers.ofByteArray(
                form(new byte[] {'I', 'D', '3', 4, 0, 0}, "model", "whisper-1", "response_format", "text")),
                "audio-recorded");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Transcribed.");
        assertThat(Json.mapper().readTree(gemini.requestBodies(MODEL, "generateContent").get(0).toString())
                .at("/contents/0/parts/1/inlineData/mimeType").asText()).isEqualTo("audio/mp3");
        Store store = server.context().getBean(Store.class);
        assertThat(store.flush(10_000)).isTrue();
        RequestRecord record = store.queries().requests(RecordQuery.latest(100)).items().stream()
                .filter(r -> "audio-recorded".equals(r.requestId())).findFirst().orElseThrow();
        assertThat(record.route()).isEqualTo("openai.audio.transcriptions");
        assertThat(record.modelAsked()).isEqualTo("whisper-1");
        assertThat(record.modelSent()).isEqualTo(MODEL);
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.promptTokens()).isEqualTo(9);
    }
}
