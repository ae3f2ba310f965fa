package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.store.RecordQuery;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serve, stop the server, start it again on the same SQLite file: the records and the usage written by
 * the first run are there, and the second run adds to them.
 */
class RecordsRestartTest {

    private static final String ADMIN = "admin-restart-0001";
    private static final String MODEL = "gemini-2.5-flash";
    private static final String BAD_KEY = "AIzaSyTEST-restart-bad-00000001";
    private static final String GOOD_KEY = "AIzaSyTEST-restart-good-0000002";
    private static final String CHAT = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @TempDir
    Path dir;

    private TestServer start(FakeGemini gemini) {
        return TestServer.startWithDatabase(TestServer.config(gemini, List.of(BAD_KEY, GOOD_KEY)).build(),
                TestServer.serverConfig().withAuthToken(ADMIN),
                TestConfigFactory.database(Map.of("SQLITE_DATABASE", dir.resolve("restart.db").toString())), Map.of());
    }

    private static JsonNode admin(TestServer server, String pathAndQuery) throws Exception {
        var response = server.send(server.request(pathAndQuery, ADMIN).GET().build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    @Test
    void recordsAndUsageOutliveARestart() throws Exception {
        try (FakeGemini gemini = FakeGemini.start()
                .error(MODEL, BAD_KEY, GeminiErrorKind.API_KEY_INVALID_400)
                .generateContent(MODEL, GOOD_KEY, GeminiFixtures.textResponse("ok"))) {
            try (TestServer first = start(gemini)) {
                for (int i = 0; i < 3; i++) {
                    assertThat(first.postJson("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
                }
            } // closing the server writes what is queued

            try (TestServer second = start(gemini)) {
                List<RequestRecord> kept = second.context().getBean(Store.class).queries()
                        .requests(RecordQuery.latest(10)).items();
                assertThat(kept).hasSize(3).allSatisfy(r -> {
                    assertThat(r.route()).isEqualTo("openai.chat");
                    assertThat(r.promptTokens()).isEqualTo(9);
                });
                assertThat(admin(second, "/admin/logs/errors").get("data")).hasSize(1)
                        .allMatch(e -> e.get("reason").asText().equals("API_KEY_INVALID"));
                JsonNode usage = admin(second, "/admin/usage?group=model");
                assertThat(usage.get("data")).hasSize(1);
                assertThat(usage.get("data").get(0).get("requests").asLong()).isEqualTo(3);
                assertThat(usage.get("data").get(0).get("errors").asLong()).isEqualTo(1);
                assertThat(usage.get("data").get(0).get("thinking_tokens").asLong()).isEqualTo(3 * 41);

                assertThat(second.postJson("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
                assertThat(second.context().getBean(Store.class).flush(10_000)).isTrue();
                assertThat(admin(second, "/admin/usage?group=model").get("data").get(0).get("requests").asLong())
                        .isEqualTo(4);
            }
        }
    }
}
