package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.config.MediaLimits;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Remote media refusals reach clients as 400s in the OpenAI envelope, before Gemini is called. */
class RemoteMediaHttpTest {

    private static FakeGemini gemini;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start();
        server = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-key-0001"))
                .media(new MediaLimits(3, MediaLimits.MIB, 2 * MediaLimits.MIB)).build());
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @Test
    void moreRemoteUrlsThanTheLimitIsA400NamingTheSettingAndTheFirstExcessPart() throws Exception {
        HttpResponse<String> response = server.postJson("/v1/chat/completions", request(
                "http://a.example/1.png", "http://a.example/2.png", "http://a.example/1.png",
                "http://a.example/3.png", "http://a.example/4.png", "http://a.example/5.png"));

        JsonNode error = error(response);
        assertThat(error.path("message").asText()).isEqualTo(
                "The request has 5 remote media URLs; at most 3 are fetched per request (MAX_REMOTE_MEDIA).");
        assertThat(error.path("param").asText()).isEqualTo("messages[0].content[5].image_url.url");
        assertThat(error.path("code").asText()).isEqualTo("too_many_images");
        assertThat(gemini.keysUsed()).isEmpty();
    }

    @Test
    void aRefusedAddressGetsTheUniformMessage() throws Exception {
        HttpResponse<String> response = server.postJson("/v1/chat/completions",
                request("http://169.254.169.254/latest/meta-data?token=secret"));

        JsonNode error = error(response);
        assertThat(error.path("message").asText())
                .isEqualTo("The image at image_url host 169.254.169.254 could not be fetched.");
        assertThat(error.path("param").asText()).isEqualTo("messages[0].content[1].image_url.url");
        assertThat(error.path("code").asText()).isEqualTo("invalid_image_url");
        assertThat(response.body()).doesNotContain("secret", "meta-data");
    }

    private static JsonNode error(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Json.mapper().readTree(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        return error;
    }

    /** A user message with a text part and one image part per URL. */
    private static String request(String... urls) {
        StringBuilder parts = new StringBuilder("{\"type\":\"text\",\"text\":\"what is this?\"}");
        for (String url : urls) {
            parts.append(",{\"type\":\"image_url\",\"image_url\":{\"url\":\"").append(url).append("\"}}");
        }
        return "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":[" + parts + "]}]}";
    }
}
