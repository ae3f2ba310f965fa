package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.server.FuzzBodies.Case;
import io.github.geminibalance.server.FuzzBodies.Door;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Throws generated and mutated bodies ({@link FuzzBodies}) at every front door of the running server,
 * with the fake Gemini behind it, 8 requests in flight, and checks each answer: never a 500 of our own
 * (a 5xx must be an upstream failure mapped to 502, 503 or 504 with a gateway code), every error in
 * its door's shape, no Java type name in any message. Then: threads and heap back to where they were,
 * and a valid request still answered correctly.
 *
 * <p><b>Replaying a failure.</b> The seed is printed at the start ({@code FrontDoorFuzzTest seed=...});
 * run again with {@code -Dfuzz.seed=<seed>} (and {@code -Dfuzz.bodies=<n>} for a longer run). Each
 * failure names its case number, door and mutations, and shows the body.
 */
class FrontDoorFuzzTest {

    static final long DEFAULT_SEED = 0x9e3779b97f4a7c15L;
    // The bodies go round the twenty-two doors: ten OpenAI's (chat, chat stream, embeddings, responses,
    // responses stream, speech, speech stream, transcriptions/translations, image generations, image edits
    // as multipart), four Gemini's, two Vertex express ones, two of the Files API's upload endpoint, two
    // creates of key-bound resources (cachedContents, batchGenerateContent) and two Anthropic's (messages,
    // messages stream), so 31,500 give each door about 1,430.
    private static final int DEFAULT_BODIES = 31_500;
    private static final int IN_FLIGHT = 8;
    private static final Set<String> GATEWAY_CODES = Set.of("upstream_error", "upstream_unreachable",
            "upstream_timeout", "upstream_key_rejected", "no_usable_key", "empty_response", "upstream_too_large");
    private static final String ANSWER_TEXT = "Canberra.";
    private static final List<String> KEYS = List.of("AIzaSyFUZZ-key-000000000001", "AIzaSyFUZZ-key-000000000002");

