package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.store.jdbc.JdbcStore;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stored responses in a SQLite file through the running server: one survives a restart (retrieved as it
 * was returned, and continued with {@code previous_response_id}), and the daily clean-up deletes them
 * after {@code AUTO_DELETE_REQUEST_LOGS_DAYS}, on the server's injected clock.
 */
class ResponsesStoreRestartTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String NEXT_MODEL = "gemini-2.5-flash-lite";
    private static final String KEY = "AIzaSyTEST-responses-store-0001";

    @TempDir
    Path dir;

    private final TestClockFactory.MovableClock clock =
            new TestClockFactory.MovableClock(Instant.parse("2026-05-01T12:00:00Z"));
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

    private TestServer start(Map<String, String> database) {
        return TestServer.startWithDatabase(TestServer.config(gemini, List.of(KEY)).build(),
                TestServer.serverConfig(), TestConfigFactory.database(database),
                Map.of(TestClockFactory.PROPERTY, TestClockFactory.register(clock)));
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return Json.mapper().readTree(response.body());
    }

    private String create(String model, String input, String previous) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"input\":\"" + input + "\""
                + (previous == null ? "" : ",\"previous_response_id\":\"" + previous + "\"") + "}";
        return json(server.postJson("/v1/responses", body), 200).path("id").asText();
    }

    @Test
    void aStoredResponseSurvivesARestart() throws Exception {
        gemini = FakeGemini.start()
                .generateContent(MODEL, null, GeminiFixtures.textResponse("The capital of Australia is Canberra."))
                .generateContent(NEXT_MODEL, null, GeminiFixtures.textResponse("Wellington."));
        Map<String, String> database = Map.of("SQLITE_DATABASE", dir.resolve("responses.db").toString());
        server = start(database);
        String id = create(MODEL, "What is the capital of Australia?", null);
        JsonNode before = json(server.get("/v1/responses/" + id), 200);
        server.close();

        server = start(database);
        JsonNode after = json(server.get("/v1/responses/" + id), 200);
        assertThat(after).isEqualTo(before);
        assertThat(after.at("/output/0/content/0/text").asText()).isEqualTo("The capital of Australia is Canberra.");

        create(NEXT_MODEL, "And of New Zealand?", id);
        List<JsonNode> sent = gemini.requestBodies(NEXT_MODEL, "generateContent");
        assertThat(sent.get(0).at("/contents/1/parts/0/text").asText()).isEqualTo("The capital of Australia is Canberra.");
    }

    @Test
    void storedResponsesAreDeletedWithTheRequestRecords() throws Exception {
        gemini = FakeGemini.start()
                .generateContent(MODEL, null, GeminiFixtures.textResponse("The capital of Australia is Canberra."));
        server = start(Map.of("SQLITE_DATABASE", dir.resolve("retention.db").toString(),
                "AUTO_DELETE_REQUEST_LOGS_DAYS", "10"));
        String id = create(MODEL, "What is the capital of Australia?", null);
        json(server.get("/v1/responses/" + id), 200);
        JdbcStore store = (JdbcStore) server.context().getBean(Store.class);

        clock.advance(Duration.ofDays(10).minusSeconds(60));
        assertThat(store.retention().runOnce().responses()).isZero();
        json(server.get("/v1/responses/" + id), 200);

        clock.advance(Duration.ofSeconds(120)); // 10 days and a minute
        assertThat(store.retention().runOnce().responses()).isEqualTo(1);
        JsonNode gone = json(server.get("/v1/responses/" + id), 404);
        assertThat(gone.at("/error/type").asText()).isEqualTo("invalid_request_error");
        JsonNode previous = json(server.postJson("/v1/responses", "{\"model\":\"" + MODEL
                + "\",\"input\":\"Hi\",\"previous_response_id\":\"" + id + "\"}"), 404);
        assertThat(previous.at("/error/param").asText()).isEqualTo("previous_response_id");
    }
}
