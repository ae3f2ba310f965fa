package io.github.geminibalance.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.ChatStream;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.translate.ChatCompletionAccumulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The translation conformance suite (issue 3): one directory per case under
 * {@code src/test/resources/conformance/}, each run through the real {@link GeminiBalance} facade
 * against {@link FakeGemini}.
 *
 * <p>Files of a case:
 * <ul>
 *   <li>{@code case.md}: one line saying what the case covers.</li>
 *   <li>{@code request.json}: the OpenAI chat request a client sends.</li>
 *   <li>{@code config.json} (optional): settings that differ from the defaults, among
 *       {@code thinkingBudgets} (THINKING_BUDGET_MAP), {@code safetySettings} (SAFETY_SETTINGS),
 *       {@code codeExecutionEnabled} and {@code searchModels}.</li>
 *   <li>{@code gemini-request.json}: the exact Gemini body we must send (JSON tree equality; numbers
 *       compared by value). The URL model is the request's model without {@code models/} and without
 *       the {@code -search}/{@code -non-thinking} suffixes: the fake only answers for that model.</li>
 *   <li>{@code gemini-response.json} and/or {@code gemini-stream.sse}: the same answer as a non-stream
 *       body and as SSE events (CRLF framing). Each present file runs its mode.</li>
 *   <li>{@code openai-response.json}: the {@code chat.completion} we must return, compared ignoring
 *       {@code id} and {@code created}. The streamed chunks folded by {@link ChatCompletionAccumulator}
 *       must equal it too (without {@code usage} when the stream did not ask for it).</li>
 *   <li>{@code openai-stream.jsonl} (optional): the exact chunk sequence, one chunk per line, compared
 *       ignoring {@code id} and {@code created}.</li>
 *   <li>{@code expected-error.json}: {@code {"status", "param", "code", "message_contains"?}} of the
 *       {@link GeminiBalanceException} the client gets. Without a Gemini answer file the request must
 *       be rejected before any call to Gemini (in both modes); with one, Gemini is called (and must
 *       receive {@code gemini-request.json}) and its answer is turned into the error.</li>
 * </ul>
 *
 * <p>The stream mode sends the request with {@code stream: true} and {@code include_usage: true},
 * unless {@code request.json} itself says {@code "stream": true}, in which case it is sent as written.
 *
 * <p>Tool-call ids minted at random ({@code call_r} + 24 characters, then an optional signature) are
 * compared with the random part written as {@code {random}} in the fixtures, so a fixture still
 * states whether a Gemini id and which signature the tool-call id carries.
 */
class ConformanceTest {

    private static final String ROOT = "/conformance";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final long SEED = 20260101L;
    private static final String KEY = "AIzaSyCONFORMANCE-key-0000000000000000001";
    private static final Pattern RANDOM_CALL_ID = Pattern.compile("^call_r[A-Za-z0-9]{24}");
    private static final String RANDOM_PLACEHOLDER = "call_r{random}";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long WAIT_SECONDS = 20;

    static FakeGemini fake;

