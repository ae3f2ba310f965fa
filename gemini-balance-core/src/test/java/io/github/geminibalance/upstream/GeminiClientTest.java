package io.github.geminibalance.upstream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.github.geminibalance.gemini.BatchEmbedContentsResponse;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.gemini.ListModelsResponse;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.spi.HttpTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GeminiClientTest {

    private static final String KEY = "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqx9Q4";
    private static final String MODEL = "gemini-2.5-flash";
    private static final byte[] REQUEST = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Capital of Australia?\"}]}]}"
            .getBytes(StandardCharsets.UTF_8);

    /** D1. */
    private static final String D1 = """
            {
              "candidates": [
                {
                  "content": {
                    "parts": [{"text": "The capital of Australia is Canberra."}],
                    "role": "model"
                  },
                  "finishReason": "STOP",
                  "index": 0
                }
              ],
              "usageMetadata": {
                "promptTokenCount": 9,
                "candidatesTokenCount": 8,
                "totalTokenCount": 58,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 9}],
                "thoughtsTokenCount": 41
              },
              "modelVersion": "gemini-2.5-flash",
              "responseId": "Qm1kZ2VuX3Rlc3RfMDAx"
            }
            """;

    /** D2: three events, every line ending in CRLF. */
    private static final List<String> D2_EVENTS = List.of(
            "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Rayleigh scattering\"}],\"role\": \"model\"},\"index\": 0}],"
                    + "\"usageMetadata\": {\"promptTokenCount\": 8,\"totalTokenCount\": 8,\"promptTokensDetails\": "
                    + "[{\"modality\": \"TEXT\",\"tokenCount\": 8}]},\"modelVersion\": \"gemini-2.0-flash\",\"responseId\": "
                    + "\"c3RyZWFtX2RlbW9fMDI\"}",
            "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" makes short blue wavelengths bounce around the\"}],"
                    + "\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 8,\"totalTokenCount\": 8,"
                    + "\"promptTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 8}]},\"modelVersion\": "
                    + "\"gemini-2.0-flash\",\"responseId\": \"c3RyZWFtX2RlbW9fMDI\"}",
            "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" sky far more than red ones.\"}],\"role\": \"model\"},"
                    + "\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 8,"
                    + "\"candidatesTokenCount\": 17,\"totalTokenCount\": 25,\"promptTokensDetails\": [{\"modality\": \"TEXT\","
                    + "\"tokenCount\": 8}],\"candidatesTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 17}]},"
                    + "\"modelVersion\": \"gemini-2.0-flash\",\"responseId\": \"c3RyZWFtX2RlbW9fMDI\"}");

    private static final String IN_STREAM_ERROR =
            "{\"error\": {\"code\": 503,\"message\": \"The model is overloaded. Please try again later.\",\"status\": \"UNAVAILABLE\"}}";

    private static WireMockServer server;
    private static ScheduledExecutorService scheduler;
    private GeminiClient client;

    @BeforeAll
    static void startServer() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "idle-timer");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stopServer() {
        server.stop();
        scheduler.shutdownNow();
    }

    @BeforeEach
    void newClient() {
        server.resetAll();
        client = client(Duration.ofSeconds(30));
    }

    @AfterEach
    void keyNeverInTheUrl() {
        for (ServeEvent e : server.getAllServeEvents()) {
            assertThat(e.getRequest().getUrl()).doesNotContain(KEY).doesNotContain("key=");
        }
    }

    private GeminiClient client(Duration streamIdleTimeout) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return new GeminiClient(http, URI.create(server.baseUrl() + "/v1beta/"), Duration.ofSeconds(5),
                streamIdleTimeout, scheduler);
    }

    private static String sse(List<String> events) {
        StringBuilder sb = new StringBuilder();
        events.forEach(e -> sb.append("data: ").append(e).append("\r\n\r\n"));
        return sb.toString();
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        return assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).actual().getCause();
    }

    /** Collects every item, then completes (or fails) like the stream did. */
    private static final class Collector implements Flow.Subscriber<String> {
        final List<String> items = new CopyOnWriteArrayList<>();
        final CompletableFuture<List<String>> done = new CompletableFuture<>();

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(items);
        }
    }

    private static Collector collect(Flow.Publisher<String> events) {
        Collector c = new Collector();
        events.subscribe(c);
        return c;
    }

    @Test
    void aBodyThatStallsEndsTheCallWithinTheTimeoutAndIsCancelled() {
        // a transport whose 2xx body sends nothing after its head: Gemini stalled mid-answer
        CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
        Flow.Publisher<List<java.nio.ByteBuffer>> stalled = subscriber -> subscriber.onSubscribe(
                new Flow.Subscription() {
                    @Override public void request(long n) {}
                    @Override public void cancel() { cancelled.complete(true); }
                });
        HttpTransport transport = request -> CompletableFuture.completedFuture(
                new HttpTransport.Response(200, "application/json", stalled));
        GeminiClient stalling = new GeminiClient(transport, URI.create("http://gemini.invalid/v1beta"),
                Duration.ofMillis(200), Duration.ofSeconds(30), scheduler);

        CompletableFuture<GenerateContentResponse> call = stalling.generateContent(new ApiKey(KEY), "gemini-2.5-flash",
                "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(call).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(cancelled).succeedsWithin(Duration.ofSeconds(5));
    }

    @Test
    void anErrorBodyThatStallsStillEndsTheStreamCall() {
        Flow.Publisher<List<java.nio.ByteBuffer>> stalled = subscriber -> subscriber.onSubscribe(
                new Flow.Subscription() {
                    @Override public void request(long n) {}
                    @Override public void cancel() {}
                });
        HttpTransport transport = request -> CompletableFuture.completedFuture(
                new HttpTransport.Response(503, "application/json", stalled));
        GeminiClient stalling = new GeminiClient(transport, URI.create("http://gemini.invalid/v1beta"),
                Duration.ofMillis(200), Duration.ofSeconds(30), scheduler);

        CompletableFuture<Flow.Publisher<String>> call = stalling.streamGenerateContent(new ApiKey(KEY), "gemini-2.5-flash",
                "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(call).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(java.util.concurrent.TimeoutException.class);
    }

    @Test
    void generateContentPostsJsonWithTheKeyInAHeader() throws Exception {
        server.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:generateContent")).willReturn(okJson(D1)));

        GenerateContentResponse r = client.generateContent(new ApiKey(KEY), MODEL, REQUEST).get(10, TimeUnit.SECONDS);

        assertThat(r.responseId()).isEqualTo("Qm1kZ2VuX3Rlc3RfMDAx");
        assertThat(r.candidatesOrEmpty()).hasSize(1);
        assertThat(r.candidates().get(0).parts().get(0).text()).isEqualTo("The capital of Australia is Canberra.");
        assertThat(r.usageMetadata().thoughtsTokenCount()).isEqualTo(41);
        server.verify(1, postRequestedFor(urlEqualTo("/v1beta/models/gemini-2.5-flash:generateContent"))
                .withHeader("x-goog-api-key", equalTo(KEY))
                .withHeader("Content-Type", equalTo("application/json"))
                .withQueryParam("key", absent())
                .withRequestBody(equalToJson(new String(REQUEST, StandardCharsets.UTF_8))));
    }

    @Test
    void errorStatusFailsWithTheParsedError() {
        server.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:generateContent"))
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody(GeminiErrorTest.D9_RATE_LIMIT)));

        Throwable t = failureOf(client.generateContent(new ApiKey(KEY), MODEL, REQUEST));

        assertThat(t).isInstanceOf(GeminiApiException.class);
        GeminiApiException e = (GeminiApiException) t;
        assertThat(e.httpStatus()).isEqualTo(429);
        assertThat(e.inStream()).isFalse();
        assertThat(e.error().status()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(e.error().retryDelay()).contains(Duration.ofSeconds(38));
        assertThat(e.getMessage()).startsWith("Gemini 429 RESOURCE_EXHAUSTED: You exceeded your current quota");
    }

    @Test
    void htmlErrorPageFailsWithItsStatus() {
        server.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:generateContent"))
                .willReturn(aResponse().withStatus(502).withHeader("Content-Type", "text/html")
                        .withBody(GeminiErrorTest.HTML_502)));

        Throwable t = failureOf(client.generateContent(new ApiKey(KEY), MODEL, REQUEST));

        assertThat(t).isInstanceOfSatisfying(GeminiApiException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(502);
            assertThat(e.error().message()).contains("502 Bad Gateway");
        });
    }

    @Test
    void unparsableSuccessBodyIsABadGateway() {
        server.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:generateContent"))
                .willReturn(aResponse().withStatus(200).withBody("<html>not json</html>")));

        Throwable t = failureOf(client.generateContent(new ApiKey(KEY), MODEL, REQUEST));

        assertThat(t).isInstanceOfSatisfying(GeminiApiException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(502);
            assertThat(e.error().status()).isEqualTo("BAD_GATEWAY");
        });
    }

    @Test
    void streamGenerateContentAsksForSseAndYieldsEventData() throws Exception {
        server.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withHeader("Content-Disposition", "attachment").withBody(sse(D2_EVENTS))));

        Flow.Publisher<String> events = client.streamGenerateContent(new ApiKey(KEY), MODEL, REQUEST)
                .get(10, TimeUnit.SECONDS);
        List<String> data = collect(events).done.get(10, TimeUnit.SECONDS);

        assertThat(data).isEqualTo(D2_EVENTS);
        assertThat(GeminiClient.parseEvent(data.get(2)).candidates().get(0).finishReason().value()).isEqualTo("STOP");
        server.verify(1, postRequestedFor(urlPathEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent"))
                .withQueryParam("alt", equalTo("sse"))
                .withQueryParam("key", absent())
                .withHeader("x-goog-api-key", equalTo(KEY))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(equalToJson(new String(REQUEST, StandardCharsets.UTF_8))));
    }

    @Test
    void streamLastEventWithoutBlankLineIsStillDelivered() throws Exception {
        server.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(sse(D2_EVENTS.subList(0, 2)) + "data: " + D2_EVENTS.get(2))));

        Flow.Publisher<String> events = client.streamGenerateContent(new ApiKey(KEY), MODEL, REQUEST)
                .get(10, TimeUnit.SECONDS);

        assertThat(collect(events).done.get(10, TimeUnit.SECONDS)).isEqualTo(D2_EVENTS);
    }

    @Test
    void streamWithErrorStatusFailsTheFuture() {
        server.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"))
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody(GeminiErrorTest.D10_UNAVAILABLE)));

        Throwable t = failureOf(client.streamGenerateContent(new ApiKey(KEY), MODEL, REQUEST));

        assertThat(t).isInstanceOfSatisfying(GeminiApiException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(503);
            assertThat(e.inStream()).isFalse();
            assertThat(e.error().status()).isEqualTo("UNAVAILABLE");
            assertThat(e.error().message()).isEqualTo("The model is overloaded. Please try again later.");
        });
    }

    @Test
    void errorEventInsideTheStreamIsAnInStreamException() throws Exception {
        server.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(sse(List.of(D2_EVENTS.get(0), IN_STREAM_ERROR)))));

        List<String> data = collect(client.streamGenerateContent(new ApiKey(KEY), MODEL, REQUEST)
                .get(10, TimeUnit.SECONDS)).done.get(10, TimeUnit.SECONDS);

        assertThat(data).containsExactly(D2_EVENTS.get(0), IN_STREAM_ERROR);
        assertThat(GeminiClient.parseEvent(data.get(0)).candidates()).hasSize(1);
        assertThatThrownBy(() -> GeminiClient.parseEvent(data.get(1)))
                .isInstanceOfSatisfying(GeminiApiException.class, e -> {
                    assertThat(e.inStream()).isTrue();
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.error().status()).isEqualTo("UNAVAILABLE");
                });
    }

    @Test
    void parseEventOfSomethingThatIsNotJsonIsABadGateway() {
        assertThatThrownBy(() -> GeminiClient.parseEvent("{\"candidates\": [")).isInstanceOfSatisfying(
                GeminiApiException.class, e -> {
                    assertThat(e.inStream()).isTrue();
                    assertThat(e.httpStatus()).isEqualTo(502);
                });
    }

    @Test
    void parseEventErrorWithoutCodeIsA500() {
        assertThatThrownBy(() -> GeminiClient.parseEvent("{\"error\": {\"message\": \"boom\"}}"))
                .isInstanceOfSatisfying(GeminiApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(500));
    }

    @Test
    void listModelsPassesPageSizeAndPageToken() throws Exception {
        server.stubFor(get(urlPathEqualTo("/v1beta/models")).willReturn(okJson("""
                {"models": [
                  {"name": "models/gemini-2.5-flash", "displayName": "Gemini 2.5 Flash", "inputTokenLimit": 1048576,
                   "outputTokenLimit": 65536, "supportedGenerationMethods": ["generateContent", "countTokens"], "thinking": true},
                  {"name": "models/gemini-embedding-001", "supportedGenerationMethods": ["embedContent"]}
                 ],
                 "nextPageToken": "Ch1tb2RlbHMvZ2VtaW5pLWVtYmVkZGluZy0wMDE="}
                """)));

        ListModelsResponse first = client.listModels(new ApiKey(KEY), null).get(10, TimeUnit.SECONDS);
        client.listModels(new ApiKey(KEY), first.nextPageToken()).get(10, TimeUnit.SECONDS);

        assertThat(first.models()).extracting(ListModelsResponse.GeminiModel::id)
                .containsExactly("gemini-2.5-flash", "gemini-embedding-001");
        assertThat(first.models().get(0).supports("generateContent")).isTrue();
        assertThat(first.nextPageToken()).isEqualTo("Ch1tb2RlbHMvZ2VtaW5pLWVtYmVkZGluZy0wMDE=");
        server.verify(1, getRequestedFor(urlPathEqualTo("/v1beta/models"))
                .withQueryParam("pageSize", equalTo("1000"))
                .withQueryParam("pageToken", absent())
                .withHeader("x-goog-api-key", equalTo(KEY)));
        server.verify(1, getRequestedFor(urlPathEqualTo("/v1beta/models"))
                .withQueryParam("pageSize", equalTo("1000"))
                .withQueryParam("pageToken", equalTo("Ch1tb2RlbHMvZ2VtaW5pLWVtYmVkZGluZy0wMDE="))
                .withHeader("x-goog-api-key", equalTo(KEY)));
    }

    @Test
    void batchEmbedContents() throws Exception {
        server.stubFor(post(urlEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents")).willReturn(okJson("""
                {
                  "embeddings": [
                    {"values": [0.0112, -0.0245, 0.0391, 0.0008]},
                    {"values": [-0.0067, 0.0153, -0.0298, 0.0420]}
                  ]
                }
                """)));

        BatchEmbedContentsResponse r = client.batchEmbedContents(new ApiKey(KEY), "gemini-embedding-001",
                "{\"requests\":[]}".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);

        assertThat(r.embeddings()).hasSize(2);
        assertThat(r.embeddings().get(1).values()).containsExactly(-0.0067f, 0.0153f, -0.0298f, 0.0420f);
        server.verify(postRequestedFor(urlEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents"))
                .withHeader("x-goog-api-key", equalTo(KEY)));
    }

    @Test
    void streamThatStallsFailsWithATimeoutAfterTheIdleTimeout() throws Exception {
        // two events of the same length as two chunks 1 s apart (WireMock also holds the headers back until
        // the first chunk): headers and one event, then a stall well past the 300 ms idle timeout
        String event = "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"x\"}],\"role\": \"model\"},\"index\": 0}]}";
        server.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(sse(List.of(event, event))).withChunkedDribbleDelay(2, 2_000)));
        GeminiClient impatient = client(Duration.ofMillis(300));

        Flow.Publisher<String> events = impatient.streamGenerateContent(new ApiKey(KEY), MODEL, REQUEST)
                .get(10, TimeUnit.SECONDS);
        Collector c = collect(events);

        Throwable t = failureOf(c.done);
        assertThat(t).isInstanceOf(HttpTimeoutException.class);
        assertThat(c.items).as("the event before the stall").containsExactly(event);
    }
}
