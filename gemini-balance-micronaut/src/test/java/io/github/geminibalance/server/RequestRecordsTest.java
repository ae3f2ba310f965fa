package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.TokenVerifier;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.store.Attempt;
import io.github.geminibalance.store.ErrorRecord;
import io.github.geminibalance.store.RecordQuery;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the running server on a SQLite file: one request record per client call on every front door,
 * with the fields the trace knows, and one error record per failed upstream attempt, keys masked.
 */
class RequestRecordsTest {

    static final String MODEL = "gemini-2.5-flash";
    static final String BAD_KEY = "AIzaSyTEST-bad-key-000000000001";
    static final String LIMITED_KEY = "AIzaSyTEST-limited-key-00000002";
    static final String GOOD_KEY = "AIzaSyTEST-good-key-0000000003";
    static final String LABEL = TokenVerifier.label(TestServer.TOKEN);

    @TempDir
    Path dir;

    private FakeGemini gemini;
    private TestServer server;

    @BeforeEach
    void startFake() {
        gemini = FakeGemini.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        gemini.close();
    }

    private TestServer start(List<String> keys, Map<String, String> database) {
        Map<String, String> raw = new HashMap<>(database);
        raw.put("SQLITE_DATABASE", dir.resolve("records.db").toString());
        server = TestServer.startWithDatabase(TestServer.config(gemini, keys).build(), TestServer.serverConfig(),
                TestConfigFactory.database(raw), Map.of());
        return server;
    }

    private Store store() {
        Store store = server.context().getBean(Store.class);
        assertThat(store.flush(10_000)).as("the writer wrote everything").isTrue();
        return store;
    }

    private List<RequestRecord> requests() {
        return store().queries().requests(RecordQuery.latest(500)).items();
    }

    private List<ErrorRecord> errors() {
        return store().queries().errors(RecordQuery.latest(500)).items();
    }

    private RequestRecord only(String route) throws InterruptedException {
        // a stream's record is offered when its end is seen, which may be just after the client read it
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<RequestRecord> found = requests().stream().filter(r -> route.equals(r.route())).toList();
        while (found.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            found = requests().stream().filter(r -> route.equals(r.route())).toList();
        }
        assertThat(found).as("records of %s", route).hasSize(1);
        return found.get(0);
    }

