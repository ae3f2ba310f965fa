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
import io.github.geminibalance.MessagesErrors;
import io.github.geminibalance.anthropic.Message;
import io.github.geminibalance.anthropic.MessageRequest;
import io.github.geminibalance.anthropic.StreamEvent;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.translate.MessagesAccumulator;
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
 * The Anthropic Messages conformance suite (issue 13): one directory per case under
 * {@code src/test/resources/conformance-anthropic/}, the same case format as {@link ConformanceTest},
 * each run through the real {@link GeminiBalance} facade ({@code messages}, {@code messagesStream})
 * against {@link FakeGemini}.
 *
 * <p>Files of a case:
 * <ul>
 *   <li>{@code case.md}: one line saying what the case covers.</li>
 *   <li>{@code request.json}: the Anthropic Messages request a client sends.</li>
 *   <li>{@code config.json} (optional): {@code modelAliases} (MODEL_ALIASES), {@code thinkingBudgets},
 *       {@code searchModels}.</li>
 *   <li>{@code gemini-request.json}: the exact Gemini body we must send (JSON tree equality).</li>
 *   <li>{@code gemini-response.json} and/or {@code gemini-stream.sse}: Gemini's answer in each mode
 *       (CRLF framing); {@code gemini-error.txt} instead: a {@link GeminiErrorKind} Gemini answers
 *       every call with.</li>
 *   <li>{@code anthropic-response.json}: the {@code message} we must return. The streamed events
 *       folded by {@link MessagesAccumulator} must equal it too.</li>
 *   <li>{@code anthropic-stream.jsonl} (optional): the exact event sequence, one event per line; a
 *       stream that fails after it started ends with the {@code error} event {@link MessageStream#sse()}
 *       writes.</li>
 *   <li>{@code expected-error.json}: {@code {"status", "type", "message_contains"?}} as
 *       {@link MessagesErrors} renders the failure. Without a Gemini answer the request must be
 *       rejected before any call to Gemini.</li>
 * </ul>
 *
 * <p>The stream mode sends the request with {@code stream: true}. Tool-use ids minted at random
 * ({@code toolu_r} + 24 characters, then an optional signature) are compared with the random part
 * written as {@code {random}}.
 */
class AnthropicConformanceTest {

    private static final String ROOT = "/conformance-anthropic";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final long SEED = 20260101L;
    private static final String KEY = "AIzaSyCONFORMANCE-key-0000000000000000001";
    private static final Pattern RANDOM_ID = Pattern.compile("^toolu_r[A-Za-z0-9]{24}");
    private static final String RANDOM_PLACEHOLDER = "toolu_r{random}";
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
        URL url = AnthropicConformanceTest.class.getResource(ROOT);
        assertThat(url).as("the Anthropic conformance fixtures directory").isNotNull();
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
                assertThat(c.has("anthropic-response.json")).as(name + ": an error case has no answer").isFalse();
                assertThat(!answers || c.has("gemini-request.json"))
                        .as(name + ": an error after a Gemini call states the Gemini request").isTrue();
            } else if (!c.has("anthropic-stream.jsonl") || c.has("gemini-response.json")) {
                assertThat(answers).as(name + ": a Gemini answer").isTrue();
                assertThat(c.has("gemini-request.json")).as(name + ": gemini-request.json").isTrue();
                assertThat(c.has("anthropic-response.json")).as(name + ": anthropic-response.json").isTrue();
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
        MessageRequest request = c.request();
        String upstream = c.upstreamModel();
        if (c.has("gemini-response.json")) {
            fake.generateContent(upstream, null, c.text("gemini-response.json"));
        }
        if (c.has("gemini-error.txt")) {
            fake.error(upstream, null, GeminiErrorKind.valueOf(c.text("gemini-error.txt").strip()));
        }
        try (GeminiBalance gb = balance(c)) {
            if (c.has("expected-error.json")) {
                Throwable failure = catchThrowable(() -> gb.messages(request).get(WAIT_SECONDS, TimeUnit.SECONDS));
                assertError(c, failure);
                assertGeminiRequests(c, upstream, "generateContent", !c.rejectedBeforeGemini());
                return;
            }
            Message answer = gb.messages(request).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertGeminiRequests(c, upstream, "generateContent", true);
            assertThat(canonical(tree(answer))).as(name + ": the message")
                    .isEqualTo(canonical(c.json("anthropic-response.json")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamCases")
    void stream(String name) throws Exception {
        Case c = new Case(name);
        MessageRequest written = c.request();
        MessageRequest request = withStream(written);
        String upstream = c.upstreamModel();
        if (c.has("gemini-stream.sse")) {
            fake.streamGenerateContentRaw(upstream, null, c.text("gemini-stream.sse"));
        }
        if (c.has("gemini-error.txt")) {
            fake.error(upstream, null, GeminiErrorKind.valueOf(c.text("gemini-error.txt").strip()));
        }
        try (GeminiBalance gb = balance(c)) {
            if (c.has("expected-error.json")) {
                Throwable failure = catchThrowable(() -> gb.messagesStream(request).get(WAIT_SECONDS, TimeUnit.SECONDS));
                assertError(c, failure);
                assertGeminiRequests(c, upstream, "streamGenerateContent", !c.rejectedBeforeGemini());
                return;
            }
            MessageStream stream = gb.messagesStream(request).get(WAIT_SECONDS, TimeUnit.SECONDS);
            Collected collected = collect(stream);
            assertGeminiRequests(c, upstream, "streamGenerateContent", true);

            List<String> lines = new ArrayList<>();
            collected.events().forEach(e -> lines.add(canonical(tree(e))));
            if (collected.error() != null) {
                lines.add(canonical(tree(StreamEvent.ErrorEvent.of(MessagesErrors.type(collected.error()),
                        MessagesErrors.message(collected.error())))));
            }
            if (c.has("anthropic-stream.jsonl")) {
                List<String> expected = c.jsonLines("anthropic-stream.jsonl").stream()
                        .map(AnthropicConformanceTest::canonical).toList();
                assertThat(String.join("\n", lines)).as(name + ": the event sequence")
                        .isEqualTo(String.join("\n", expected));
            }
            if (c.has("anthropic-response.json")) {
                assertThat(collected.error()).as(name + ": the stream failed").isNull();
                MessagesAccumulator accumulator = new MessagesAccumulator();
                collected.events().forEach(accumulator::add);
                assertThat(canonical(tree(accumulator.result()))).as(name + ": the folded stream")
                        .isEqualTo(canonical(c.json("anthropic-response.json")));
            }
        }
    }

    private static MessageRequest withStream(MessageRequest r) {
        return new MessageRequest(r.model(), r.maxTokens(), r.messages(), r.system(), r.stopSequences(), true,
                r.temperature(), r.topP(), r.topK(), r.metadata(), r.tools(), r.toolChoice(), r.thinking(),
                r.serviceTier());
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
        assertThat(MessagesErrors.status(e)).as(c.name() + ": status (" + e.getMessage() + ")")
                .isEqualTo(expected.path("status").intValue());
        assertThat(MessagesErrors.type(e)).as(c.name() + ": type (" + e.getMessage() + ")")
                .isEqualTo(expected.path("type").asText());
        if (expected.has("message_contains")) {
            assertThat(MessagesErrors.message(e)).contains(expected.get("message_contains").asText());
        }
    }

    private record Collected(List<StreamEvent> events, GeminiBalanceException error) {}

    private static Collected collect(MessageStream stream) throws InterruptedException {
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        stream.subscribe(new Flow.Subscriber<StreamEvent>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(StreamEvent item) {
                events.add(item);
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
        return new Collected(List.copyOf(events), errors.isEmpty() ? null : GeminiBalanceException.from(errors.get(0)));
    }

    private static JsonNode tree(Object value) {
        return Json.mapper().valueToTree(value);
    }

    /** Keys sorted, numbers by value, random tool-use ids as {@code toolu_r{random}}. */
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
                if (e.getKey().equals("id") && value.isTextual()) {
                    Matcher random = RANDOM_ID.matcher(value.asText());
                    out.put(e.getKey(), random.find() ? RANDOM_PLACEHOLDER + value.asText().substring(random.end())
                            : value.asText());
                } else {
                    out.set(e.getKey(), normalise(value));
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(item -> out.add(normalise(item)));
            return out;
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

        MessageRequest request() {
            try {
                return Json.mapper().treeToValue(json("request.json"), MessageRequest.class);
            } catch (IOException e) {
                throw new IllegalStateException(name + "/request.json does not bind to MessageRequest", e);
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
