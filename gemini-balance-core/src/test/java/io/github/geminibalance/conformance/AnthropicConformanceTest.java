package io.github.geminibalance.conformance;

import static io.github.geminibalance.conformance.ConformanceKit.WAIT_SECONDS;
import static io.github.geminibalance.conformance.ConformanceKit.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.MessageStream;
import io.github.geminibalance.MessagesErrors;
import io.github.geminibalance.anthropic.Message;
import io.github.geminibalance.anthropic.MessageRequest;
import io.github.geminibalance.anthropic.StreamEvent;
import io.github.geminibalance.conformance.ConformanceKit.Canonical;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.translate.MessagesAccumulator;
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
    private static final Pattern RANDOM_ID = Pattern.compile("^toolu_r[A-Za-z0-9]{24}");
    /** The random part of minted tool-use ids as {@code {random}}. */
    private static final Canonical CANONICAL = new Canonical(false, (field, text) -> {
        if (!"id".equals(field)) {
            return text;
        }
        Matcher random = RANDOM_ID.matcher(text);
        return random.find() ? "toolu_r{random}" + text.substring(random.end()) : text;
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
            ConformanceCase.of(ROOT, name).assertComplete("anthropic-response.json", "anthropic-stream.jsonl");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonStreamCases")
    void nonStream(String name) throws Exception {
        ConformanceCase c = ConformanceCase.of(ROOT, name);
        MessageRequest request = c.request(MessageRequest.class);
        ConformanceKit.answer(fake, c, false);
        try (GeminiBalance gb = ConformanceKit.balance(fake, c)) {
            if (c.has("expected-error.json")) {
                Throwable failure = catchThrowable(() -> gb.messages(request).get(WAIT_SECONDS, TimeUnit.SECONDS));
                assertError(c, failure);
                ConformanceKit.assertGeminiRequests(fake, c, "generateContent", CANONICAL);
                return;
            }
            Message answer = gb.messages(request).get(WAIT_SECONDS, TimeUnit.SECONDS);
            ConformanceKit.assertGeminiRequests(fake, c, "generateContent", CANONICAL);
            assertThat(canonical(tree(answer))).as(name + ": the message")
                    .isEqualTo(canonical(c.json("anthropic-response.json")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamCases")
    void stream(String name) throws Exception {
        ConformanceCase c = ConformanceCase.of(ROOT, name);
        MessageRequest request = withStream(c.request(MessageRequest.class));
        ConformanceKit.answer(fake, c, true);
        try (GeminiBalance gb = ConformanceKit.balance(fake, c)) {
            if (c.has("expected-error.json")) {
                Throwable failure = catchThrowable(() -> gb.messagesStream(request).get(WAIT_SECONDS, TimeUnit.SECONDS));
                assertError(c, failure);
                ConformanceKit.assertGeminiRequests(fake, c, "streamGenerateContent", CANONICAL);
                return;
            }
            MessageStream stream = gb.messagesStream(request).get(WAIT_SECONDS, TimeUnit.SECONDS);
            ConformanceKit.Collected<StreamEvent> collected = ConformanceKit.collect(stream);
            GeminiBalanceException error = collected.error() == null ? null : GeminiBalanceException.from(collected.error());
            ConformanceKit.assertGeminiRequests(fake, c, "streamGenerateContent", CANONICAL);

            List<String> lines = new ArrayList<>();
            collected.items().forEach(e -> lines.add(canonical(tree(e))));
            if (error != null) {
                lines.add(canonical(tree(StreamEvent.ErrorEvent.of(MessagesErrors.type(error),
                        MessagesErrors.message(error)))));
            }
            if (c.has("anthropic-stream.jsonl")) {
                List<String> expected = c.jsonLines("anthropic-stream.jsonl").stream()
                        .map(AnthropicConformanceTest::canonical).toList();
                assertThat(String.join("\n", lines)).as(name + ": the event sequence")
                        .isEqualTo(String.join("\n", expected));
            }
            if (c.has("anthropic-response.json")) {
                assertThat(error).as(name + ": the stream failed").isNull();
                MessagesAccumulator accumulator = new MessagesAccumulator();
                collected.items().forEach(accumulator::add);
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

    private static void assertError(ConformanceCase c, Throwable failure) {
        GeminiBalanceException e = ConformanceKit.failure(c, failure);
        JsonNode expected = c.json("expected-error.json");
        assertThat(MessagesErrors.status(e)).as(c.name() + ": status (" + e.getMessage() + ")")
                .isEqualTo(expected.path("status").intValue());
        assertThat(MessagesErrors.type(e)).as(c.name() + ": type (" + e.getMessage() + ")")
                .isEqualTo(expected.path("type").asText());
        if (expected.has("message_contains")) {
            assertThat(MessagesErrors.message(e)).contains(expected.get("message_contains").asText());
        }
    }

    /** {@link #CANONICAL}'s text. */
    static String canonical(JsonNode node) {
        return CANONICAL.text(node);
    }
}
