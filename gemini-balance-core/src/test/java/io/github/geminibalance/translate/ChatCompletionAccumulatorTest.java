package io.github.geminibalance.translate;

import static io.github.geminibalance.translate.GeminiResponseSamples.*;
import static io.github.geminibalance.translate.ResponseFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.openai.ChatCompletionChunk.Delta;
import io.github.geminibalance.openai.ResponseMessage;
import io.github.geminibalance.openai.ToolCall;
import io.github.geminibalance.openai.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatCompletionAccumulatorTest {

    private static ChatCompletion translate(String gemini, ResponseOptions options) {
        return ChatCompletionAccumulator.translate(gemini(gemini), options, CLOCK, seeded());
    }

    @Test
    void d1NonStreamMatchesD14() {
        ChatCompletion completion = translate(D1, options("gemini-2.5-flash"));

        assertThat(tree(completion)).isEqualTo(json("""
            {"id":"chatcmpl-Qm1kZ2VuX3Rlc3RfMDAx","object":"chat.completion","created":1767225600,"model":"gemini-2.5-flash",
             "choices":[{"index":0,"message":{"role":"assistant","content":"The capital of Australia is Canberra.","refusal":null},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":9,"completion_tokens":49,"total_tokens":58,"completion_tokens_details":{"reasoning_tokens":41}}}"""));
    }

    @Test
    void d3Gemini3CallsMakeAToolCallOnlyMessage() {
        ChatCompletion completion = translate(D3_NON_STREAM, options("gemini-3-flash-preview"));

        assertThat(tree(completion.choices())).isEqualTo(json("""
            [{"index":0,"message":{"role":"assistant","content":null,"refusal":null,"tool_calls":[
               {"id":"call_gk2v9x1qa.EqQBCqEBAb4-9vsAmZ1Yk0pQ3cN0","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}},
               {"id":"call_gp7d3m0zs","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Bergen\\"}"}}]},
              "logprobs":null,"finish_reason":"tool_calls"}]"""));
    }

    @Test
    void d3Gemini25TextAndCallsKeepBoth() {
        ChatCompletion completion = translate(D3_25_NON_STREAM, options("gemini-2.5-flash"));

        ResponseMessage message = completion.choices().get(0).message();
        assertThat(message.content()).isEqualTo("Let me check both cities.");
        assertThat(message.toolCalls()).extracting(call -> call.function().name()).containsExactly("get_weather", "get_weather");
        assertThat(message.toolCalls()).extracting(ToolCall::index).containsOnlyNulls();
        assertThat(completion.choices().get(0).finishReason()).isEqualTo("tool_calls");
        assertThat(tree(completion.usage())).isEqualTo(json("""
            {"prompt_tokens":61,"completion_tokens":99,"total_tokens":160,"completion_tokens_details":{"reasoning_tokens":59}}"""));
    }

    @Test
    void d4GroundingNonStreamHasSourcesAndUrlCitations() {
        ChatCompletion completion = translate(D4, new ResponseOptions("gemini-2.5-flash-search", 1, false, true, false));

        assertThat(tree(completion.choices().get(0).message())).isEqualTo(json("""
            {"role":"assistant",
             "content":"The 2024 Tour de France was won by Tadej Pogacar, his third overall victory.\\n\\n**Sources:**\\n\\n- [letour.fr](%s)\\n- [cyclingnews.com](%s)",
             "refusal":null,
             "annotations":[
               {"type":"url_citation","url_citation":{"start_index":0,"end_index":76,"url":"%s","title":"letour.fr"}},
               {"type":"url_citation","url_citation":{"start_index":0,"end_index":76,"url":"%s","title":"cyclingnews.com"}}]}"""
                .formatted(D4_URI_1, D4_URI_2, D4_URI_1, D4_URI_2)));
        assertThat(completion.usage().promptTokens()).isEqualTo(108);
    }

    @Test
    void d5CodeExecutionNonStreamRendersCodeAndOutput() {
        ChatCompletion completion = translate(D5, options("gemini-2.5-flash"));

        assertThat(completion.choices().get(0).message().content()).isEqualTo(D5_CONTENT);
        assertThat(completion.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(tree(completion.usage())).isEqualTo(json("""
            {"prompt_tokens":56,"completion_tokens":104,"total_tokens":160,"completion_tokens_details":{"reasoning_tokens":52}}"""));
    }

    @Test
    void d6ThoughtsGoToReasoningContent() {
        ChatCompletion completion = translate(D6, options("gemini-2.5-pro"));

        assertThat(tree(completion.choices().get(0).message())).isEqualTo(json("""
            {"role":"assistant","content":"221 is not prime: 221 = 13 x 17.","reasoning_content":%s,"refusal":null}"""
                .formatted(tree(D6_THOUGHT))));
        assertThat(completion.usage().completionTokens()).isEqualTo(326);
    }

    @Test
    void thinkingOnlyMaxTokensGivesNullContentAndLength() {
        ChatCompletion completion = translate(THINKING_ONLY_MAX_TOKENS, options("gemini-2.5-flash"));

        assertThat(tree(completion.choices())).isEqualTo(json("""
            [{"index":0,"message":{"role":"assistant","content":null,"refusal":null},"logprobs":null,"finish_reason":"length"}]"""));
        assertThat(tree(completion.usage())).isEqualTo(json("""
            {"prompt_tokens":10,"completion_tokens":64,"total_tokens":74,"completion_tokens_details":{"reasoning_tokens":64}}"""));
    }

    @Test
    void d12BlockedPromptIsARefusalWithNullContent() {
        ChatCompletion completion = translate(D12, options("gemini-2.5-flash"));

        assertThat(tree(completion)).isEqualTo(json("""
            {"id":"chatcmpl-YmxvY2tlZF9kZW1v","object":"chat.completion","created":1767225600,"model":"gemini-2.5-flash",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"The prompt was blocked by Gemini: PROHIBITED_CONTENT"},"logprobs":null,"finish_reason":"content_filter"}],
             "usage":{"prompt_tokens":25,"completion_tokens":0,"total_tokens":25}}"""));
    }

    @Test
    void nonStreamAlwaysCarriesUsageEvenWithoutMetadataOrIncludeUsage() {
        ResponseOptions noUsage = new ResponseOptions("gemini-2.0-flash", 1, false, false, false);
        ChatCompletion completion = translate("""
            {"candidates": [{"content": {"parts": [{"text": "hi"}],"role": "model"},"finishReason": "STOP"}]}""", noUsage);

        assertThat(tree(completion.usage())).isEqualTo(json("""
            {"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}"""));
        assertThat(completion.id()).matches("chatcmpl-[A-Za-z0-9]{24}");
    }

    @Test
    void nonStreamWithTwoCandidatesHasTwoChoicesSortedByIndex() {
        ResponseOptions two = new ResponseOptions("gemini-2.0-flash", 2, false, false, false);
        ChatCompletion completion = translate("""
            {"candidates": [{"content": {"parts": [{"text": "second"}],"role": "model"},"finishReason": "MAX_TOKENS","index": 1},{"content": {"parts": [{"text": "first"}],"role": "model"},"finishReason": "SAFETY","index": 0}],"responseId": "n"}""", two);

        assertThat(completion.choices()).extracting(ChatCompletion.Choice::index).containsExactly(0, 1);
        assertThat(completion.choices()).extracting(c -> c.message().content()).containsExactly("first", "second");
        assertThat(completion.choices()).extracting(ChatCompletion.Choice::finishReason)
                .containsExactly("content_filter", "length");
    }

    @Test
    void candidateMissingFromANonStreamAnswerStillYieldsItsChoice() {
        ResponseOptions two = new ResponseOptions("gemini-2.0-flash", 2, false, false, false);
        ChatCompletion completion = translate("""
            {"candidates": [{"content": {"parts": [{"text": "only one"}],"role": "model"},"finishReason": "STOP","index": 0}]}""", two);

        assertThat(tree(completion.choices().get(1))).isEqualTo(json("""
            {"index":1,"message":{"role":"assistant","content":null,"refusal":null},"logprobs":null,"finish_reason":"stop"}"""));
    }

    @Test
    void accumulatorMergesFragmentedToolCallDeltasByIndex() {
        ChatCompletionAccumulator accumulator = new ChatCompletionAccumulator();
        accumulator.add(chunk(0, new Delta("assistant", null, null, null, List.of(
                new ToolCall(0, "call_a", "function", new ToolCall.FunctionCall("lookup", ""))), null), null));
        accumulator.add(chunk(0, new Delta(null, null, null, null, List.of(
                new ToolCall(1, "call_b", "function", new ToolCall.FunctionCall("other", "{}")),
                new ToolCall(0, null, null, new ToolCall.FunctionCall(null, "{\"q\":"))), null), null));
        accumulator.add(chunk(0, new Delta(null, null, null, null, List.of(
                new ToolCall(0, null, null, new ToolCall.FunctionCall(null, "\"x\"}"))), null), null));
        accumulator.add(chunk(0, Delta.EMPTY, "tool_calls"));

        assertThat(tree(accumulator.result().choices().get(0).message().toolCalls())).isEqualTo(json("""
            [{"id":"call_a","type":"function","function":{"name":"lookup","arguments":"{\\"q\\":\\"x\\"}"}},
             {"id":"call_b","type":"function","function":{"name":"other","arguments":"{}"}}]"""));
    }

    @Test
    void accumulatorConcatenatesTextKeepsRefusalAndTakesTheLastUsage() {
        ChatCompletionAccumulator accumulator = new ChatCompletionAccumulator();
        accumulator.add(chunk(1, new Delta("assistant", "", null, null, null, null), null));
        accumulator.add(chunk(0, new Delta(null, "Hel", "think ", null, null, null), null));
        accumulator.add(chunk(0, new Delta(null, "lo", "more", null, null, null), null));
        accumulator.add(chunk(1, new Delta(null, null, null, "No.", null, null), null));
        accumulator.add(chunk(0, Delta.EMPTY, "stop"));
        accumulator.add(chunk(1, Delta.EMPTY, "content_filter"));
        accumulator.add(new ChatCompletionChunk("id-1", ChatCompletionChunk.OBJECT, 7, "m", List.of(),
                new Usage(1, 2, 3, null, null)));
        accumulator.add(new ChatCompletionChunk("id-1", ChatCompletionChunk.OBJECT, 7, "m", List.of(),
                new Usage(4, 5, 9, null, null)));

        assertThat(tree(accumulator.result())).isEqualTo(json("""
            {"id":"id-1","object":"chat.completion","created":7,"model":"m",
             "choices":[
               {"index":0,"message":{"role":"assistant","content":"Hello","reasoning_content":"think more","refusal":null},"logprobs":null,"finish_reason":"stop"},
               {"index":1,"message":{"role":"assistant","content":null,"refusal":"No."},"logprobs":null,"finish_reason":"content_filter"}],
             "usage":{"prompt_tokens":4,"completion_tokens":5,"total_tokens":9}}"""));
    }

    @Test
    void accumulatorConcatenatesLogprobsTokensAcrossChunksPerChoice() {
        ChatCompletionAccumulator accumulator = new ChatCompletionAccumulator();
        accumulator.add(chunk(0, new Delta("assistant", "", null, null, null, null), null));
        accumulator.add(logprobsChunk(0, "A", """
            {"content":[{"token":"A","logprob":-1.0,"bytes":[65],"top_logprobs":[]}],"refusal":null}"""));
        accumulator.add(chunk(1, new Delta(null, "x", null, null, null, null), null));
        accumulator.add(logprobsChunk(0, "B", """
            {"content":[{"token":"B","logprob":-2.0,"bytes":[66],"top_logprobs":[]}],"refusal":null}"""));
        accumulator.add(chunk(0, Delta.EMPTY, "stop"));
        accumulator.add(chunk(1, Delta.EMPTY, "stop"));

        ChatCompletion result = accumulator.result();
        assertThat(tree(result.choices().get(0).logprobs())).isEqualTo(json("""
            {"content":[{"token":"A","logprob":-1.0,"bytes":[65],"top_logprobs":[]},
                        {"token":"B","logprob":-2.0,"bytes":[66],"top_logprobs":[]}],"refusal":null}"""));
        assertThat(result.choices().get(0).message().content()).isEqualTo("AB");
        assertThat(result.choices().get(1).logprobs()).isNull();
    }

    @Test
    void nonStreamAnswerCarriesTheCandidateLogprobs() {
        ChatCompletion completion = translate("""
            {"candidates": [{"content": {"parts": [{"text": "né"}],"role": "model"},"finishReason": "STOP","index": 0,
              "logprobsResult": {"chosenCandidates": [{"token": "né","logProbability": -0.125}],
                                 "topCandidates": [{"candidates": [{"token": "né","logProbability": -0.125},{"token": "ne","logProbability": -2.25}]}]}}],
             "responseId": "lp"}""", options("gemini-2.0-flash"));

        assertThat(tree(completion.choices().get(0).logprobs())).isEqualTo(json("""
            {"content":[{"token":"né","logprob":-0.125,"bytes":[110,195,169],
              "top_logprobs":[{"token":"né","logprob":-0.125,"bytes":[110,195,169]},{"token":"ne","logprob":-2.25,"bytes":[110,101]}]}],
             "refusal":null}"""));
    }

    private static ChatCompletionChunk logprobsChunk(int index, String content, String logprobs) {
        return new ChatCompletionChunk("id-1", ChatCompletionChunk.OBJECT, 7, "m",
                List.of(new ChatCompletionChunk.Choice(index, new Delta(null, content, null, null, null, null),
                        json(logprobs), null)), null);
    }

    private static ChatCompletionChunk chunk(int index, Delta delta, String finishReason) {
        return new ChatCompletionChunk("id-1", ChatCompletionChunk.OBJECT, 7, "m",
                List.of(new ChatCompletionChunk.Choice(index, delta, null, finishReason)), null);
    }
}
