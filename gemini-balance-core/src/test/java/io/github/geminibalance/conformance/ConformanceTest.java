package io.github.geminibalance.conformance;

import static io.github.geminibalance.conformance.ConformanceKit.CLOCK;
import static io.github.geminibalance.conformance.ConformanceKit.WAIT_SECONDS;
import static io.github.geminibalance.conformance.ConformanceKit.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.ChatStream;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.conformance.ConformanceKit.Canonical;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.translate.ChatCompletionAccumulator;
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
    private static final Pattern RANDOM_CALL_ID = Pattern.compile("^call_r[A-Za-z0-9]{24}");
    /** Top-level id and created left out; the random part of minted tool-call ids as {@code {random}}. */
    private static final Canonical CANONICAL = new Canonical(true, (field, text) -> {
        if (!"id".equals(field)) {
            return text;
        }
        Matcher random = RANDOM_CALL_ID.matcher(text);
        return random.find() ? "call_r{random}" + text.substring(random.end()) : text;
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
        return ConformanceCase.all(ROOT).filter(c -> c.has("gemini-response.json") || c.rejectedBeforeGemini())
                .map(ConformanceCase::name);
    }

    static Stream<String> streamCases() {
        return ConformanceCase.all(ROOT).filter(c -> c.has("gemini-stream.sse") || c.rejectedBeforeGemini())
                .map(ConformanceCase::name);
    }

    @Test
    void everyCaseIsCompleteAndThereAreAtLeastSixty() {
        List<String> names = ConformanceCase.names(ROOT);
        assertThat(names).hasSizeGreaterThanOrEqualTo(60);
        for (String name : names) {
            ConformanceCase c = ConformanceCase.of(ROOT, name);
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
            c.assertCrlfFraming();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonStreamCases")
    void nonStream(String name) throws Exception {
        ConformanceCase c = ConformanceCase.of(ROOT, name);
        ChatCompletionRequest request = c.request(ChatCompletionRequest.class);
        ConformanceKit.answer(fake, c, false);
        try (GeminiBalance gb = ConformanceKit.balance(fake, c)) {
            if (c.has("expected-error.json")) {
                Throwable failure = catchThrowable(() -> gb.chat(request).get(WAIT_SECONDS, TimeUnit.SECONDS));
                assertError(c, failure);
                ConformanceKit.assertGeminiRequests(fake, c, "generateContent", CANONICAL);
                return;
            }
            ChatCompletion answer = gb.chat(request).get(WAIT_SECONDS, TimeUnit.SECONDS);
            ConformanceKit.assertGeminiRequests(fake, c, "generateContent", CANONICAL);
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
        ConformanceCase c = ConformanceCase.of(ROOT, name);
        ChatCompletionRequest written = c.request(ChatCompletionRequest.class);
        ChatCompletionRequest request = written.streamRequested() ? written : written.withStream(true, true);
        ConformanceKit.answer(fake, c, true);
        try (GeminiBalance gb = ConformanceKit.balance(fake, c)) {
            if (c.has("expected-error.json")) {
                Throwable failure = catchThrowable(() -> gb.chatStream(request).get(WAIT_SECONDS, TimeUnit.SECONDS));
                assertError(c, failure);
                ConformanceKit.assertGeminiRequests(fake, c, "streamGenerateContent", CANONICAL);
                return;
            }
            ChatStream stream = gb.chatStream(request).get(WAIT_SECONDS, TimeUnit.SECONDS);
            ConformanceKit.Collected<ChatCompletionChunk> collected = ConformanceKit.collect(stream);
            assertThat(collected.error()).as("stream errors").isNull();
            List<ChatCompletionChunk> chunks = collected.items();
            ConformanceKit.assertGeminiRequests(fake, c, "streamGenerateContent", CANONICAL);

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

    private static void assertError(ConformanceCase c, Throwable failure) {
        GeminiBalanceException e = ConformanceKit.failure(c, failure);
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

    /** {@link #CANONICAL}'s text. */
    static String canonical(JsonNode node) {
        return CANONICAL.text(node);
    }
}
