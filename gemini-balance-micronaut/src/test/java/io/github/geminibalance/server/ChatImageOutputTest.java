package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import io.github.geminibalance.testing.FakeGemini;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chat with image output through the running server: a Gemini image model, and a model of {@code
 * IMAGE_MODELS} asked for as {@code <model>-image}; the images in the content as markdown and in the
 * message's or delta's {@code images} (OpenRouter's shape), served by URL (the server's store keeps
 * images), with openai-java and as raw JSON.
 */
class ChatImageOutputTest {

    static final String IMAGE_MODEL = "gemini-2.5-flash-image";
    static final String EXP = "gemini-2.0-flash-exp";
    static final byte[] PNG = ImagesSdkTest.png(9);
    static final String DATA_URL = "data:image/png;base64," + Base64.getEncoder().encodeToString(PNG);
    static final String SERVED = "http://localhost:\\d+/images/[A-Za-z0-9_-]{24}\\.png";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeGemini gemini;
    private static TestServer server;
    private static OpenAIClient client;

    static String imageEvent() {
        return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\","
                + "\"data\":\"" + Base64.getEncoder().encodeToString(PNG) + "\"}}]},\"finishReason\":\"STOP\",\"index\":0}],"
                + "\"usageMetadata\":{\"promptTokenCount\":4,\"candidatesTokenCount\":1290,\"totalTokenCount\":1294}}";
    }

    static String textEvent(String text) {
        return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"" + text + "\"}]},\"index\":0}]}";
    }

    static String answer() {
        return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"A cat:\"},{\"inlineData\":"
                + "{\"mimeType\":\"image/png\",\"data\":\"" + Base64.getEncoder().encodeToString(PNG) + "\"}}]},"
                + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":4,"
                + "\"candidatesTokenCount\":1290,\"totalTokenCount\":1294}}";
    }

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .generateContent(IMAGE_MODEL, null, answer())
                .streamGenerateContent(IMAGE_MODEL, null, List.of(textEvent("A cat:"), imageEvent()))
                .generateContent(EXP, null, answer())
                .models(List.of("gemini-2.5-flash", EXP, IMAGE_MODEL), 10);
        server = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-chat-images-0001")).build(), Map.of());
        client = OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey(TestServer.TOKEN).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    private static ChatCompletionCreateParams draw(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Draw a cat").build();
    }

    @Test
    void aGeminiImageModelAnswersWithMarkdownAndTheImagesField() {
        ChatCompletion completion = client.chat().completions().create(draw(IMAGE_MODEL));

        var message = completion.choices().get(0).message();
        assertThat(message.content().orElseThrow()).matches("A cat:!\\[image\\]\\(" + SERVED + "\\)");
        JsonValue images = message._additionalProperties().get("images");
        String content = message.content().orElseThrow();
        String url = content.substring("A cat:![image](".length(), content.length() - 1);
        assertThat(images.toString()).contains("image_url").contains(url).doesNotContain("data:");
        assertThat(fetch(url)).isEqualTo(PNG);
        JsonNode sent = gemini.requestBodies(IMAGE_MODEL, "generateContent").get(0);
        assertThat(sent.at("/generationConfig/responseModalities").toString()).isEqualTo("[\"TEXT\",\"IMAGE\"]");
    }

    @Test
    void aStreamCarriesTheImageInItsOwnDelta() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(draw(IMAGE_MODEL))) {
            stream.stream().forEach(chunks::add);
        }
        List<ChatCompletionChunk.Choice.Delta> withImages = chunks.stream()
                .flatMap(c -> c.choices().stream()).map(ChatCompletionChunk.Choice::delta)
                .filter(d -> d._additionalProperties().containsKey("images")).toList();
        assertThat(withImages).singleElement().satisfies(d -> {
            assertThat(d.content().orElseThrow()).matches("!\\[image\\]\\(" + SERVED + "\\)");
            String url = d.content().orElseThrow().substring("![image](".length(), d.content().orElseThrow().length() - 1);
            assertThat(d._additionalProperties().get("images").toString()).contains(url);
            assertThat(fetch(url)).isEqualTo(PNG);
        });
    }

    @Test
    void rawJsonStreamAndNonStreamUseOpenRoutersShape() throws Exception {
        HttpResponse<String> plain = server.postJson("/v1/chat/completions",
                "{\"model\":\"" + IMAGE_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Draw a cat\"}]}");
        assertThat(plain.statusCode()).isEqualTo(200);
        JsonNode images = JSON.readTree(plain.body()).at("/choices/0/message/images");
        assertThat(images).hasSize(1);
        assertThat(images.at("/0/type").asText()).isEqualTo("image_url");
        assertThat(images.at("/0/image_url/url").asText()).matches(SERVED);

        HttpResponse<String> streamed = server.postJson("/v1/chat/completions", "{\"model\":\"" + IMAGE_MODEL
                + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Draw a cat\"}]}");
        JsonNode imageDelta = null;
        for (String line : streamed.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode delta = JSON.readTree(line.substring(6)).at("/choices/0/delta");
                if (delta.has("images")) {
                    imageDelta = delta;
                }
            }
        }
        assertThat(imageDelta).isNotNull();
        assertThat(imageDelta.at("/images/0/type").asText()).isEqualTo("image_url");
        assertThat(imageDelta.at("/images/0/image_url/url").asText()).matches(SERVED);
        assertThat(fetch(imageDelta.at("/images/0/image_url/url").asText())).isEqualTo(PNG);
        assertThat(streamed.body()).doesNotContain(DATA_URL);
    }

    private static byte[] fetch(String url) {
        try {
            HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void imageModelsGetAnImageEntryThatTurnsImageOutputOn() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertThat(ids).contains(EXP + "-image").doesNotContain(IMAGE_MODEL + "-image");
        // gemini-2.5-flash is not in IMAGE_MODELS: the one gemini-2.5-flash-image is Gemini's own model
        assertThat(ids.stream().filter(IMAGE_MODEL::equals)).hasSize(1);

        ChatCompletion completion = client.chat().completions().create(draw(EXP + "-image"));
        assertThat(completion.model()).isEqualTo(EXP + "-image");
        assertThat(completion.choices().get(0).message()._additionalProperties()).containsKey("images");
        JsonNode sent = gemini.requestBodies(EXP, "generateContent").get(0);
        assertThat(sent.at("/generationConfig/responseModalities").toString()).isEqualTo("[\"TEXT\",\"IMAGE\"]");
        assertThat(sent.has("tools")).isFalse(); // MODEL_SEARCH's default model is not searched for pictures
    }
}
