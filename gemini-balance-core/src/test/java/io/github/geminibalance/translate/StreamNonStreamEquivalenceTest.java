package io.github.geminibalance.translate;

import static io.github.geminibalance.translate.GeminiResponseSamples.*;
import static io.github.geminibalance.translate.ResponseFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.openai.ChatCompletion;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The house rule, checked per fixture: folding the chunks of a streamed answer gives the same
 * chat.completion as translating the equivalent non-stream response (modulo id and created).
 */
class StreamNonStreamEquivalenceTest {

    static Stream<Arguments> pairs() {
        ResponseOptions search = new ResponseOptions("gemini-2.5-flash-search", 1, true, true, false);
        ResponseOptions two = new ResponseOptions("gemini-2.0-flash", 2, true, false, false);
        return Stream.of(
                Arguments.of("D2 text", options("gemini-2.0-flash"), D2_STREAM, D2_NON_STREAM),
                Arguments.of("D3 Gemini 3 calls", options("gemini-3-flash-preview"), D3_STREAM, D3_NON_STREAM),
                Arguments.of("D3 Gemini 2.5 calls", options("gemini-2.5-flash"), D3_25_STREAM, D3_25_NON_STREAM),
                Arguments.of("D4 grounding", search, D4_STREAM, D4),
                Arguments.of("D5 code execution", options("gemini-2.5-flash"), D5_STREAM, D5),
                Arguments.of("D6 thoughts", options("gemini-2.5-pro"), D6_STREAM, D6),
                Arguments.of("thinking-only MAX_TOKENS", options("gemini-2.5-flash"),
                        new String[] {THINKING_ONLY_MAX_TOKENS}, THINKING_ONLY_MAX_TOKENS),
                Arguments.of("D12 blocked", two, new String[] {D12}, D12),
                Arguments.of("n=2", two, TWO_CANDIDATES_STREAM, TWO_CANDIDATES_NON_STREAM));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void accumulatedStreamEqualsNonStreamTranslation(
            String name, ResponseOptions options, String[] events, String nonStream) {
        ChatCompletion streamed = accumulate(stream(options, seeded(), events));
        ChatCompletion direct = ChatCompletionAccumulator.translate(gemini(nonStream), options, CLOCK, seeded());

        assertThat(withoutIdAndCreated(streamed)).isEqualTo(withoutIdAndCreated(direct));
        assertThat(streamed.choices()).hasSize(options.choiceCount());
        assertThat(streamed.choices()).allSatisfy(choice -> assertThat(choice.finishReason()).isNotNull());
    }

    private static ChatCompletion withoutIdAndCreated(ChatCompletion completion) {
        return new ChatCompletion(null, completion.object(), 0, completion.model(), completion.choices(),
                completion.usage());
    }
}