    private HttpResponse<String> chat(String body, String requestId) throws Exception {
        return server.send(server.request("/v1/chat/completions", TestServer.TOKEN)
                .header("Content-Type", "application/json").header("x-request-id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String hello(boolean stream) {
        return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    }

    @Test
    void aVertexExpressCallIsRecordedUnderItsOwnRouteWithTheVertexKey() throws Exception {
        String vertexKey = "AQ.Ab8RN6records-vertex-key-00001";
        gemini.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(
                        "/v1beta1/publishers/google/models/" + MODEL + ":generateContent")).atPriority(1)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json").withBody(GeminiFixtures.textResponse("ok"))));
        Map<String, String> raw = new HashMap<>();
        raw.put("SQLITE_DATABASE", dir.resolve("records.db").toString());
        server = TestServer.startWithDatabase(TestServer.config(gemini, List.of(GOOD_KEY))
                .upstream(new io.github.geminibalance.config.UpstreamOptions(List.of(), true, Map.of(),
                        List.of(vertexKey), java.net.URI.create(gemini.baseUrl().replace("/v1beta",
                        "/v1beta1/publishers/google")), false)).build(),
                TestServer.serverConfig(), TestConfigFactory.database(raw), Map.of());

        HttpResponse<String> answer = server.send(server.request("/vertex-express/v1beta/models/" + MODEL
                + ":generateContent", TestServer.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}")).build());
        assertThat(answer.statusCode()).isEqualTo(200);

        RequestRecord r = only("vertex.generateContent");
        assertThat(r.modelSent()).isEqualTo(MODEL);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.attempts()).containsExactly(new Attempt(new ApiKey(vertexKey).id(), 200));
    }

    @Test
    void aChatWithAFailoverIsOneRequestRecordAndAnErrorRecordPerFailedAttempt() throws Exception {
        gemini.error(MODEL, BAD_KEY, GeminiErrorKind.CONSUMER_SUSPENDED_403)
                .rateLimited(MODEL, LIMITED_KEY, "41s")
                .generateContent(MODEL, GOOD_KEY, GeminiFixtures.textResponse("ok"));
        start(List.of(BAD_KEY, LIMITED_KEY, GOOD_KEY), Map.of());
        Instant before = Instant.now();

        HttpResponse<String> answer = chat(hello(false), "req-failover-1");

        assertThat(answer.statusCode()).isEqualTo(200);
        RequestRecord r = only("openai.chat");
        assertThat(r.requestId()).isEqualTo("req-failover-1");
        assertThat(r.at()).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(r.modelAsked()).isEqualTo(MODEL);
        assertThat(r.modelSent()).isEqualTo(MODEL);
        assertThat(r.stream()).isFalse();
        assertThat(r.client()).isEqualTo(LABEL).matches("t-[0-9a-f]{8}");
        assertThat(r.attempts()).containsExactly(new Attempt(new ApiKey(BAD_KEY).id(), 403),
                new Attempt(new ApiKey(LIMITED_KEY).id(), 429), new Attempt(new ApiKey(GOOD_KEY).id(), 200));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.latencyMs()).isGreaterThanOrEqualTo(0);
        assertThat(r.ttfbMs()).isBetween(0L, r.latencyMs());
        // textResponse's usage: prompt 9, candidates 8, thoughts 41
        assertThat(List.of(r.promptTokens(), r.completionTokens(), r.thinkingTokens(), r.cachedTokens()))
                .containsExactly(9L, 8L, 41L, 0L);
        assertThat(r.finishReason()).isEqualTo("STOP");
        assertThat(r.errorCode()).isNull();

        List<ErrorRecord> errors = errors();
        assertThat(errors).extracting(ErrorRecord::keyId)
                .containsExactlyInAnyOrder(new ApiKey(BAD_KEY).id(), new ApiKey(LIMITED_KEY).id());
        ErrorRecord suspended = errors.stream().filter(e -> e.status() == 403).findFirst().orElseThrow();
        assertThat(suspended.reason()).isEqualTo("CONSUMER_SUSPENDED");
        assertThat(suspended.message()).contains("has been suspended").doesNotContain(BAD_KEY);
        assertThat(suspended.requestId()).isEqualTo("req-failover-1");
        assertThat(suspended.model()).isEqualTo(MODEL);
        assertThat(suspended.client()).isEqualTo(LABEL);
        assertThat(suspended.at()).isBetween(r.at(), r.at().plusMillis(r.latencyMs() + 1));
        ErrorRecord limited = errors.stream().filter(e -> e.status() == 429).findFirst().orElseThrow();
        assertThat(limited.reason()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(store().queries().error(suspended.id())).hasValueSatisfying(
                e -> assertThat(e.requestBody()).as("no body by default").isNull());
        assertThat(errors.toString() + requests()).doesNotContain(BAD_KEY, LIMITED_KEY, GOOD_KEY, TestServer.TOKEN);
    }

    @Test
    void aStreamedChatIsRecordedWhenItEndsWithItsTokensAndFinishReason() throws Exception {
        gemini.streamGenerateContent(MODEL, null, GeminiFixtures.textStream("Hello", " there"));
        start(List.of(GOOD_KEY), Map.of());

        HttpResponse<String> answer = chat(hello(true), "req-stream-1");

        assertThat(answer.body()).contains("[DONE]");
        RequestRecord r = only("openai.chat");
        assertThat(r.stream()).isTrue();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.attempts()).containsExactly(new Attempt(new ApiKey(GOOD_KEY).id(), 200));
        assertThat(List.of(r.promptTokens(), r.completionTokens(), r.thinkingTokens())).containsExactly(8L, 4L, 0L);
        assertThat(r.finishReason()).isEqualTo("STOP");
        assertThat(r.ttfbMs()).isBetween(0L, r.latencyMs());
    }

