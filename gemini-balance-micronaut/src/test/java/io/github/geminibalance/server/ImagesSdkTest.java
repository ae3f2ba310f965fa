package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.images.ImageEditParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.KeyState;
import io.github.geminibalance.config.AnswerSettings;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK's {@code images().generate(...)} and {@code images().edit(...)} against the
 * running server, which calls a fake Gemini: Imagen through {@code :predict}, Gemini image models through
 * {@code :generateContent}, base64 and served URLs (fetched and expired with the test clock), and a key that
 * Imagen refuses for billing resting for Imagen only.
 */
class ImagesSdkTest {

    static final String IMAGEN = "imagen-4.0-generate-001";
    static final String GEMINI_IMAGE = "gemini-2.5-flash-image";
    static final String CHAT = "gemini-2.5-flash";
    /** In FILTERED_MODELS, and the target of the alias {@code hidden-painter}. */
    static final String FILTERED_IMAGEN = "imagen-3.0-generate-002";
    static final String KEY_A = "AIzaSyTEST-images-key-000A";
    static final String KEY_B = "AIzaSyTEST-images-key-000B";
    /** A PNG signature and a few bytes: enough for anything that reads image bytes without decoding them. */
    static final byte[] PNG_1 = png(1);
    static final byte[] PNG_2 = png(2);
    static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 1, 2, 3, 4};

    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeGemini gemini;
    private static TestServer server;
    private static OpenAIClient client;
    private static TestClockFactory.MovableClock clock;
    private final HttpClient http = HttpClient.newHttpClient();

    static byte[] png(int seed) {
        byte[] b = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, (byte) seed, (byte) (seed * 7), 0, 0};
        return b;
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static String predictions(byte[]... images) {
        StringBuilder sb = new StringBuilder("{\"predictions\":[");
        for (int i = 0; i < images.length; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"bytesBase64Encoded\":\"").append(b64(images[i]))
                    .append("\",\"mimeType\":\"image/png\"}");
        }
        return sb.append("]}").toString();
    }

    static String imageAnswer(byte[] image, String mime) {
        return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Here it is.\"},"
                + "{\"inlineData\":{\"mimeType\":\"" + mime + "\",\"data\":\"" + b64(image) + "\"}}]},"
                + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":5,"
                + "\"candidatesTokenCount\":1290,\"totalTokenCount\":1295},\"modelVersion\":\"" + GEMINI_IMAGE + "\"}";
    }

    @BeforeAll
    static void start() {
        clock = new TestClockFactory.MovableClock(Instant.parse("2026-06-15T12:00:00Z"));
        gemini = FakeGemini.start();
        stubs();
        server = TestServer.start(TestServer.config(gemini, List.of(KEY_A, KEY_B))
                        .modelAliases(Map.of("dall-e-3", IMAGEN, "gpt-image-1", GEMINI_IMAGE,
                                "hidden-painter", FILTERED_IMAGEN))
                        .answers(new AnswerSettings(List.of(FILTERED_IMAGEN), false,
                                AnswerSettings.DEFAULT_URL_CONTEXT_MODELS, true, true, false, Duration.ofSeconds(5)))
                        .build(),
                Map.of(TestClockFactory.PROPERTY, TestClockFactory.register(clock),
                        TestImageFactory.TTL_PROPERTY, "24"));
        client = OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey(TestServer.TOKEN).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    private static void stubs() {
        gemini.predict(IMAGEN, null, predictions(PNG_1, PNG_2))
                .generateContent(GEMINI_IMAGE, null, imageAnswer(JPEG, "image/jpeg"))
                .generateContent(CHAT, null, GeminiFixtures.textResponse("Hello."))
                .predict(FILTERED_IMAGEN, null, predictions(PNG_1));
    }

    @BeforeEach
    void resetFake() {
        gemini.reset();
        stubs();
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @Test
    void imagenGeneratesBase64ImagesWithTheSizeAsAnAspectRatio() throws Exception {
        ImagesResponse answer = client.images().generate(ImageGenerateParams.builder()
                .prompt("a lighthouse at dusk").model(IMAGEN).n(2).size(ImageGenerateParams.Size._1792X1024).build());

        List<com.openai.models.images.Image> data = answer.data().orElseThrow();
        assertThat(data).hasSize(2);
        assertThat(Base64.getDecoder().decode(data.get(0).b64Json().orElseThrow())).isEqualTo(PNG_1);
        assertThat(Base64.getDecoder().decode(data.get(1).b64Json().orElseThrow())).isEqualTo(PNG_2);
        assertThat(data.get(0).url()).isEmpty();
        assertThat(answer.outputFormat()).hasValue(ImagesResponse.OutputFormat.PNG);

        JsonNode sent = gemini.requestBodies(IMAGEN, "predict").get(0);
        assertThat(sent.at("/instances/0/prompt").asText()).isEqualTo("a lighthouse at dusk");
        assertThat(sent.at("/parameters/sampleCount").asInt()).isEqualTo(2);
        assertThat(sent.at("/parameters/aspectRatio").asText()).isEqualTo("16:9");
    }

    @Test
    void theDefaultModelIsImagenAndPortraitSizesMapToNineBySixteen() throws Exception {
        client.images().generate(ImageGenerateParams.builder().prompt("a tree")
                .size(ImageGenerateParams.Size._1024X1792).build());
        JsonNode sent = gemini.requestBodies(IMAGEN, "predict").get(0);
        assertThat(sent.at("/parameters/sampleCount").asInt()).isEqualTo(1);
        assertThat(sent.at("/parameters/aspectRatio").asText()).isEqualTo("9:16");
    }

    @Test
    void aGeminiImageModelIsCalledOncePerImageAskingForImageOutput() throws Exception {
        ImagesResponse answer = client.images().generate(ImageGenerateParams.builder()
                .prompt("a red bicycle").model(GEMINI_IMAGE).n(2).size("1536x1024").build());

        assertThat(answer.data().orElseThrow()).hasSize(2)
                .allSatisfy(i -> assertThat(Base64.getDecoder().decode(i.b64Json().orElseThrow())).isEqualTo(JPEG));
        assertThat(answer.outputFormat()).hasValue(ImagesResponse.OutputFormat.JPEG);
        List<JsonNode> sent = gemini.requestBodies(GEMINI_IMAGE, "generateContent");
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).at("/generationConfig/responseModalities").toString()).isEqualTo("[\"IMAGE\"]");
        assertThat(sent.get(0).at("/generationConfig/imageConfig/aspectRatio").asText()).isEqualTo("3:2");
        assertThat(sent.get(0).at("/contents/0/parts/0/text").asText()).isEqualTo("a red bicycle");
    }

    @Test
    void aUrlServesTheSameBytesWithoutATokenUntilItExpires() throws Exception {
        ImagesResponse answer = client.images().generate(ImageGenerateParams.builder().prompt("a lighthouse")
                .model(IMAGEN).n(2).responseFormat(ImageGenerateParams.ResponseFormat.URL).build());

        List<com.openai.models.images.Image> data = answer.data().orElseThrow();
        assertThat(data).hasSize(2);
        String url = data.get(1).url().orElseThrow();
        assertThat(data.get(1).b64Json()).isEmpty();
        assertThat(url).startsWith(server.url() + "/images/").endsWith(".png");
        // 18 random bytes in base64url: 144 bits
        assertThat(url.substring(url.lastIndexOf('/') + 1, url.lastIndexOf('.'))).matches("[A-Za-z0-9_-]{24}");

        HttpResponse<byte[]> fetched = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(PNG_2);
        assertThat(fetched.headers().firstValue("content-type")).hasValue("image/png");

        clock.advance(Duration.ofHours(23));
        assertThat(http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofHours(1));
        HttpResponse<String> expired = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(expired.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(expired.body()).at("/error/code").asText()).isEqualTo("image_not_found");
    }

    @Test
    void anUnknownImageIdIsA404() throws Exception {
        for (String path : List.of("/images/AAAAAAAAAAAAAAAAAAAAAAAA.png", "/images/nope.png", "/images/x")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(404);
        }
    }

    @Test
    void editsSendEveryInputImageAndThePromptToAGeminiImageModel() throws Exception {
        ImagesResponse answer = client.images().edit(ImageEditParams.builder()
                .image(ImageEditParams.Image.ofInputStreams(List.of(new ByteArrayInputStream(PNG_1),
                        new ByteArrayInputStream(JPEG))))
                .prompt("put the cat in the garden").model(GEMINI_IMAGE)
                .responseFormat(ImageEditParams.ResponseFormat.URL).build());

        String url = answer.data().orElseThrow().get(0).url().orElseThrow();
        assertThat(url).endsWith(".jpg");
        assertThat(answer.outputFormat()).hasValue(ImagesResponse.OutputFormat.JPEG);
        HttpResponse<byte[]> fetched = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fetched.body()).isEqualTo(JPEG);

        JsonNode parts = gemini.requestBodies(GEMINI_IMAGE, "generateContent").get(0).at("/contents/0/parts");
        assertThat(parts).hasSize(3);
        assertThat(parts.at("/0/inlineData/mimeType").asText()).isEqualTo("image/png");
        assertThat(Base64.getDecoder().decode(parts.at("/0/inlineData/data").asText())).isEqualTo(PNG_1);
        assertThat(parts.at("/1/inlineData/mimeType").asText()).isEqualTo("image/jpeg");
        assertThat(parts.at("/2/text").asText()).isEqualTo("put the cat in the garden");
    }

    @Test
    void anEditWithAMaskOrWithoutAnImageIsAClear400() {
        assertThatThrownBy(() -> client.images().edit(ImageEditParams.builder()
                .image(new ByteArrayInputStream(PNG_1)).mask(new ByteArrayInputStream(PNG_2))
                .prompt("x").model(GEMINI_IMAGE).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).hasValue("mask");
                    assertThat(e.getMessage()).contains("mask is not supported");
                });
        assertThatThrownBy(() -> client.images().edit(ImageEditParams.builder()
                .image(new ByteArrayInputStream(PNG_1)).prompt("x").model(IMAGEN).build()))
                .isInstanceOfSatisfying(BadRequestException.class,
                        e -> assertThat(e.param()).hasValue("model"));
        assertThat(gemini.requestCount()).isZero();
    }

    @Test
    void badGenerationRequestsAre400sNamingTheField() {
        assertThatThrownBy(() -> client.images().generate(ImageGenerateParams.builder().prompt("x")
                .model("gemini-2.5-flash").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("model"));
        assertThatThrownBy(() -> client.images().generate(ImageGenerateParams.builder().prompt("x").model(IMAGEN)
                .n(11).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("n"));
        assertThatThrownBy(() -> client.images().generate(ImageGenerateParams.builder().prompt("x").model(IMAGEN)
                .size("wide").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("size"));
        assertThat(gemini.requestCount()).isZero();
    }

    @Test
    void aKeyImagenRefusesForBillingRestsForImagenOnlyAndIsNotInvalid() throws Exception {
        gemini.answer(IMAGEN, "predict", KEY_A, 403, "{\"error\":{\"code\":403,\"message\":\"Imagen API is only "
                + "accessible to billed users at this time.\",\"status\":\"PERMISSION_DENIED\"}}");
        for (int i = 0; i < 4; i++) {
            ImagesResponse answer = client.images().generate(ImageGenerateParams.builder().prompt("p" + i)
                    .model(IMAGEN).build());
            assertThat(answer.data().orElseThrow()).hasSize(1); // n = 1: the fake's second prediction is dropped
        }
        List<String> predictKeys = keysOf(":predict");
        assertThat(predictKeys.stream().filter(KEY_A::equals)).hasSize(1); // tried once, then resting for Imagen
        assertThat(predictKeys.stream().filter(KEY_B::equals)).hasSize(4);

        for (int i = 0; i < 2; i++) {
            client.chat().completions().create(com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
                    .model(CHAT).addUserMessage("hi").build());
        }
        assertThat(keysOf(":generateContent")).containsExactlyInAnyOrder(KEY_A, KEY_B);
        GeminiBalance balance = server.context().getBean(GeminiBalance.class);
        assertThat(balance.keyStatus()).allSatisfy(s -> assertThat(s.state()).isNotEqualTo(KeyState.INVALID));
        balance.resetKey(new io.github.geminibalance.keys.ApiKey(KEY_A).id()); // leave the pool as it was
    }

    @Test
    void theAnswerHasOpenAisOutputFormatAndNoFieldOpenAiLacks() throws Exception {
        for (String body : List.of("{\"model\":\"" + IMAGEN + "\",\"prompt\":\"a\",\"n\":2}",
                "{\"model\":\"" + GEMINI_IMAGE + "\",\"prompt\":\"a\"}",
                "{\"model\":\"" + IMAGEN + "\",\"prompt\":\"a\",\"response_format\":\"url\"}")) {
            HttpResponse<String> r = server.postJson("/v1/images/generations", body);
            assertThat(r.statusCode()).as(body).isEqualTo(200);
            JsonNode answer = JSON.readTree(r.body());
            assertThat(answer.path("output_format").asText()).as(body).isIn("png", "jpeg");
            answer.path("data").forEach(image -> assertThat(image.has("mime_type")).as(body).isFalse());
        }
    }

    @Test
    void modelAliasesApplyToGenerationsAndEdits() throws Exception {
        ImagesResponse generated = client.images().generate(ImageGenerateParams.builder().prompt("a kite")
                .model(com.openai.models.images.ImageModel.DALL_E_3).build());
        assertThat(generated.data().orElseThrow()).hasSize(1);
        assertThat(gemini.requestBodies(IMAGEN, "predict")).hasSize(1)
                .allSatisfy(b -> assertThat(b.at("/instances/0/prompt").asText()).isEqualTo("a kite"));

        ImagesResponse edited = client.images().edit(ImageEditParams.builder().image(new ByteArrayInputStream(PNG_1))
                .prompt("make it blue").model(com.openai.models.images.ImageModel.GPT_IMAGE_1).build());
        assertThat(Base64.getDecoder().decode(edited.data().orElseThrow().get(0).b64Json().orElseThrow()))
                .isEqualTo(JPEG);
        assertThat(gemini.requestBodies(GEMINI_IMAGE, "generateContent")).hasSize(1);
    }

    @Test
    void aFilteredModelIsRefusedByNameOrThroughAnAliasWithoutCallingGemini() {
        for (String model : List.of(FILTERED_IMAGEN, "models/" + FILTERED_IMAGEN, "hidden-painter")) {
            assertThatThrownBy(() -> client.images().generate(ImageGenerateParams.builder().prompt("x").model(model)
                    .build()))
                    .as(model).isInstanceOfSatisfying(NotFoundException.class, e -> {
                        assertThat(e.code()).hasValue("model_not_found");
                        assertThat(e.param()).hasValue("model");
                        assertThat(e.getMessage()).contains(FILTERED_IMAGEN).contains("FILTERED_MODELS");
                    });
        }
        assertThat(gemini.requestCount()).isZero();
    }

    private static List<String> keysOf(String method) {
        return gemini.server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().contains(method))
                .map(e -> e.getRequest().getHeader("x-goog-api-key")).toList();
    }
}
