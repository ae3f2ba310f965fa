package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.store.ErrorRecord;
import io.github.geminibalance.store.RecordQuery;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.testing.FakeGemini;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image routes through the running server on a SQLite file: their request records (route, models,
 * attempts) and error records, and a URL image kept in the database's {@code gb_image} and served from it.
 */
class ImageRecordsTest {

    static final String IMAGEN = ImagesSdkTest.IMAGEN;
    static final String GEMINI_IMAGE = ImagesSdkTest.GEMINI_IMAGE;
    static final String UNBILLED = "AIzaSyTEST-unbilled-key-00000001";
    static final String BILLED = "AIzaSyTEST-billed-key-0000000002";

    @TempDir
    Path dir;

    private FakeGemini gemini;
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

    private void start() {
        gemini = FakeGemini.start()
                .answer(IMAGEN, "predict", UNBILLED, 403, "{\"error\":{\"code\":403,\"message\":\"Imagen API is only "
                        + "accessible to billed users at this time.\",\"status\":\"PERMISSION_DENIED\"}}")
                .predict(IMAGEN, BILLED, ImagesSdkTest.predictions(ImagesSdkTest.PNG_1))
                .generateContent(GEMINI_IMAGE, null, ImagesSdkTest.imageAnswer(ImagesSdkTest.JPEG, "image/jpeg"));
        server = TestServer.startWithDatabase(TestServer.config(gemini, List.of(UNBILLED, BILLED)).build(),
                TestServer.serverConfig(),
                TestConfigFactory.database(Map.of("SQLITE_DATABASE", dir.resolve("images.db").toString())), Map.of());
    }

    private Store store() {
        Store store = server.context().getBean(Store.class);
        assertThat(store.flush(10_000)).isTrue();
        return store;
    }

    private List<RequestRecord> records(String route, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<RequestRecord> found = List.of();
        while (System.nanoTime() < deadline) {
            found = store().queries().requests(RecordQuery.latest(100)).items().stream()
                    .filter(r -> route.equals(r.route())).toList();
            if (found.size() >= count) {
                break;
            }
            Thread.sleep(20);
        }
        assertThat(found).as("records of %s", route).hasSize(count);
        return found;
    }

    private RequestRecord only(String route) throws InterruptedException {
        return records(route, 1).get(0);
    }

    @Test
    void aGenerationIsRecordedWithItsFailedAttemptAndItsUrlIsServedFromTheDatabase() throws Exception {
        start();
        // two calls: whichever key round robin starts with, the unbilled key is tried once and then rests
        HttpResponse<String> answer = server.postJson("/v1/images/generations",
                "{\"model\":\"" + IMAGEN + "\",\"prompt\":\"a lighthouse\",\"response_format\":\"url\"}");
        HttpResponse<String> second = server.postJson("/v1/images/generations",
                "{\"model\":\"" + IMAGEN + "\",\"prompt\":\"a lighthouse\"}");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        List<RequestRecord> records = records("openai.images", 2);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.modelAsked()).isEqualTo(IMAGEN);
            assertThat(r.modelSent()).isEqualTo(IMAGEN);
            assertThat(r.status()).isEqualTo(200);
        });
        assertThat(records).filteredOn(r -> r.attempts().size() == 2).singleElement()
                .satisfies(r -> assertThat(r.attempts()).extracting(a -> a.status()).containsExactly(403, 200));
        List<ErrorRecord> errors = store().queries().errors(RecordQuery.latest(100)).items();
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.keyId()).isEqualTo(new ApiKey(UNBILLED).id());
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.model()).isEqualTo(IMAGEN);
        });

        String url = GeminiBalanceJson.read(answer.body()).at("/data/0/url").asText();
        String id = url.substring(url.lastIndexOf('/') + 1, url.lastIndexOf('.'));
        assertThat(store().images().find(id, java.time.Instant.now()).orElseThrow().bytes())
                .isEqualTo(ImagesSdkTest.PNG_1);
        HttpResponse<byte[]> image = java.net.http.HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.body()).isEqualTo(ImagesSdkTest.PNG_1);
    }

    @Test
    void anEditIsRecordedUnderItsOwnRoute() throws Exception {
        start();
        String boundary = "b0undary";
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nmake it blue\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n" + GEMINI_IMAGE + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        byte[] head = form.getBytes(StandardCharsets.ISO_8859_1);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] body = new byte[head.length + ImagesSdkTest.PNG_2.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(ImagesSdkTest.PNG_2, 0, body, head.length, ImagesSdkTest.PNG_2.length);
        System.arraycopy(tail, 0, body, head.length + ImagesSdkTest.PNG_2.length, tail.length);

        HttpResponse<String> answer = server.send(server.request("/hf/v1/images/edits", TestServer.TOKEN)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(GeminiBalanceJson.read(answer.body()).at("/data/0/b64_json").asText()))
                .isEqualTo(ImagesSdkTest.JPEG);
        RequestRecord r = only("openai.image_edits");
        assertThat(r.modelSent()).isEqualTo(GEMINI_IMAGE);
        assertThat(r.attempts()).hasSize(1);
        assertThat(gemini.requestBodies(GEMINI_IMAGE, "generateContent").get(0).at("/contents/0/parts/0/inlineData/mimeType")
                .asText()).isEqualTo("image/png");
    }

    /** The core's reader, for answers. */
    private static final class GeminiBalanceJson {
        static com.fasterxml.jackson.databind.JsonNode read(String body) throws java.io.IOException {
            return io.github.geminibalance.GeminiBalance.jsonReader().readTree(body);
        }
    }
}