    @Test
    void embeddingsAndModelsAreRecordedUnderTheirRoutes() throws Exception {
        gemini.embed("gemini-embedding-001", null, 4).models(List.of(MODEL, "gemini-embedding-001"), 50);
        start(List.of(GOOD_KEY), Map.of());

        assertThat(server.postJson("/v1/embeddings", "{\"model\":\"gemini-embedding-001\",\"input\":[\"a\",\"b\"]}")
                .statusCode()).isEqualTo(200);
        assertThat(server.get("/v1/models").statusCode()).isEqualTo(200);
        assertThat(server.get("/hf/v1/models/" + MODEL).statusCode()).isEqualTo(200);
        assertThat(server.get("/v1/models/no-such-model").statusCode()).isEqualTo(404);

        RequestRecord embeddings = only("openai.embeddings");
        assertThat(embeddings.modelAsked()).isEqualTo("gemini-embedding-001");
        assertThat(embeddings.modelSent()).isEqualTo("gemini-embedding-001");
        assertThat(embeddings.attempts()).extracting(Attempt::status).containsExactly(200);
        assertThat(only("openai.models").status()).isEqualTo(200);
        assertThat(requests().stream().filter(r -> r.route().equals("openai.model")))
                .extracting(RequestRecord::status, RequestRecord::errorCode)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(200, null),
                        org.assertj.core.groups.Tuple.tuple(404, "model_not_found"));
    }

    @Test
    void theNativeRoutesAreRecordedWithTheTokensPickedFromTheirBodies() throws Exception {
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("ok"))
                .streamGenerateContent(MODEL, null, GeminiFixtures.textStream("Hello", " there"))
                .countTokens(MODEL, null, 12)
                .models(List.of(MODEL), 50);
        start(List.of(GOOD_KEY), Map.of());
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}";

        assertThat(server.postJson("/v1beta/models/" + MODEL + ":generateContent", body).statusCode()).isEqualTo(200);
        assertThat(server.postJson("/gemini/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse", body)
                .body()).contains("Hello");
        assertThat(server.postJson("/v1beta/models/" + MODEL + ":countTokens", body).statusCode()).isEqualTo(200);
        assertThat(server.get("/v1beta/models").statusCode()).isEqualTo(200);
        assertThat(server.get("/v1beta/models/" + MODEL).statusCode()).isEqualTo(200);

        RequestRecord call = only("gemini.generateContent");
        assertThat(call.modelAsked()).isEqualTo(MODEL);
        assertThat(call.modelSent()).isEqualTo(MODEL);
        assertThat(call.stream()).isFalse();
        assertThat(List.of(call.promptTokens(), call.completionTokens(), call.thinkingTokens()))
                .containsExactly(9L, 8L, 41L);
        assertThat(call.finishReason()).isEqualTo("STOP");
        RequestRecord stream = only("gemini.streamGenerateContent");
        assertThat(stream.stream()).isTrue();
        assertThat(List.of(stream.promptTokens(), stream.completionTokens())).containsExactly(8L, 4L);
        assertThat(stream.finishReason()).isEqualTo("STOP");
        assertThat(only("gemini.countTokens").status()).isEqualTo(200);
        assertThat(only("gemini.models").modelAsked()).isNull();
        assertThat(only("gemini.model").status()).isEqualTo(200);
        assertThat(requests()).allMatch(r -> LABEL.equals(r.client()));
    }

    @Test
    void adminHealthMetricsUnknownPathsAndCallsWithoutATokenAreNotRecorded() throws Exception {
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("ok"));
        start(List.of(GOOD_KEY), Map.of());

        server.send(server.request("/health", null).GET().build());
        server.send(server.request("/v1/chat/completions", null).POST(HttpRequest.BodyPublishers.ofString(hello(false)))
                .build());
        server.send(server.request("/v1/chat/completions", "wrong-token")
                .POST(HttpRequest.BodyPublishers.ofString(hello(false))).build());
        server.get("/prometheus");
        server.get("/v1/nothing-here");
        server.get("/v1beta/tunedModels");
        server.get("/admin/keys");
        assertThat(requests()).isEmpty();

        chat(hello(false), "req-counted");
        assertThat(requests()).extracting(RequestRecord::requestId).containsExactly("req-counted");
    }

    @Test
    void aFailureChargedToTheRequestIsAnErrorRecordAndTheBodyIsKeptOnlyWithTheSetting() throws Exception {
        gemini.error(MODEL, null, GeminiErrorKind.BAD_REQUEST_400);
        start(List.of(GOOD_KEY), Map.of("ERROR_LOG_RECORD_REQUEST_BODY", "true"));
        String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"quote "
                + BAD_KEY + " here\"}]}";

        assertThat(chat(body, "req-bad-1").statusCode()).isEqualTo(400);

        RequestRecord r = only("openai.chat");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("invalid_request_error");
        ErrorRecord error = errors().get(0);
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.reason()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.requestBody()).as("lists carry no body").isNull();
        ErrorRecord detail = store().queries().error(error.id()).orElseThrow();
        assertThat(detail.requestBody()).contains("\"quote ").contains(ApiKey.mask(BAD_KEY)).doesNotContain(BAD_KEY);
    }

    @Test
    void aRequestThatFailsBeforeGeminiIsRecordedWithItsErrorCode() throws Exception {
        start(List.of(GOOD_KEY), Map.of());

        assertThat(chat("{not json", "req-garbage").statusCode()).isEqualTo(400);

        RequestRecord r = only("openai.chat");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isNotNull();
        assertThat(r.attempts()).isEmpty();
        assertThat(r.modelAsked()).isNull();
        assertThat(errors()).isEmpty();
    }

    @Test
    void recordsAreWrittenWithinAFewHundredMillisecondsOfTheCall() throws Exception {
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("ok"));
        start(List.of(GOOD_KEY), Map.of());
        chat(hello(false), "req-soon");
        Store store = server.context().getBean(Store.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (store.queries().requests(RecordQuery.latest(10)).items().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(store.queries().requests(RecordQuery.latest(10)).items()).hasSize(1);
    }

    @Test
    void theStoreSeriesAreOnPrometheus() throws Exception {
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("ok"));
        start(List.of(GOOD_KEY), Map.of());
        chat(hello(false), "req-metrics");
        store();

        String metrics = server.get("/prometheus").body();

        assertThat(metrics).containsPattern("(?m)^gemini_balance_store_dropped_records_total 0\\.0$")
                .containsPattern("(?m)^gemini_balance_store_backlog 0\\.0$")
                .containsPattern("(?m)^gemini_balance_store_up 1\\.0$")
                .containsPattern("(?m)^gemini_balance_store_responses_not_stored_total 0\\.0$");
    }
}
