package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Native calls fail over like any request, and a pool whose keys Google refuses is not the client's fault. */
class NativeFailoverTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String BAD_KEY = "AIzaSyTEST-native-bad-0001";
    private static final String SUSPENDED_KEY = "AIzaSyTEST-native-susp-002";
    private static final String GOOD_KEY = "AIzaSyTEST-native-good-003";

    private FakeGemini gemini;

    @BeforeEach
    void start() {
        gemini = FakeGemini.start()
                .error(MODEL, BAD_KEY, GeminiErrorKind.API_KEY_INVALID_400)
                .error(MODEL, SUSPENDED_KEY, GeminiErrorKind.CONSUMER_SUSPENDED_403)
                .generateContent(MODEL, GOOD_KEY, GeminiFixtures.textResponse("Served by the good key."))
                .streamGenerateContent(MODEL, GOOD_KEY, GeminiFixtures.textStream("Streamed by", " the good key."));
    }

    @AfterEach
    void stop() {
        gemini.close();
    }

    private static HttpResponse<String> call(TestServer server, String method) throws Exception {
        return server.send(server.request("/v1beta/models/" + MODEL + ":" + method, null)
                .header("x-goog-api-key", TestServer.TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"Hi\"}]}]}"))
                .build());
    }

    @Test
    void invalidKeyIsTriedOnceThenTheGoodKeyServesEveryCall() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config(gemini, List.of(BAD_KEY, GOOD_KEY)).build())) {
            for (int i = 0; i < 6; i++) {
                boolean stream = i % 2 == 1;
                HttpResponse<String> response = call(server, stream ? "streamGenerateContent?alt=sse" : "generateContent");
                assertThat(response.statusCode()).as("call %d: %s", i, response.body()).isEqualTo(200);
                assertThat(response.body()).as("call %d", i).contains(stream ? "Streamed by" : "Served by the good key.");
            }
        }

        assertThat(gemini.keysUsed()).containsOnlyOnce(BAD_KEY).contains(GOOD_KEY).hasSize(7);
    }

    @Test
    void everyKeyRefusedIs503WithoutGooglesKeyComplaintOrTheKey() throws Exception {
        HttpResponse<String> response;
        try (TestServer server = TestServer.start(TestServer.config(gemini, List.of(BAD_KEY, SUSPENDED_KEY)).build())) {
            response = call(server, "generateContent");
        }

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode error = Json.mapper().readTree(response.body()).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(503);
        assertThat(error.path("status").asText()).isEqualTo("UNAVAILABLE");
        assertThat(error.path("message").asText()).contains("rejected the pool's API key");
        assertThat(error.has("details")).as("Google's API_KEY_INVALID detail would blame the client's key").isFalse();
        assertThat(response.body()).doesNotContain(BAD_KEY).doesNotContain(SUSPENDED_KEY);
        assertThat(gemini.keysUsed()).containsExactlyInAnyOrder(BAD_KEY, SUSPENDED_KEY);
    }
}
