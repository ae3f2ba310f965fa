package io.github.geminibalance.conformance;

import static io.github.geminibalance.conformance.ConformanceKit.WAIT_SECONDS;
import static io.github.geminibalance.conformance.ConformanceKit.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.MessageStream;
import io.github.geminibalance.ResponseStream;
import io.github.geminibalance.conformance.ConformanceKit.Canonical;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.responses.Response;
import io.github.geminibalance.openai.responses.ResponseRequest;
import io.github.geminibalance.openai.responses.ResponseStreamEvent;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.translate.ResponsesAccumulator;
import java.util.ArrayList;
import java.util.List;
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
    private static final Pattern RANDOM_HEX = Pattern.compile("^(msg|fc|rs|resp)_[0-9a-f]{32}$");
    private static final Pattern RANDOM_CALL = Pattern.compile("^call_r[A-Za-z0-9]{24}");
    /** Random item ids and minted call ids, wherever they stand, with {@code {random}}. */
    private static final Canonical CANONICAL = new Canonical(false, (field, text) -> {
        Matcher hex = RANDOM_HEX.matcher(text);
        if (hex.matches()) {
            return hex.group(1) + "_{random}";
        }
        Matcher call = RANDOM_CALL.matcher(text);
        return call.find() ? "call_r{random}" + text.substring(call.end()) : text;
    });

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

    static Stream<String> nonStreamCases() {
        return ConformanceCase.all(ROOT)
                .filter(c -> c.has("gemini-response.json") || c.has("gemini-error.txt") || c.rejectedBeforeGemini())
                .map(ConformanceCase::name);
    }

    static Stream<String> streamCases() {
        return ConformanceCase.all(ROOT)
                .filter(c -> c.has("gemini-stream.sse") || c.has("gemini-error.txt") || c.rejectedBeforeGemini())
                .map(ConformanceCase::name);
    }

    @Test
    void everyCaseIsComplete() {
        List<String> names = ConformanceCase.names(ROOT);
        assertThat(names).hasSizeGreaterThanOrEqualTo(30);
        for (String name : names) {
            ConformanceCase.of(ROOT, name).assertComplete("openai-response.json", "openai-stream.jsonl");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonStreamCases")
    void nonStream(String name) throws Exception {
        ConformanceCase c = ConformanceCase.of(ROOT, name);
        ResponseRequest request = c.request(ResponseRequest.class);
        ConformanceKit.answer(fake, c, false);
        try (GeminiBalance gb = ConformanceKit.balance(fake, c)) {
            if (c.has("expected-error.json")) {
                Throwable failure = catchThrowable(() -> gb.responses(request).get(WAIT_SECONDS, TimeUnit.SECONDS));
                assertError(c, failure);
                ConformanceKit.assertGeminiRequests(fake, c, "generateContent", CANONICAL);
                return;
            }
            Response answer = gb.responses(request).get(WAIT_SECONDS, TimeUnit.SECONDS);
            ConformanceKit.assertGeminiRequests(fake, c, "generateContent", CANONICAL);
            assertThat(canonical(tree(answer))).as(name + ": the response")
                    .isEqualTo(canonical(c.json("openai-response.json")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamCases")
    void stream(String name) throws Exception {
        ConformanceCase c = ConformanceCase.of(ROOT, name);
        ResponseRequest request = withStream(c.request(ResponseRequest.class));
        ConformanceKit.answer(fake, c, true);
        try (GeminiBalance gb = ConformanceKit.balance(fake, c)) {
            if (c.has("expected-error.json")) {
                Throwable failure = catchThrowable(() -> gb.responsesStream(request).get(WAIT_SECONDS, TimeUnit.SECONDS));
                assertError(c, failure);
                ConformanceKit.assertGeminiRequests(fake, c, "streamGenerateContent", CANONICAL);
                return;
            }
            ResponseStream stream = gb.responsesStream(request).get(WAIT_SECONDS, TimeUnit.SECONDS);
            Frames frames = frames(stream);
            ConformanceKit.assertGeminiRequests(fake, c, "streamGenerateContent", CANONICAL);

            List<String> lines = new ArrayList<>();
            frames.data().forEach(e -> lines.add(canonical(e)));
            if (c.has("openai-stream.jsonl")) {
                List<String> expected = c.jsonLines("openai-stream.jsonl").stream()
                        .map(ResponsesConformanceTest::canonical).toList();
                assertThat(String.join("\n", lines)).as(name + ": the event sequence")
                        .isEqualTo(String.join("\n", expected));
            }
            if (c.has("openai-response.json")) {
                assertThat(frames.failed()).as(name + ": the stream failed").isFalse();
                ResponsesAccumulator accumulator = new ResponsesAccumulator();
                for (JsonNode frame : frames.data()) {
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

    private static void assertError(ConformanceCase c, Throwable failure) {
        GeminiBalanceException e = ConformanceKit.failure(c, failure);
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

    private record Frames(List<JsonNode> data, boolean failed) {}

    /** The SSE frames' data as JSON; each frame's event name must be its type. */
    private static Frames frames(ResponseStream stream) throws Exception {
        ConformanceKit.Collected<MessageStream.SseFrame> collected = ConformanceKit.collect(stream.sse());
        assertThat(collected.error()).as("the SSE rendering never fails").isNull();
        List<JsonNode> data = new ArrayList<>();
        boolean failed = false;
        for (MessageStream.SseFrame frame : collected.items()) {
            JsonNode json = Json.mapper().readTree(frame.data());
            assertThat(frame.event()).as("the event name").isEqualTo(json.path("type").asText());
            failed |= "error".equals(frame.event());
            data.add(json);
        }
        return new Frames(List.copyOf(data), failed);
    }

    /** {@link #CANONICAL}'s text. */
    static String canonical(JsonNode node) {
        return CANONICAL.text(node);
    }
}