    private static final ch.qos.logback.classic.Logger appLogger =
            (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.github.geminibalance");
    private static final ch.qos.logback.classic.Logger accessLogger =
            (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(AccessLog.LOGGER);
    private static FakeGemini gemini;
    private static TestServer server;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .error("gemini-busy", null, GeminiErrorKind.UNAVAILABLE_503)
                .error("gemini-broken", null, GeminiErrorKind.INTERNAL_500)
                .error("gemini-limited", null, GeminiErrorKind.RATE_LIMITED_429);
        for (String method : List.of("countTokens", "embedContent")) {
            gemini.error("gemini-busy", method, null, GeminiErrorKind.UNAVAILABLE_503)
                    .error("gemini-broken", method, null, GeminiErrorKind.INTERNAL_500)
                    .error("gemini-limited", method, null, GeminiErrorKind.RATE_LIMITED_429);
        }
        // Any other model answers too (conformance fixtures name several); the fake's own stubs win.
        var wm = gemini.server();
        wm.stubFor(post(urlPathMatching("/v1beta/models/[^/:]+:generateContent")).atPriority(7)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody(GeminiFixtures.textResponse(ANSWER_TEXT))));
        wm.stubFor(post(urlPathMatching("/v1beta/models/[^/:]+:streamGenerateContent")).atPriority(7)
                .withQueryParam("alt", equalTo("sse"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(GeminiFixtures.sseBody(GeminiFixtures.textStream("Can", "berra", ".")))));
        // The TTS models speak: 16 samples of silence
        wm.stubFor(post(urlPathMatching("/v1beta/models/[^/:]*tts[^/:]*:generateContent")).atPriority(6)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody("{\"candidates\": [{\"content\": {\"role\": \"model\", \"parts\": [{\"inlineData\": "
                                + "{\"mimeType\": \"audio/L16;codec=pcm;rate=24000\", \"data\": \"" + "A".repeat(44)
                                + "\"}}]}, \"finishReason\": \"STOP\"}]}")));
        wm.stubFor(post(urlPathMatching("/v1beta/models/[^/:]*tts[^/:]*:streamGenerateContent")).atPriority(6)
                .withQueryParam("alt", equalTo("sse"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(GeminiFixtures.sseBody(List.of("{\"candidates\": [{\"content\": {\"role\": \"model\", "
                                + "\"parts\": [{\"inlineData\": {\"mimeType\": \"audio/L16;codec=pcm;rate=24000\", \"data\": \""
                                + "A".repeat(44) + "\"}}]}, \"finishReason\": \"STOP\"}]}")))));
        // Fixed vectors: the fake's own embed stub sizes its answer by the request's dimensions, and a
        // mutated request asks for two billion of them.
        // Vertex express (VERTEX_API_KEYS): the same answers under its own base
        wm.stubFor(post(urlPathMatching("/v1beta1/publishers/google/models/[^/:]+:generateContent")).atPriority(7)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody(GeminiFixtures.textResponse(ANSWER_TEXT))));
        wm.stubFor(post(urlPathMatching("/v1beta1/publishers/google/models/[^/:]+:streamGenerateContent")).atPriority(7)
                .withQueryParam("alt", equalTo("sse"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(GeminiFixtures.sseBody(GeminiFixtures.textStream("Can", "berra", ".")))));
        wm.stubFor(post(urlPathMatching("/v1beta/models/[^/:]+:embedContent")).atPriority(7)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody("{\"embedding\": {\"values\": [0.1, -0.2, 0.3, 0.4]}}")));
        wm.stubFor(post(urlPathMatching("/v1beta/models/[^/:]+:batchEmbedContents")).atPriority(7)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody("{\"embeddings\": [{\"values\": [0.1, -0.2, 0.3, 0.4]}]}")));
        wm.stubFor(post(urlPathMatching("/v1beta/models/[^/:]+:predict")).atPriority(7)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody("{\"predictions\": [{\"bytesBase64Encoded\": \"iVBORw0KGgo=\", \"mimeType\": \"image/png\"}]}")));
        wm.stubFor(post(urlPathMatching("/v1beta/models/[^/:]+:countTokens")).atPriority(7)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody("{\"totalTokens\": 3}")));
        // Key-bound resources: a cache and a batch (one name each, so the store keeps one of each)
        wm.stubFor(post(urlPathMatching("/v1beta/cachedContents")).atPriority(7)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody(KeyBoundFakes.cacheJson("fuzzcache", "gemini-2.5-flash", "2099-01-01T00:00:00Z", 5))));
        wm.stubFor(post(urlPathMatching("/v1beta/models/[^/:]+:batchGenerateContent")).atPriority(7)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody(KeyBoundFakes.batchOperation("fuzzbatch", "gemini-2.5-flash", "BATCH_STATE_PENDING"))));
        // Anything else gets a Gemini-shaped 404 rather than WireMock's near-miss report, which is slow
        // to compute for large bodies and floods the output.
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(urlPathMatching(".*")).atPriority(10)
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json; charset=UTF-8")
                        .withBody("{\"error\": {\"code\": 404, \"message\": \"FakeGemini: no such stub\", \"status\": \"NOT_FOUND\"}}")));
        server = TestServer.start(TestServer.config(gemini, KEYS).maxFailures(1_000_000).maxRetries(1)
                .upstream(new io.github.geminibalance.config.UpstreamOptions(List.of(), true, java.util.Map.of(),
                        List.of("AQ.fuzz-vertex-key-000000000001"), java.net.URI.create(gemini.baseUrl()
                        .replace("/v1beta", "/v1beta1/publishers/google")), false))
                .build());
        // Thousands of mapped upstream errors would each log a WARN line; errors stay visible.
        appLogger.setLevel(ch.qos.logback.classic.Level.ERROR);
        // and tens of thousands of access lines would bury the build output
        accessLogger.setLevel(ch.qos.logback.classic.Level.WARN);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        appLogger.setLevel(null);
        accessLogger.setLevel(null);
        server.close();
        gemini.close();
    }

    @Test
    void generatedAndMutatedBodiesNeverBreakTheServer() throws Exception {
        long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
        int count = Integer.getInteger("fuzz.bodies", DEFAULT_BODIES);
        System.out.println("FrontDoorFuzzTest seed=" + seed + " bodies=" + count + " (replay: -Dfuzz.seed=" + seed + ")");
        FuzzBodies bodies = new FuzzBodies(seed);
        Door[] doors = Door.values();
        List<Case> warmUp = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Door door = doors[i % doors.length];
            warmUp.add(bodies.mutate(door, bodies.seed(door), 70));
        }
        List<Case> cases = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Door door = doors[i % doors.length];
            cases.add(bodies.mutate(door, bodies.seed(door), 85));
        }

        run(warmUp); // pools, caches and lazy threads grow here, not in the measurement
        settle();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long heapBefore = usedHeapAfterGc();

        long started = System.nanoTime();
        Outcome outcome = run(cases);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println("FrontDoorFuzzTest: " + cases.size() + " bodies in " + millis + " ms; statuses " + outcome.statuses);

        assertThat(outcome.failures).as("answers that break the rules (seed %d)", seed).isEmpty();
        settle();
        assertThat(waitForThreads(threadsBefore + 12)).as("threads before: %d", threadsBefore)
                .isLessThanOrEqualTo(threadsBefore + 12);
        long heapAfter = usedHeapAfterGc();
        if (heapAfter >= heapBefore + 96L * 1024 * 1024) {
            System.out.println(histogram());
        }
        assertThat(heapAfter).as("heap before: %d", heapBefore).isLessThan(heapBefore + 96L * 1024 * 1024);
        aValidRequestIsStillAnswered();
    }

    @Test
    void conformanceFixtureRequestsSurviveMutation() throws Exception {
        Path root = conformanceDirectory();
        Assumptions.assumeTrue(root != null, "the conformance fixtures are not on the class path");
        long seed = Long.getLong("fuzz.seed", DEFAULT_SEED) + 1;
        System.out.println("FrontDoorFuzzTest fixtures seed=" + seed);
        FuzzBodies bodies = new FuzzBodies(seed);
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                ObjectNode chat = read(dir.resolve("request.json"));
                // Bodies with remote media would make the server fetch from the internet.
                if (chat != null && !chat.toString().contains("://")) {
                    for (int i = 0; i < 4; i++) {
                        Door door = i % 2 == 0 ? Door.CHAT : Door.CHAT_STREAM;
                        ObjectNode body = chat.deepCopy();
                        body.put("stream", door == Door.CHAT_STREAM);
                        cases.add(bodies.mutate(door, body, i == 0 ? 0 : 100));
                    }
                }
                ObjectNode nativeBody = read(dir.resolve("gemini-request.json"));
                if (nativeBody != null) {
                    for (Door door : List.of(Door.GENERATE, Door.STREAM_GENERATE, Door.COUNT_TOKENS)) {
                        cases.add(bodies.mutate(door, nativeBody, 100));
                    }
                }
            }
        }
        Path anthropic = root.resolveSibling("conformance-anthropic");
        if (Files.isDirectory(anthropic)) {
            try (Stream<Path> dirs = Files.list(anthropic)) {
                for (Path dir : dirs.sorted().toList()) {
                    ObjectNode message = read(dir.resolve("request.json"));
                    if (message != null && !message.toString().contains("://")) {
                        for (int i = 0; i < 4; i++) {
                            Door door = i % 2 == 0 ? Door.MESSAGES : Door.MESSAGES_STREAM;
                            ObjectNode body = message.deepCopy();
                            body.put("stream", door == Door.MESSAGES_STREAM);
                            cases.add(bodies.mutate(door, body, i == 0 ? 0 : 100));
                        }
                    }
                }
            }
        }
        assertThat(cases).isNotEmpty();

        Outcome outcome = run(cases);
        System.out.println("FrontDoorFuzzTest fixtures: " + cases.size() + " bodies; statuses " + outcome.statuses);

        assertThat(outcome.failures).as("answers that break the rules (seed %d)", seed).isEmpty();
        assertThat(outcome.statuses).containsKey(200);
    }

    private void aValidRequestIsStillAnswered() throws Exception {
        GeminiBalance balance = server.context().getBean(GeminiBalance.class);
        balance.keyStatus().forEach(k -> balance.resetKey(k.id()));
        HttpResponse<String> chat = server.postJson("/v1/chat/completions",
                "{\"model\":\"" + FuzzBodies.MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Capital of Australia?\"}]}");
        HttpResponse<String> generate = server.postJson("/v1beta/models/" + FuzzBodies.MODEL + ":generateContent",
                "{\"contents\":[{\"parts\":[{\"text\":\"Capital of Australia?\"}]}]}");

        assertThat(chat.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(chat.body()).path("choices").path(0).path("message").path("content").asText())
                .isEqualTo(ANSWER_TEXT);
        assertThat(generate.statusCode()).isEqualTo(200);
        assertThat(generate.body()).contains(ANSWER_TEXT);
    }

    /** What a run saw: every status with its count, and the answers that broke a rule. */
    private record Outcome(Map<Integer, Integer> statuses, List<String> failures) {}

    private static Outcome run(List<Case> cases) throws InterruptedException {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            int index = i;
            slots.acquire();
            HttpRequest request;
            try {
                request = request(c);
            } catch (IllegalArgumentException unsendable) {
                failures.add(describe(index, c, "the test could not build the request: " + unsendable.getMessage()));
                slots.release();
                continue;
            }
            client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .orTimeout(60, TimeUnit.SECONDS) // a safety net, far above any answer's time
                    .whenComplete((response, error) -> {
                        try {
                            if (error != null) {
                                failures.add(describe(index, c, "no answer: " + error));
                            } else {
                                statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                                String problem = FuzzChecks.problem(c.door(), response.statusCode(),
                                        response.headers().firstValue("Content-Type").orElse(""), response.body(), GATEWAY_CODES,
                                        c.body());
                                if (problem != null) {
                                    failures.add(describe(index, c, problem));
                                }
                            }
                        } finally {
                            slots.release();
                        }
                    });
        }
        slots.acquire(IN_FLIGHT);
        Map<Integer, Integer> counts = new TreeMap<>();
        statuses.forEach((status, n) -> counts.put(status, n.get()));
        return new Outcome(counts, failures.stream().limit(30).toList());
    }

    private static HttpRequest request(Case c) {
        URI uri;
        try {
            uri = new URI(server.url() + c.path());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + TestServer.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(c.body()));
        if (c.contentType() != null) {
            b.header("Content-Type", c.contentType());
        }
        return b.build();
    }

    private static String describe(int index, Case c, String problem) {
        String body = new String(c.body(), StandardCharsets.UTF_8);
        return "#" + index + " " + c.what() + " " + c.path() + ": " + problem + "\n  body: "
                + (body.length() > 400 ? body.substring(0, 400) + "...(" + body.length() + " chars)" : body);
    }

    private static ObjectNode read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode node = Json.mapper().readTree(Files.readAllBytes(file));
        return node instanceof ObjectNode o ? o : null;
    }

    private static Path conformanceDirectory() throws URISyntaxException {
        URL url = FrontDoorFuzzTest.class.getClassLoader().getResource("conformance/basic-text/request.json");
        if (url != null && "file".equals(url.getProtocol())) {
            return Path.of(url.toURI()).getParent().getParent();
        }
        Path source = Path.of("..", "gemini-balance-core", "src", "test", "resources", "conformance");
        return Files.isDirectory(source) ? source : null;
    }

    // Requests still finishing their upstream calls, and WireMock's journal of every request, are not
    // leaks: let the former end and drop the latter before measuring.
    private static void settle() throws InterruptedException {
        gemini.server().resetRequests();
        Thread.sleep(300);
    }

    private static int waitForThreads(int limit) throws InterruptedException {
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        for (int i = 0; i < 100 && threads > limit; i++) { // up to 10 s for idle threads to end
            Thread.sleep(100);
            threads = ManagementFactory.getThreadMXBean().getThreadCount();
        }
        return threads;
    }

    // What fills the heap, for a failure report: the top of jcmd's class histogram.
    private static String histogram() {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(ProcessHandle.current().pid()), "GC.class_histogram").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return out.lines().limit(25).collect(java.util.stream.Collectors.joining("\n"));
        } catch (IOException e) {
            return "no histogram: " + e.getMessage();
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
