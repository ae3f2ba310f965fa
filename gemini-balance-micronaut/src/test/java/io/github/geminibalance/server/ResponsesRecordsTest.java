package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.store.Attempt;
import io.github.geminibalance.store.RecordQuery;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/responses} through the running server on a SQLite file: one request record per call
 * under the route {@code openai.responses}, with its model, stream flag, attempts and tokens; a bad
 * request is recorded with its 400 and no attempt (no key was used).
 */
class ResponsesRecordsTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String KEY = "AIzaSyTEST-good-key-0000000003";

    @TempDir
    Path dir;

    private FakeGemini gemini;
    private TestServer server;

    @BeforeEach
    void start() {
        gemini = FakeGemini.start()
                .generateContent(MODEL, null, GeminiFixtures.textResponse("Hello"))
                .streamGenerateContent(MODEL, null, GeminiFixtures.textStream("Hello", " there"));
        server = TestServer.startWithDatabase(TestServer.config(gemini, List.of(KEY)).build(), TestServer.serverConfig(),
                TestConfigFactory.database(Map.of("SQLITE_DATABASE", dir.resolve("records.db").toString())), Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
        gemini.close();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return server.send(server.request(path, TestServer.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private List<RequestRecord> records(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            Store store = server.context().getBean(Store.class);
            assertThat(store.flush(10_000)).isTrue();
            List<RequestRecord> found = store.queries().requests(RecordQuery.latest(50)).items().stream()
                    .filter(r -> "openai.responses".equals(r.route())).toList();
            if (found.size() >= expected || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(20);
        }
    }

    @Test
    void plainAndStreamedResponsesAreRecordedUnderTheirRoute() throws Exception {
        assertThat(post("/v1/responses", "{\"model\":\"" + MODEL + "\",\"input\":\"Hi\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> streamed = post("/hf/v1/responses",
                "{\"model\":\"" + MODEL + "\",\"input\":\"Hi\",\"stream\":true}");
        assertThat(streamed.body()).contains("event: response.completed");

        List<RequestRecord> found = records(2);
        assertThat(found).hasSize(2);
        assertThat(found).extracting(RequestRecord::stream).containsExactlyInAnyOrder(true, false);
        for (RequestRecord r : found) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.modelAsked()).isEqualTo(MODEL);
            assertThat(r.modelSent()).isEqualTo(MODEL);
            assertThat(r.attempts()).containsExactly(new Attempt(new ApiKey(KEY).id(), 200));
            assertThat(r.promptTokens()).isPositive();
        }
    }

    @Test
    void aBadRequestIsRecordedWithoutAnAttempt() throws Exception {
        HttpResponse<String> answer = post("/v1/responses", "{\"model\":\"" + MODEL + "\"}");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("\"param\":\"input\"");
        List<RequestRecord> found = records(1);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).status()).isEqualTo(400);
        assertThat(found.get(0).attempts()).isEmpty();
        assertThat(gemini.requestCount()).isZero();
    }
}
