package io.github.geminibalance.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.MessageStream;
import io.github.geminibalance.ResponseStream;
import io.github.geminibalance.openai.responses.Response;
import io.github.geminibalance.openai.responses.ResponseRequest;
import io.github.geminibalance.openai.responses.ResponseStreamEvent;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.translate.ResponsesAccumulator;
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
 * The OpenAI Responses conformance suite (issue 13): one directory per case under
 * {@code src/test/resources/conformance-responses/}, the same case format as
 * {@link AnthropicConformanceTest}, each run through the real {@link GeminiBalance} facade
 * ({@code responses}, {@code responsesStream}) against {@link FakeGemini}.
 *
 * <p>Files of a case:
 * <ul>
 *   <li>{@code case.md}: one line saying what the case covers.</li>
 *   <li>{@code request.json}: the Responses request a client sends.</li>
 *   <li>{@code config.json} (optional): {@code modelAliases}, {@code thinkingBudgets}, {@code searchModels}.</li>
 *   <li>{@code gemini-request.json}: the exact Gemini body we must send (JSON tree equality).</li>
 *   <li>{@code gemini-response.json} and/or {@code gemini-stream.sse}: Gemini's answer in each mode
 *       (CRLF framing); {@code gemini-error.txt} instead: a {@link GeminiErrorKind} Gemini answers
 *       every call with.</li>
 *   <li>{@code openai-response.json}: the {@code response} we must return. The streamed events folded
 *       by {@link ResponsesAccumulator} must equal it too.</li>
 *   <li>{@code openai-stream.jsonl} (optional): the exact event sequence as the SSE {@code data:}
 *       lines, one event per line (each frame's {@code event:} name must equal its {@code type}); a
 *       stream that fails after it started ends with the {@code error} event.</li>
 *   <li>{@code expected-error.json}: {@code {"status", "type", "param"?, "message_contains"?}} of the
 *       {@link GeminiBalanceException} (what OpenAI's error envelope shows). Without a Gemini answer the
 *       request must be rejected before any call to Gemini.</li>
 * </ul>
 *
 * <p>The stream mode sends the request with {@code stream: true}. Ids minted at random are compared
 * with the random part written as {@code {random}}: {@code msg_}, {@code fc_}, {@code rs_} and
 * {@code resp_} + 32 hex digits, {@code call_r} + 24 characters (then an optional signature).
 */
class ResponsesConformanceTest {

    private static final String ROOT = "/conformance-responses";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final long SEED = 20260101L;
    private static final String KEY = "AIzaSyCONFORMANCE-key-0000000000000000001";
    private static final Pattern RANDOM_HEX = Pattern.compile("^(msg|fc|rs|resp)_[0-9a-f]{32}$");
    private static final Pattern RANDOM_CALL = Pattern.compile("^call_r[A-Za-z0-9]{24}");
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

    static List<String> allCases() {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<String> nonStreamCases() {
        return allCases().stream().map(Case::new)
                .filter(c -> c.has("gemini-response.json") || c.has("gemini-error.txt") || c.rejectedBeforeGemini())
                .map(Case::name);
    }

    static Stream<String> streamCases() {
        return allCases().stream().map(Case::new)
                .filter(c -> c.has("gemini-stream.sse") || c.has("gemini-error.txt") || c.rejectedBeforeGemini())
                .map(Case::name);
    }

    private static Path root() {
        URL url = ResponsesConformanceTest.class.getResource(ROOT);
        assertThat(url).as("the Responses conformance fixtures directory").isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyCaseIsComplete() {
        List<String> names = allCases();
        assertThat(names).hasSizeGreaterThanOrEqualTo(30);
        for (String name : names) {
            Case c = new Case(name);
            assertThat(c.has("request.json")).as(name + ": request.json").isTrue();
            assertThat(c.text("case.md").strip()).as(name + ": case.md is one line").doesNotContain("\n").isNotEmpty();
            boolean answers = c.has("gemini-response.json") || c.has("gemini-stream.sse") || c.has("gemini-error.txt");
            if (c.has("expected-error.json")) {
                assertThat(c.has("openai-response.json")).as(name + ": an error case has no answer").isFalse();
                assertThat(!answers || c.has("gemini-request.json"))
                        .as(name + ": an error after a Gemini call states the Gemini request").isTrue();
            } else if (!c.has("openai-stream.jsonl") || c.has("gemini-response.json")) {
                assertThat(answers).as(name + ": a Gemini answer").isTrue();
                assertThat(c.has("gemini-request.json")).as(name + ": gemini-request.json").isTrue();
                assertThat(c.has("openai-response.json")).as(name + ": openai-response.json").isTrue();
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
        ResponseRequest request = c.request();
        String upstream = c.upstreamModel();
        if (c.has("gemini-response.json")) {
            fake.generateContent(upstream, null, c.text("gemini-response.json"));
        }
        if (c.has("gemini-error.txt")) {
            fake.error(upstream, null, GeminiErrorKind.valueOf(c.text("gemini-error.txt").strip()));
        }
        try (GeminiBalance gb = balance(c)) {
            if (c.has("expected-error.json")) {
                Throwable failure = catchThrowable(() -> gb.responses(request).get(WAIT_SECONDS, TimeUnit.SECONDS));
                assertError(c, failure);
                assertGeminiRequests(c, upstream, "generateContent", !c.rejectedBeforeGemini());
                return;
            }
            Response answer = gb.responses(request).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertGeminiRequests(c, upstream, "generateContent", true);
            assertThat(canonical(tree(answer))).as(name + ": the response")
                    .isEqualTo(canonical(c.json("openai-response.json")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamCases")
    void stream(String name) throws Exception {
        Case c = new Case(name);
        ResponseRequest request = withStream(c.request());
        String upstream = c.upstreamModel();
        if (c.has("gemini-stream.sse")) {
            fake.streamGenerateContentRaw(upstream, null, c.text("gemini-stream.sse"));
        }
        if (c.has("gemini-error.txt")) {
            fake.error(upstream, null, GeminiErrorKind.valueOf(c.text("gemini-error.txt").strip()));
        }
        try (GeminiBalance gb = balance(c)) {
            if (c.has("expected-error.json")) {
                Throwable failure = catchThrowable(() -> gb.responsesStream(request).get(WAIT_SECONDS, TimeUnit.SECONDS));
                assertError(c, failure);
                assertGeminiRequests(c, upstream, "streamGenerateContent", !c.rejectedBeforeGemini());
                return;
            }
            ResponseStream stream = gb.responsesStream(request).get(WAIT_SECONDS, TimeUnit.SECONDS);
            Collected collected = collect(stream);
            assertGeminiRequests(c, upstream, "streamGenerateContent", true);

            List<String> lines = new ArrayList<>();
            collected.frames().forEach(e -> lines.add(canonical(e)));
            if (c.has("openai-stream.jsonl")) {
                List<String> expected = c.jsonLines("openai-stream.jsonl").stream()
                        .map(ResponsesConformanceTest::canonical).toList();
                assertThat(String.join("\n", lines)).as(name + ": the event sequence")
                        .isEqualTo(String.join("\n", expected));
            }
            if (c.has("openai-response.json")) {
                assertThat(collected.failed()).as(name + ": the stream failed").isFalse();
                ResponsesAccumulator accumulator = new ResponsesAccumulator();
                for (JsonNode frame : collected.frames()) {
                    accumulator.add(Json.mapper().treeToValue(frame, ResponseStreamEvent.class));
                }
                assertThat(canonical(tree(accumulator.result()))).as(name + ": the folded stream")
                        .isEqualTo(canonical(c.json("openai-response.json")));
            }
        }
    }

    private static ResponseRequest withStream(ResponseRequest r) {
        return new ResponseRequest(r.model(), r.input(), r.instructions(), r.tools(), r.toolChoice(),
                r.parallelToolCalls(), r.text(), r.reasoning(), r.maxOutputTokens(), r.temperature(), r.topP(),
                r.metadata(), r.user(), r.store(), true, r.previousResponseId(), r.include(), r.truncation(),
                r.background(), r.conversation());
    }

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
                    case "modelAliases" -> {
                        Map<String, String> aliases = new LinkedHashMap<>();
                        value.fields().forEachRemaining(e -> aliases.put(e.getKey(), e.getValue().asText()));
                        config.modelAliases(aliases);
                    }
                    case "thinkingBudgets" -> {
                        Map<String, Integer> budgets = new LinkedHashMap<>();
                        value.fields().forEachRemaining(e -> budgets.put(e.getKey(), e.getValue().intValue()));
                        config.thinkingBudgets(budgets);
                    }
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

    private static void assertGeminiRequests(Case c, String upstream, String method, boolean called) {
        if (!called) {
            assertThat(fake.requestCount()).as(c.name() + ": rejected before calling Gemini").isZero();
            return;
        }
        List<JsonNode> bodies = fake.requestBodies(upstream, method);
        assertThat(fake.requestCount()).as(c.name() + ": every call went to " + upstream + ":" + method)
                .isEqualTo(bodies.size());
        assertThat(bodies).as(c.name() + ": Gemini was called").isNotEmpty();
        if (!c.has("expected-error.json")) {
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
        assertThat(e.httpStatus()).as(c.name() + ": status (" + e.getMessage() + ")")
                .isEqualTo(expected.path("status").intValue());
        assertThat(e.type()).as(c.name() + ": type (" + e.getMessage() + ")")
                .isEqualTo(expected.path("type").asText());
        if (expected.has("param")) {
            assertThat(e.param().orElse(null)).as(c.name() + ": param").isEqualTo(expected.get("param").asText());
        }
        if (expected.has("message_contains")) {
            assertThat(e.getMessage()).contains(expected.get("message_contains").asText());
        }
    }

    private record Collected(List<JsonNode> frames, boolean failed) {}

    /** The SSE frames' data as JSON; each frame's event name must be its type. */
    private static Collected collect(ResponseStream stream) throws Exception {
        List<MessageStream.SseFrame> frames = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        stream.sse().subscribe(new Flow.Subscriber<MessageStream.SseFrame>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(MessageStream.SseFrame item) {
                frames.add(item);
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
        assertThat(errors).as("the SSE rendering never fails").isEmpty();
        List<JsonNode> data = new ArrayList<>();
        boolean failed = false;
        for (MessageStream.SseFrame frame : frames) {
            JsonNode json = Json.mapper().readTree(frame.data());
            assertThat(frame.event()).as("the event name").isEqualTo(json.path("type").asText());
            failed |= "error".equals(frame.event());
            data.add(json);
        }
        return new Collected(List.copyOf(data), failed);
    }

    private static JsonNode tree(Object value) {
        return Json.mapper().valueToTree(value);
    }

    /** Keys sorted, numbers by value, random ids with {@code {random}}. */
    static String canonical(JsonNode node) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(normalise(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode normalise(JsonNode node) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            node.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
            ObjectNode out = NODES.objectNode();
            for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
                JsonNode value = e.getValue();
                out.set(e.getKey(), normalise(value));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(item -> out.add(normalise(item)));
            return out;
        }
        if (node.isTextual()) {
            String text = node.asText();
            Matcher hex = RANDOM_HEX.matcher(text);
            if (hex.matches()) {
                return NODES.textNode(hex.group(1) + "_{random}");
            }
            Matcher call = RANDOM_CALL.matcher(text);
            return call.find() ? NODES.textNode("call_r{random}" + text.substring(call.end())) : node;
        }
        if (node.isNumber()) {
            BigDecimal value = node.decimalValue().stripTrailingZeros();
            return value.scale() <= 0 ? NODES.numberNode(value.toBigIntegerExact()) : NODES.numberNode(value);
        }
        return node;
    }

    private record Case(String name) {

        Path file(String file) {
            return root().resolve(name).resolve(file);
        }

        boolean has(String file) {
            return Files.isRegularFile(file(file));
        }

        boolean rejectedBeforeGemini() {
            return has("expected-error.json") && !has("gemini-response.json") && !has("gemini-stream.sse")
                    && !has("gemini-error.txt");
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

        ResponseRequest request() {
            try {
                return Json.mapper().treeToValue(json("request.json"), ResponseRequest.class);
            } catch (IOException e) {
                throw new IllegalStateException(name + "/request.json does not bind to ResponseRequest", e);
            }
        }

        /** The Gemini model the fake answers for: config.json's alias target, else the request's model. */
        String upstreamModel() {
            String model = json("request.json").path("model").asText("no-model");
            if (has("config.json")) {
                JsonNode alias = json("config.json").path("modelAliases").path(model);
                if (alias.isTextual()) {
                    model = alias.asText();
                }
            }
            return ConformanceTest.upstreamModel(model);
        }
    }
}