    @BeforeAll
    static void startFake() {
        fake = FakeGemini.start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    // ---- case discovery ----

    static List<String> allCases() {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<String> nonStreamCases() {
        return allCases().stream().map(Case::new).filter(c -> c.has("gemini-response.json") || c.rejectedBeforeGemini())
                .map(Case::name);
    }

    static Stream<String> streamCases() {
        return allCases().stream().map(Case::new).filter(c -> c.has("gemini-stream.sse") || c.rejectedBeforeGemini())
                .map(Case::name);
    }

    private static Path root() {
        URL url = ConformanceTest.class.getResource(ROOT);
        assertThat(url).as("the conformance fixtures directory").isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the suite ----

    @Test
    void everyCaseIsCompleteAndThereAreAtLeastSixty() {
        List<String> names = allCases();
        assertThat(names).hasSizeGreaterThanOrEqualTo(60);
        for (String name : names) {
            Case c = new Case(name);
            assertThat(c.has("request.json")).as(name + ": request.json").isTrue();
            assertThat(c.has("case.md")).as(name + ": case.md").isTrue();
            assertThat(c.text("case.md").strip()).as(name + ": case.md is one line").doesNotContain("\n").isNotEmpty();
            boolean answers = c.has("gemini-response.json") || c.has("gemini-stream.sse");
            if (c.has("expected-error.json")) {
                assertThat(c.has("openai-response.json")).as(name + ": an error case has no answer").isFalse();
                assertThat(!answers || c.has("gemini-request.json"))
                        .as(name + ": an error after a Gemini call states the Gemini request").isTrue();
            } else {
                assertThat(answers).as(name + ": a Gemini answer (json or sse)").isTrue();
                assertThat(c.has("gemini-request.json")).as(name + ": gemini-request.json").isTrue();
                assertThat(c.has("openai-response.json")).as(name + ": openai-response.json").isTrue();
            }
            if (c.has("openai-stream.jsonl")) {
                assertThat(c.has("gemini-stream.sse")).as(name + ": a chunk sequence needs a stream").isTrue();
            }
            if (c.has("gemini-stream.sse")) {
                String sse = c.text("gemini-stream.sse");
                assertThat(sse).as(name + ": SSE events end in CRLF CRLF").endsWith("\r\n\r\n").startsWith("data: ");
                assertThat(sse.replace("\r\n", "")).as(name + ": no bare LF in CRLF framing").doesNotContain("\n");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonStreamCases")
    void nonStream(String name) throws Exception {
        Case c = new Case(name);
        ChatCompletionRequest request = c.request();
        String upstream = upstreamModel(request.model());
        if (c.has("gemini-response.json")) {
            fake.generateContent(upstream, null, c.text("gemini-response.json"));
        }
        try (GeminiBalance gb = balance(c)) {
            if (c.has("expected-error.json")) {
                Throwable failure = catchThrowable(() -> gb.chat(request).get(WAIT_SECONDS, TimeUnit.SECONDS));
                assertError(c, failure);
                assertGeminiRequests(c, upstream, "generateContent", !c.rejectedBeforeGemini());
                return;
            }
            ChatCompletion answer = gb.chat(request).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertGeminiRequests(c, upstream, "generateContent", true);
            assertThat(canonical(tree(answer))).as(name + ": the chat.completion")
                    .isEqualTo(canonical(c.json("openai-response.json")));
            assertThat(answer.object()).isEqualTo(ChatCompletion.OBJECT);
            assertThat(answer.created()).isEqualTo(CLOCK.instant().getEpochSecond());
            assertThat(answer.id()).startsWith("chatcmpl-");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamCases")
    void stream(String name) throws Exception {
        Case c = new Case(name);
        ChatCompletionRequest written = c.request();
        ChatCompletionRequest request = written.streamRequested() ? written : written.withStream(true, true);
        String upstream = upstreamModel(request.model());
        if (c.has("gemini-stream.sse")) {
            fake.streamGenerateContentRaw(upstream, null, c.text("gemini-stream.sse"));
        }
        try (GeminiBalance gb = balance(c)) {
            if (c.has("expected-error.json")) {
                Throwable failure = catchThrowable(() -> gb.chatStream(request).get(WAIT_SECONDS, TimeUnit.SECONDS));
                assertError(c, failure);
                assertGeminiRequests(c, upstream, "streamGenerateContent", !c.rejectedBeforeGemini());
                return;
            }
            ChatStream stream = gb.chatStream(request).get(WAIT_SECONDS, TimeUnit.SECONDS);
            List<ChatCompletionChunk> chunks = collect(stream);
            assertGeminiRequests(c, upstream, "streamGenerateContent", true);

            assertThat(chunks).isNotEmpty();
            assertThat(chunks).extracting(ChatCompletionChunk::id).as(name + ": one id for the whole stream")
                    .containsOnly(chunks.get(0).id());
            assertThat(chunks.get(0).id()).startsWith("chatcmpl-");
            assertThat(chunks).extracting(ChatCompletionChunk::object).containsOnly(ChatCompletionChunk.OBJECT);
            assertThat(chunks).extracting(ChatCompletionChunk::created).containsOnly(CLOCK.instant().getEpochSecond());
            assertThat(chunks).extracting(ChatCompletionChunk::model).containsOnly(request.model());

            if (c.has("openai-stream.jsonl")) {
                List<String> actual = chunks.stream().map(chunk -> canonical(tree(chunk))).toList();
                List<String> expected = c.jsonLines("openai-stream.jsonl").stream().map(ConformanceTest::canonical).toList();
                assertThat(String.join("\n", actual)).as(name + ": the chunk sequence")
                        .isEqualTo(String.join("\n", expected));
            }

            ChatCompletionAccumulator accumulator = new ChatCompletionAccumulator();
            chunks.forEach(accumulator::add);
            ObjectNode expected = (ObjectNode) c.json("openai-response.json");
            if (!request.includeUsage()) {
                expected.remove("usage");
            }
            assertThat(canonical(tree(accumulator.result()))).as(name + ": the folded stream")
                    .isEqualTo(canonical(expected));
        }
    }

    // ---- helpers ----

    private static GeminiBalance balance(Case c) {
        GeminiBalanceConfig.Builder config = GeminiBalanceConfig.builder()
                .apiKeys(List.of(KEY))
                .baseUrl(fake.baseUrl())
                .streamIdleTimeout(Duration.ofSeconds(10));
        if (c.has("config.json")) {
            JsonNode settings = c.json("config.json");
            for (Iterator<String> it = settings.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                JsonNode value = settings.get(field);
                switch (field) {
                    case "thinkingBudgets" -> {
                        Map<String, Integer> budgets = new LinkedHashMap<>();
                        value.fields().forEachRemaining(e -> budgets.put(e.getKey(), e.getValue().intValue()));
                        config.thinkingBudgets(budgets);
                    }
                    case "safetySettings" -> {
                        Map<String, String> safety = new LinkedHashMap<>();
                        value.fields().forEachRemaining(e -> safety.put(e.getKey(), e.getValue().asText()));
                        config.safetySettings(safety);
                    }
                    case "codeExecutionEnabled" -> config.codeExecutionEnabled(value.booleanValue());
                    case "searchModels" -> {
                        List<String> models = new ArrayList<>();
                        value.forEach(m -> models.add(m.asText()));
                        config.searchModels(models);
                    }
                    default -> throw new IllegalArgumentException(c.name() + ": unknown config.json field " + field);
                }
            }
        }
        return GeminiBalance.builder(config.build())
                .clock(CLOCK)
                .random(new SplittableRandom(SEED))
                .scheduleKeyChecks(false)
                .build();
    }

    /** What the fake received for the case: exactly gemini-request.json (once, or on every retry of an error). */
    private static void assertGeminiRequests(Case c, String upstream, String method, boolean called) {
        if (!called) {
            assertThat(fake.requestCount()).as(c.name() + ": rejected before calling Gemini").isZero();
            return;
        }
        List<JsonNode> bodies = fake.requestBodies(upstream, method);
        assertThat(fake.requestCount()).as(c.name() + ": every call went to " + upstream + ":" + method)
                .isEqualTo(bodies.size());
        if (c.has("expected-error.json")) {
            assertThat(bodies).as(c.name() + ": Gemini was called").isNotEmpty();
        } else {
            assertThat(bodies).as(c.name() + ": one Gemini call").hasSize(1);
        }
        String expected = canonical(c.json("gemini-request.json"));
        for (JsonNode body : bodies) {
            assertThat(canonical(body)).as(c.name() + ": the Gemini request").isEqualTo(expected);
        }
    }

    private static void assertError(Case c, Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertThat(cause).as(c.name() + ": the failure").isInstanceOf(GeminiBalanceException.class);
        GeminiBalanceException e = (GeminiBalanceException) cause;
        JsonNode expected = c.json("expected-error.json");
        assertThat(e.httpStatus()).as(c.name() + ": status (" + e.getMessage() + ")").isEqualTo(expected.path("status").intValue());
        assertThat(e.param().orElse(null)).as(c.name() + ": param (" + e.getMessage() + ")").isEqualTo(textOrNull(expected.get("param")));
        assertThat(e.code().orElse(null)).as(c.name() + ": code (" + e.getMessage() + ")").isEqualTo(textOrNull(expected.get("code")));
        if (expected.has("message_contains")) {
            assertThat(e.getMessage()).contains(expected.get("message_contains").asText());
        }
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    /** The request's model without {@code models/} and without our suffixes: what the URL must name. */
    static String upstreamModel(String model) {
        if (model == null || model.isBlank()) {
            return "no-model"; // the request is rejected before any call
        }
        String m = model.strip();
        if (m.startsWith("models/")) {
            m = m.substring("models/".length());
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String suffix : List.of("-search", "-non-thinking")) {
                if (m.endsWith(suffix)) {
                    m = m.substring(0, m.length() - suffix.length());
                    changed = true;
                }
            }
        }
        return m;
    }

    private static List<ChatCompletionChunk> collect(ChatStream stream) throws InterruptedException {
        List<ChatCompletionChunk> chunks = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        stream.subscribe(new Flow.Subscriber<ChatCompletionChunk>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ChatCompletionChunk item) {
                chunks.add(item);
            }

            @Override
            public void onError(Throwable throwable) {
                errors.add(throwable);
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the stream ended").isTrue();
        assertThat(errors).as("stream errors").isEmpty();
        return List.copyOf(chunks);
    }

    private static JsonNode tree(Object value) {
        return Json.mapper().valueToTree(value);
    }

    /**
     * A stable text form for comparison: keys sorted, numbers by value, the top-level {@code id} and
     * {@code created} left out, and the random part of minted tool-call ids replaced by {@code {random}}.
     */
    static String canonical(JsonNode node) {
        JsonNode normalised = normalise(node, true);
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(normalised);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode normalise(JsonNode node, boolean top) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            node.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
            ObjectNode out = NODES.objectNode();
            for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
                String key = e.getKey();
                if (top && (key.equals("id") || key.equals("created"))) {
                    continue;
                }
                JsonNode value = e.getValue();
                if (key.equals("id") && value.isTextual()) {
                    Matcher random = RANDOM_CALL_ID.matcher(value.asText());
                    out.put(key, random.find() ? RANDOM_PLACEHOLDER + value.asText().substring(random.end()) : value.asText());
                } else {
                    out.set(key, normalise(value, false));
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(item -> out.add(normalise(item, false)));
            return out;
        }
        if (node.isNumber()) {
            BigDecimal value = node.decimalValue().stripTrailingZeros();
            return value.scale() <= 0 ? NODES.numberNode(value.toBigIntegerExact()) : NODES.numberNode(value);
        }
        return node;
    }

    /** One case directory. */
    private record Case(String name) {

        Path file(String file) {
            return root().resolve(name).resolve(file);
        }

        boolean has(String file) {
            return Files.isRegularFile(file(file));
        }

        /** An error case whose request must never reach Gemini. */
        boolean rejectedBeforeGemini() {
            return has("expected-error.json") && !has("gemini-response.json") && !has("gemini-stream.sse");
        }

        String text(String file) {
            try {
                return Files.readString(file(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        JsonNode json(String file) {
            try {
                return Json.mapper().readTree(text(file));
            } catch (IOException e) {
                throw new IllegalStateException(name + "/" + file + " is not valid JSON", e);
            }
        }

        List<JsonNode> jsonLines(String file) {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : text(file).split("\n")) {
                if (!line.isBlank()) {
                    try {
                        lines.add(Json.mapper().readTree(line));
                    } catch (IOException e) {
                        throw new IllegalStateException(name + "/" + file + ": a line is not valid JSON: " + line, e);
                    }
                }
            }
            return lines;
        }

        ChatCompletionRequest request() {
            try {
                return Json.mapper().treeToValue(json("request.json"), ChatCompletionRequest.class);
            } catch (IOException e) {
                throw new IllegalStateException(name + "/request.json does not bind to ChatCompletionRequest", e);
            }
        }
    }
}
