package io.github.geminibalance.translate;

import static io.github.geminibalance.translate.GeminiResponseSamples.*;
import static io.github.geminibalance.translate.ResponseFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.openai.ToolCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatStreamTranslatorTest {

    private static final ResponseOptions FLASH_20 = options("gemini-2.0-flash");
    private static final ResponseOptions FLASH_3 = options("gemini-3-flash-preview");

    @Test
    void d2TextStreamBecomesRoleChunkContentDeltasStopAndUsage() {
        List<ChatCompletionChunk> chunks = stream(FLASH_20, seeded(), D2_STREAM);

        assertThat(tree(chunks)).isEqualTo(json("""
            [
             {"id":"chatcmpl-c3RyZWFtX2RlbW9fMDI","object":"chat.completion.chunk","created":1767225600,"model":"gemini-2.0-flash",
              "choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]},
             {"id":"chatcmpl-c3RyZWFtX2RlbW9fMDI","object":"chat.completion.chunk","created":1767225600,"model":"gemini-2.0-flash",
              "choices":[{"index":0,"delta":{"content":"Rayleigh scattering"},"logprobs":null,"finish_reason":null}]},
             {"id":"chatcmpl-c3RyZWFtX2RlbW9fMDI","object":"chat.completion.chunk","created":1767225600,"model":"gemini-2.0-flash",
              "choices":[{"index":0,"delta":{"content":" makes short blue wavelengths bounce around the"},"logprobs":null,"finish_reason":null}]},
             {"id":"chatcmpl-c3RyZWFtX2RlbW9fMDI","object":"chat.completion.chunk","created":1767225600,"model":"gemini-2.0-flash",
              "choices":[{"index":0,"delta":{"content":" sky far more than red ones."},"logprobs":null,"finish_reason":null}]},
             {"id":"chatcmpl-c3RyZWFtX2RlbW9fMDI","object":"chat.completion.chunk","created":1767225600,"model":"gemini-2.0-flash",
              "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]},
             {"id":"chatcmpl-c3RyZWFtX2RlbW9fMDI","object":"chat.completion.chunk","created":1767225600,"model":"gemini-2.0-flash",
              "choices":[],"usage":{"prompt_tokens":8,"completion_tokens":17,"total_tokens":25}}
            ]"""));
    }

    @Test
    void d3Gemini3ParallelCallsOnePerEventMatchD13() {
        List<ChatCompletionChunk> chunks = stream(FLASH_3, seeded(), D3_STREAM);

        // D13, with ids that carry the Gemini id and the signature (ToolCallIds)
        assertThat(tree(chunks)).isEqualTo(json("""
            [
             {"id":"chatcmpl-ZnVuY19jYWxsX2RlbW8","object":"chat.completion.chunk","created":1767225600,"model":"gemini-3-flash-preview",
              "choices":[{"index":0,"delta":{"role":"assistant"},"logprobs":null,"finish_reason":null}]},
             {"id":"chatcmpl-ZnVuY19jYWxsX2RlbW8","object":"chat.completion.chunk","created":1767225600,"model":"gemini-3-flash-preview",
              "choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_gk2v9x1qa.EqQBCqEBAb4-9vsAmZ1Yk0pQ3cN0","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},"logprobs":null,"finish_reason":null}]},
             {"id":"chatcmpl-ZnVuY19jYWxsX2RlbW8","object":"chat.completion.chunk","created":1767225600,"model":"gemini-3-flash-preview",
              "choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_gp7d3m0zs","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Bergen\\"}"}}]},"logprobs":null,"finish_reason":null}]},
             {"id":"chatcmpl-ZnVuY19jYWxsX2RlbW8","object":"chat.completion.chunk","created":1767225600,"model":"gemini-3-flash-preview",
              "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]},
             {"id":"chatcmpl-ZnVuY19jYWxsX2RlbW8","object":"chat.completion.chunk","created":1767225600,"model":"gemini-3-flash-preview",
              "choices":[],"usage":{"prompt_tokens":74,"completion_tokens":72,"total_tokens":146,"completion_tokens_details":{"reasoning_tokens":42}}}
            ]"""));
    }

    @Test
    void d3Gemini25BothCallsInOneEventGetOrdinalsAfterTextAndRandomIds() {
        List<ChatCompletionChunk> chunks = stream(options("gemini-2.5-flash"), seeded(), D3_25_STREAM);

        assertThat(choicesOf(chunks).get(1)).isEqualTo(json("""
            {"index":0,"delta":{"content":"Let me check both cities."},"logprobs":null,"finish_reason":null}"""));
        List<ToolCall> calls = chunks.get(2).choices().get(0).delta().toolCalls();
        assertThat(calls).extracting(ToolCall::index).containsExactly(0, 1);
        assertThat(calls).extracting(call -> call.function().arguments())
                .containsExactly("{\"city\":\"Oslo\"}", "{\"city\":\"Bergen\"}");
        assertThat(calls).extracting(ToolCall::id).allMatch(id -> id.matches("call_r[A-Za-z0-9]{24}"))
                .doesNotHaveDuplicates();
        assertThat(calls).extracting(ToolCall::type).containsOnly("function");
        assertThat(choicesOf(chunks).get(3)).isEqualTo(json("""
            {"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}"""));
    }

    @Test
    void toolCallIndexIsTheCallOrdinalNotThePartIndex() {
        List<ChatCompletionChunk> chunks = stream(FLASH_3, seeded(), """
            {"candidates": [{"content": {"parts": [{"text": "Checking."},{"functionCall": {"name": "a","args": {},"id": "id1"}},{"text": " And:"},{"functionCall": {"name": "b","id": "id2"}}],"role": "model"},"index": 0}],"responseId": "r1"}""", """
            {"candidates": [{"content": {"parts": [{"functionCall": {"name": "c","args": {"x": [1, 2]},"id": "id3"}}],"role": "model"},"finishReason": "STOP","index": 0}],"responseId": "r1"}""");

        assertThat(choicesOf(chunks)).isEqualTo(json("""
            [
             {"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"content":"Checking."},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_gid1","type":"function","function":{"name":"a","arguments":"{}"}}]},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"content":" And:"},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_gid2","type":"function","function":{"name":"b","arguments":"{}"}}]},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"tool_calls":[{"index":2,"id":"call_gid3","type":"function","function":{"name":"c","arguments":"{\\"x\\":[1,2]}"}}]},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"},
             "usage"
            ]"""));
    }

    @Test
    void emittedToolCallIdsDecodeBackToGeminiIdAndSignature() {
        String signature = "CiQBjz1rX2hXb3V0c2lkZV9zaWduYXR1cmVfYnl0ZXM/Pz8+Pg==";
        List<ChatCompletionChunk> chunks = stream(FLASH_3, seeded(), """
            {"candidates": [{"content": {"parts": [{"functionCall": {"name": "f","args": {"q": 1},"id": "3ae8iwca"},"thoughtSignature": "%s"},{"functionCall": {"name": "g","args": {}}}],"role": "model"},"finishReason": "STOP","index": 0}],"responseId": "rt"}"""
                .formatted(signature));

        List<ToolCall> calls = chunks.get(1).choices().get(0).delta().toolCalls();
        assertThat(ToolCallIds.decode(calls.get(0).id()))
                .isEqualTo(new ToolCallIds.Decoded("3ae8iwca", signature));
        assertThat(ToolCallIds.decode(calls.get(1).id())).isEqualTo(new ToolCallIds.Decoded(null, null));
        assertThat(calls.get(0).id()).doesNotContain("+", "/", "=");
    }

    @Test
    void signatureOnATextPartIsNotAttachedToACall() {
        // documented rule: a call carries only the signature of its own functionCall part
        List<ChatCompletionChunk> chunks = stream(FLASH_3, seeded(), """
            {"candidates": [{"content": {"parts": [{"text": "Sure.","thoughtSignature": "%s"},{"functionCall": {"name": "f","id": "c1"}}],"role": "model"},"finishReason": "STOP","index": 0}],"responseId": "rt"}"""
                .formatted(SIGNATURE));

        ToolCall call = chunks.get(2).choices().get(0).delta().toolCalls().get(0);
        assertThat(call.id()).isEqualTo("call_gc1");
    }

    @Test
    void thoughtPartsStreamAsReasoningContentNeverContent() {
        List<ChatCompletionChunk> chunks = stream(options("gemini-2.5-pro"), seeded(), D6_STREAM);

        assertThat(choicesOf(chunks)).isEqualTo(json("""
            [
             {"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"reasoning_content":"**Checking divisibility**\\n\\nI tried the small primes up to the square root of 221 and found 13 divides it evenly.\\n"},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"content":"221 is not prime: 221 = 13 x 17."},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"},
             "usage"
            ]"""));
        assertThat(chunks.get(chunks.size() - 1).usage().completionTokensDetails().reasoningTokens()).isEqualTo(312);
    }

    @Test
    void thoughtImagesAreDroppedAndSignatureOnlyPartsProduceNothing() {
        ChatStreamTranslator translator = new ChatStreamTranslator(FLASH_3, CLOCK, seeded());

        List<ChatCompletionChunk> chunks = translator.onEvent(gemini("""
            {"candidates": [{"content": {"parts": [{"inlineData": {"mimeType": "image/png","data": "iVBORw0KGgo="},"thought": true},{"thoughtSignature": "%s"}],"role": "model"},"index": 0}],"responseId": "x"}"""
                .formatted(SIGNATURE)));

        assertThat(chunks).isEmpty();
        assertThat(translator.producedOutput()).isFalse();
    }

    @Test
    void emptyTextsAndCandidatesWithoutPartsEmitNothing() {
        ChatStreamTranslator translator = new ChatStreamTranslator(FLASH_20, CLOCK, seeded());

        assertThat(translator.onEvent(gemini("""
            {"candidates": [{"content": {"parts": [{"text": ""}],"role": "model"},"index": 0}],"responseId": "e"}"""))).isEmpty();
        assertThat(translator.onEvent(gemini("""
            {"candidates": [{"content": {"role": "model"},"index": 0}],"responseId": "e"}"""))).isEmpty();
        assertThat(translator.onEvent(gemini("""
            {"candidates": [{"index": 0}],"responseId": "e"}"""))).isEmpty();
        assertThat(translator.producedOutput()).isFalse();
        assertThat(translator.finished()).isFalse();
    }

    @Test
    void thinkingOnlyMaxTokensWithoutPartsFinishesWithLength() {
        ChatStreamTranslator translator = new ChatStreamTranslator(options("gemini-2.5-flash"), CLOCK, seeded());

        List<ChatCompletionChunk> chunks = translator.onEvent(gemini(THINKING_ONLY_MAX_TOKENS));

        assertThat(choicesOf(chunks)).isEqualTo(json("""
            [
             {"index":0,"delta":{"role":"assistant"},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}
            ]"""));
        assertThat(translator.finished()).isTrue();
        assertThat(tree(translator.usage())).isEqualTo(json("""
            {"prompt_tokens":10,"completion_tokens":64,"total_tokens":74,"completion_tokens_details":{"reasoning_tokens":64}}"""));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "STOP, stop",
        "MAX_TOKENS, length",
        "SAFETY, content_filter",
        "RECITATION, content_filter",
        "LANGUAGE, content_filter",
        "BLOCKLIST, content_filter",
        "PROHIBITED_CONTENT, content_filter",
        "SPII, content_filter",
        "IMAGE_SAFETY, content_filter",
        "IMAGE_PROHIBITED_CONTENT, content_filter",
        "IMAGE_RECITATION, content_filter",
        "MALFORMED_FUNCTION_CALL, stop",
        "UNEXPECTED_TOOL_CALL, stop",
        "TOO_MANY_TOOL_CALLS, stop",
        "MISSING_THOUGHT_SIGNATURE, stop",
        "OTHER, stop",
        "FINISH_REASON_UNSPECIFIED, stop",
        "NO_IMAGE, stop",
        "IMAGE_OTHER, stop",
        "SOMETHING_GOOGLE_ADDS_NEXT_YEAR, stop"
    })
    void finishReasonMapping(String gemini, String openai) {
        List<ChatCompletionChunk> chunks = stream(FLASH_20, seeded(), """
            {"candidates": [{"content": {"parts": [{"text": "x"}],"role": "model"},"finishReason": "%s","index": 0}],"responseId": "f"}"""
                .formatted(gemini));

        assertThat(chunks.get(2).choices().get(0).finishReason()).isEqualTo(openai);
        assertThat(chunks.stream().flatMap(c -> c.choices().stream())
                .filter(c -> c.finishReason() != null)).hasSize(1);
    }

    @Test
    void anyEmittedToolCallMakesTheFinishToolCallsWhateverGeminiSaid() {
        List<ChatCompletionChunk> chunks = stream(FLASH_3, seeded(), """
            {"candidates": [{"content": {"parts": [{"functionCall": {"name": "f","id": "a"}}],"role": "model"},"index": 0}],"responseId": "t"}""", """
            {"candidates": [{"content": {"parts": [{"text": ""}],"role": "model"},"finishReason": "MAX_TOKENS","index": 0}],"responseId": "t"}""");

        assertThat(chunks.get(2).choices().get(0).finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void textInTheFinishingEventComesBeforeTheFinishChunk() {
        ChatStreamTranslator translator = new ChatStreamTranslator(FLASH_20, CLOCK, seeded());

        List<ChatCompletionChunk> chunks = translator.onEvent(gemini("""
            {"candidates": [{"content": {"parts": [{"text": "Done."}],"role": "model"},"finishReason": "STOP","index": 0}],"responseId": "d"}"""));

        assertThat(choicesOf(chunks)).isEqualTo(json("""
            [
             {"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"content":"Done."},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}
            ]"""));
        assertThat(translator.onComplete()).extracting(ChatCompletionChunk::choices).containsExactly(List.of());
    }

    @Test
    void codeExecutionIsRenderedAsFencedBlocksWhileStreaming() {
        List<ChatCompletionChunk> chunks = stream(options("gemini-2.5-flash"), seeded(), D5_STREAM);

        assertThat(choicesOf(chunks).findValuesAsText("content")).containsExactly(
                "",
                "I'll compute it with Python.",
                "\n```python\nprint(sum(i*i for i in range(1, 11)))\n```\n",
                "\n```output\n385\n```\n",
                "The sum of the squares of 1 through 10 is 385.");
    }

    @Test
    void failedCodeExecutionShowsTheOutcomeAndUnspecifiedLanguageHasNoInfoString() {
        List<ChatCompletionChunk> chunks = stream(options("gemini-2.5-flash"), seeded(), """
            {"candidates": [{"content": {"parts": [{"executableCode": {"language": "LANGUAGE_UNSPECIFIED","code": "1/0"}},{"codeExecutionResult": {"outcome": "OUTCOME_FAILED","output": "ZeroDivisionError: division by zero\\n"}},{"codeExecutionResult": {"outcome": "OUTCOME_DEADLINE_EXCEEDED"}}],"role": "model"},"finishReason": "STOP","index": 0}],"responseId": "c"}""");

        assertThat(chunks.get(1).choices().get(0).delta().content()).isEqualTo(
                "\n```\n1/0\n```\n"
                + "\n```output\nZeroDivisionError: division by zero\n```\nOutcome: OUTCOME_FAILED\n"
                + "\n```output\n```\nOutcome: OUTCOME_DEADLINE_EXCEEDED\n");
    }

    @Test
    void inlineImagesBecomeMarkdownDataUrlsAndTheDeltasImages() {
        List<ChatCompletionChunk> chunks = stream(options("gemini-2.5-flash-image"), seeded(), """
            {"candidates": [{"content": {"parts": [{"text": "Here it is:"},{"inlineData": {"mimeType": "image/png","data": "iVBORw0KGgoAAAANSUhEUg=="}}],"role": "model"},"finishReason": "STOP","index": 0}],"responseId": "i"}""");

        assertThat(chunks.get(1).choices().get(0).delta().content()).isEqualTo("Here it is:");
        assertThat(chunks.get(1).choices().get(0).delta().images()).isNull();
        // the image is a delta of its own: markdown for every chat app, images[] for those that read it
        assertThat(tree(chunks.subList(2, 3)).findValues("delta").get(0).toString()).isEqualTo(
                "{\"content\":\"![image](data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==)\",\"images\":[{\"type\":"
                        + "\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==\"}}]}");

        io.github.geminibalance.openai.ChatCompletion folded = accumulate(chunks);
        assertThat(folded.choices().get(0).message().content())
                .isEqualTo("Here it is:![image](data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==)");
        assertThat(folded.choices().get(0).message().images()).singleElement()
                .satisfies(i -> assertThat(i.imageUrl().url()).isEqualTo("data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="));
    }

    @Test
    void eachCandidateIsItsOwnChoiceWithRoleOrdinalsAndFinish() {
        ResponseOptions two = new ResponseOptions("gemini-3-flash-preview", 2, false, false, false);
        List<ChatCompletionChunk> chunks = stream(two, seeded(), """
            {"candidates": [{"content": {"parts": [{"functionCall": {"name": "f","id": "a0"}}],"role": "model"},"index": 0},{"content": {"parts": [{"text": "No call."}],"role": "model"},"index": 1}],"responseId": "n2"}""", """
            {"candidates": [{"content": {"parts": [{"text": ""}],"role": "model"},"finishReason": "STOP","index": 1},{"content": {"parts": [{"functionCall": {"name": "g","id": "a1"}}],"role": "model"},"finishReason": "STOP","index": 0}],"responseId": "n2"}""");

        assertThat(tree(chunks).findValues("choices").stream().map(Object::toString).toList()).containsExactly(
                "[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"logprobs\":null,\"finish_reason\":null}]",
                "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_ga0\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},\"logprobs\":null,\"finish_reason\":null}]",
                "[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]",
                "[{\"index\":1,\"delta\":{\"content\":\"No call.\"},\"logprobs\":null,\"finish_reason\":null}]",
                "[{\"index\":1,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]",
                "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_ga1\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]},\"logprobs\":null,\"finish_reason\":null}]",
                "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]");
    }

    @Test
    void candidateWithoutIndexUsesItsPosition() {
        ResponseOptions two = new ResponseOptions("gemini-1.5-flash", 2, false, false, false);
        List<ChatCompletionChunk> chunks = stream(two, seeded(), """
            {"candidates": [{"content": {"parts": [{"text": "A"}],"role": "model"},"finishReason": "STOP"},{"content": {"parts": [{"text": "B"}],"role": "model"},"finishReason": "STOP"}],"responseId": "old"}""");

        assertThat(chunks).extracting(c -> c.choices().get(0).index()).containsExactly(0, 0, 0, 1, 1, 1);
        assertThat(chunks.get(4).choices().get(0).delta().content()).isEqualTo("B");
    }

    @Test
    void d12BlockedPromptBecomesRefusalWithContentFilter() {
        ChatStreamTranslator translator = new ChatStreamTranslator(options("gemini-2.5-flash"), CLOCK, seeded());

        List<ChatCompletionChunk> chunks = new ArrayList<>(translator.onEvent(gemini(D12)));
        assertThat(translator.finished()).isTrue();
        assertThat(translator.producedOutput()).isTrue();
        chunks.addAll(translator.onComplete());

        assertThat(tree(chunks)).isEqualTo(json("""
            [
             {"id":"chatcmpl-YmxvY2tlZF9kZW1v","object":"chat.completion.chunk","created":1767225600,"model":"gemini-2.5-flash",
              "choices":[{"index":0,"delta":{"role":"assistant"},"logprobs":null,"finish_reason":null}]},
             {"id":"chatcmpl-YmxvY2tlZF9kZW1v","object":"chat.completion.chunk","created":1767225600,"model":"gemini-2.5-flash",
              "choices":[{"index":0,"delta":{"refusal":"The prompt was blocked by Gemini: PROHIBITED_CONTENT"},"logprobs":null,"finish_reason":null}]},
             {"id":"chatcmpl-YmxvY2tlZF9kZW1v","object":"chat.completion.chunk","created":1767225600,"model":"gemini-2.5-flash",
              "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"content_filter"}]},
             {"id":"chatcmpl-YmxvY2tlZF9kZW1v","object":"chat.completion.chunk","created":1767225600,"model":"gemini-2.5-flash",
              "choices":[],"usage":{"prompt_tokens":25,"completion_tokens":0,"total_tokens":25}}
            ]"""));
    }

    @Test
    void blockedPromptAnswersEveryRequestedChoiceAndQuotesTheMessage() {
        ResponseOptions two = new ResponseOptions("gemini-2.5-flash", 2, false, false, false);
        List<ChatCompletionChunk> chunks = stream(two, seeded(), """
            {"promptFeedback": {"blockReason": "A_NEW_BLOCK_REASON","blockReasonMessage": "Your prompt was flagged."},"responseId": "b2"}""");

        assertThat(chunks).extracting(c -> c.choices().get(0).index()).containsExactly(0, 0, 0, 1, 1, 1);
        assertThat(chunks.get(4).choices().get(0).delta().refusal())
                .isEqualTo("The prompt was blocked by Gemini: A_NEW_BLOCK_REASON. Your prompt was flagged.");
        assertThat(chunks.get(5).choices().get(0).finishReason()).isEqualTo("content_filter");
    }

    @Test
    void emptyCandidateListWithoutBlockReasonEmitsNothing() {
        ChatStreamTranslator translator = new ChatStreamTranslator(FLASH_20, CLOCK, seeded());

        assertThat(translator.onEvent(gemini("""
            {"candidates": [],"promptFeedback": {"safetyRatings": []},"usageMetadata": {"promptTokenCount": 3,"totalTokenCount": 3},"responseId": "e"}"""))).isEmpty();
        assertThat(translator.onEvent(gemini("""
            {"usageMetadata": {"promptTokenCount": 3,"totalTokenCount": 3},"responseId": "e"}"""))).isEmpty();
        assertThat(translator.finished()).isFalse();
        assertThat(translator.producedOutput()).isFalse();
        assertThat(translator.usage().promptTokens()).isEqualTo(3);
    }

    @Test
    void onCompleteFinishesAnUnfinishedChoiceWithStopThenUsage() {
        ChatStreamTranslator translator = new ChatStreamTranslator(FLASH_20, CLOCK, seeded());
        translator.onEvent(gemini(D2_STREAM[0]));
        assertThat(translator.finished()).isFalse();

        List<ChatCompletionChunk> end = translator.onComplete();

        assertThat(choicesOf(end)).isEqualTo(json("""
            [{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}, "usage"]"""));
        assertThat(tree(end.get(1).usage())).isEqualTo(json("""
            {"prompt_tokens":8,"completion_tokens":0,"total_tokens":8}"""));
    }

    @Test
    void onCompleteUsesToolCallsWhenTheChoiceCalledAndNoFinishCame() {
        ChatStreamTranslator translator = new ChatStreamTranslator(FLASH_3, CLOCK, seeded());
        translator.onEvent(gemini(D3_STREAM[0]));

        assertThat(translator.onComplete().get(0).choices().get(0).finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void onCompleteWithoutIncludeUsageEmitsNoUsageChunk() {
        ResponseOptions noUsage = new ResponseOptions("gemini-2.0-flash", 1, false, false, false);
        List<ChatCompletionChunk> chunks = stream(noUsage, seeded(), D2_STREAM);

        assertThat(chunks).hasSize(5).allSatisfy(c -> assertThat(c.usage()).isNull());
    }

    @Test
    void onCompleteWithoutAnyEventStillEndsEveryRequestedChoice() {
        ResponseOptions two = new ResponseOptions("gemini-2.0-flash", 2, true, false, false);
        ChatStreamTranslator translator = new ChatStreamTranslator(two, CLOCK, seeded());

        List<ChatCompletionChunk> end = translator.onComplete();

        assertThat(choicesOf(end)).isEqualTo(json("""
            [
             {"index":0,"delta":{"role":"assistant"},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"},
             {"index":1,"delta":{"role":"assistant"},"logprobs":null,"finish_reason":null},
             {"index":1,"delta":{},"logprobs":null,"finish_reason":"stop"},
             "usage"
            ]"""));
        assertThat(tree(end.get(4).usage())).isEqualTo(json("""
            {"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}"""));
        assertThat(end).extracting(ChatCompletionChunk::id).doesNotContainNull().containsOnly(end.get(0).id());
    }

    @Test
    void onCompleteIsIdempotentAndNoEventIsAcceptedAfterIt() {
        ChatStreamTranslator translator = new ChatStreamTranslator(FLASH_20, CLOCK, seeded());
        translator.onEvent(gemini(D2_STREAM[0]));
        assertThat(translator.onComplete()).isNotEmpty();

        assertThat(translator.onComplete()).isEmpty();
        assertThatThrownBy(() -> translator.onEvent(gemini(D2_STREAM[1])))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after onComplete");
    }

    @Test
    void everyChunkCarriesIdObjectCreatedAndTheRequestedModel() {
        // the client asked for an alias; Gemini's modelVersion must not leak into the chunks
        ResponseOptions alias = new ResponseOptions("my-alias-search", 1, true, true, false);
        List<ChatCompletionChunk> chunks = stream(alias, seeded(), D4_STREAM);

        assertThat(chunks).hasSizeGreaterThan(4).allSatisfy(chunk -> {
            assertThat(chunk.id()).isEqualTo("chatcmpl-Z3JvdW5kZWRfZGVtbw");
            assertThat(chunk.object()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.created()).isEqualTo(CREATED);
            assertThat(chunk.model()).isEqualTo("my-alias-search");
            assertThat(chunk.choices()).isNotNull();
        });
    }

    @Test
    void missingResponseIdMintsOneRandomIdForTheWholeStream() {
        List<ChatCompletionChunk> chunks = stream(FLASH_20, seeded(), """
            {"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0}]}""", """
            {"candidates": [{"content": {"parts": [{"text": "b"}],"role": "model"},"finishReason": "STOP","index": 0}],"responseId": "late"}""");

        assertThat(chunks.get(0).id()).matches("chatcmpl-[A-Za-z0-9]{24}");
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
    }

    @Test
    void usageCountsToolUseAsPromptThoughtsAsCompletionAndCachedTokens() {
        ChatStreamTranslator translator = new ChatStreamTranslator(FLASH_20, CLOCK, seeded());

        translator.onEvent(gemini(D4));
        assertThat(tree(translator.usage())).isEqualTo(json("""
            {"prompt_tokens":108,"completion_tokens":79,"total_tokens":187,"completion_tokens_details":{"reasoning_tokens":60}}"""));

        translator.onEvent(gemini("""
            {"usageMetadata": {"promptTokenCount": 1200,"candidatesTokenCount": 30,"cachedContentTokenCount": 1024},"responseId": "u"}"""));
        assertThat(tree(translator.usage())).isEqualTo(json("""
            {"prompt_tokens":1200,"completion_tokens":30,"total_tokens":1230,"prompt_tokens_details":{"cached_tokens":1024}}"""));
    }

    @Test
    void usageIsNullUntilGeminiReportsAnyAndTheLastReportWins() {
        ChatStreamTranslator translator = new ChatStreamTranslator(FLASH_20, CLOCK, seeded());
        assertThat(translator.usage()).isNull();

        translator.onEvent(gemini("""
            {"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 7,"totalTokenCount": 7}}"""));
        translator.onEvent(gemini("""
            {"candidates": [{"content": {"parts": [{"text": "b"}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 6,"candidatesTokenCount": 2,"totalTokenCount": 8}}"""));

        assertThat(tree(translator.usage())).isEqualTo(json("""
            {"prompt_tokens":6,"completion_tokens":2,"total_tokens":8}"""));
    }

    @Test
    void unknownEnumValuesAndFieldsNeverThrow() {
        List<ChatCompletionChunk> chunks = stream(FLASH_3, seeded(), """
            {"candidates": [{"content": {"parts": [{"text": "ok","futurePart": {"x": 1}},{"executableCode": {"language": "KOTLIN","code": "1"}},{"codeExecutionResult": {"outcome": "OUTCOME_NEW","output": "1"}},{"videoMetadata": {}}],"role": "model"},"finishReason": "BRAND_NEW_REASON","index": 0,"safetyRatings": [{"category": "HARM_CATEGORY_NEW","probability": "SOMEWHAT"}],"avgLogprobs": -0.1}],"turnToken": "zzz","usageMetadata": {"promptTokenCount": 1,"totalTokenCount": 2,"trafficType": "ON_DEMAND"},"responseId": "u"}""");

        assertThat(chunks.get(1).choices().get(0).delta().content())
                .isEqualTo("ok\n```kotlin\n1\n```\n\n```output\n1\n```\nOutcome: OUTCOME_NEW\n");
        assertThat(chunks.get(2).choices().get(0).finishReason()).isEqualTo("stop");
    }

    @Test
    void partsAfterAChoiceFinishedAreIgnored() {
        List<ChatCompletionChunk> chunks = stream(FLASH_20, seeded(), """
            {"candidates": [{"content": {"parts": [{"text": "end"}],"role": "model"},"finishReason": "STOP","index": 0}]}""", """
            {"candidates": [{"content": {"parts": [{"text": "stray"}],"role": "model"},"finishReason": "STOP","index": 0}]}""");

        assertThat(choicesOf(chunks).findValuesAsText("content")).containsExactly("", "end");
        assertThat(chunks).filteredOn(c -> !c.choices().isEmpty() && c.choices().get(0).finishReason() != null)
                .hasSize(1);
    }

    @Test
    void d4SearchStreamAppendsSourcesAndCitationsBeforeTheFinish() {
        ResponseOptions search = new ResponseOptions("gemini-2.5-flash-search", 1, false, true, false);
        List<ChatCompletionChunk> chunks = stream(search, seeded(), D4_STREAM);

        assertThat(choicesOf(chunks)).isEqualTo(json("""
            [
             {"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"content":"The 2024 Tour de France was won by "},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"content":"Tadej Pogacar, his third overall victory."},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"content":"\\n\\n**Sources:**\\n\\n- [letour.fr](https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXq3example1)\\n- [cyclingnews.com](https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXq3example2)",
                "annotations":[
                  {"type":"url_citation","url_citation":{"start_index":0,"end_index":76,"url":"https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXq3example1","title":"letour.fr"}},
                  {"type":"url_citation","url_citation":{"start_index":0,"end_index":76,"url":"https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXq3example2","title":"cyclingnews.com"}}]},
              "logprobs":null,"finish_reason":null},
             {"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}
            ]"""));
    }

    @Test
    void groundingIsIgnoredWhenSearchIsOff() {
        List<ChatCompletionChunk> chunks = stream(options("gemini-2.5-flash"), seeded(), D4_STREAM);

        assertThat(choicesOf(chunks).findValues("annotations")).isEmpty();
        assertThat(choicesOf(chunks).findValuesAsText("content")).noneMatch(c -> c.contains("Sources"));
    }

    @Test
    void groundingByteOffsetsBecomeCodePointOffsetsInTheContent() {
        // "Café 🚀 opens at 9." is 22 UTF-8 bytes, 18 code points, 19 UTF-16 units; "Zürich ☕ is next." starts at byte 23
        ResponseOptions search = new ResponseOptions("m", 1, false, true, false);
        List<ChatCompletionChunk> chunks = stream(search, seeded(), """
            {"candidates": [{"content": {"parts": [{"text": "Café 🚀 opens at 9. "}],"role": "model"},"index": 0}]}""", """
            {"candidates": [{"content": {"parts": [{"executableCode": {"language": "PYTHON","code": "9"}},{"text": "Zürich ☕ is next."}],"role": "model"},"finishReason": "STOP","index": 0,"groundingMetadata": {"groundingChunks": [{"web": {"uri": "https://a.example/1","title": "a.example"}},{"web": {"uri": "https://b.example/2"}}],"groundingSupports": [{"segment": {"startIndex": 0,"endIndex": 22,"text": "Café 🚀 opens at 9."},"groundingChunkIndices": [0]},{"segment": {"startIndex": 23,"endIndex": 43,"text": "Zürich ☕ is next."},"groundingChunkIndices": [1, 7]}]}}]}""");

        ChatCompletionChunk.Delta sources = chunks.get(chunks.size() - 2).choices().get(0).delta();
        String code = "\n```python\n9\n```\n";
        int zurich = 19 + code.length(); // the code block sits between the two text parts
        assertThat(tree(sources.annotations())).isEqualTo(json("""
            [
             {"type":"url_citation","url_citation":{"start_index":0,"end_index":18,"url":"https://a.example/1","title":"a.example"}},
             {"type":"url_citation","url_citation":{"start_index":%d,"end_index":%d,"url":"https://b.example/2","title":"https://b.example/2"}}
            ]""".formatted(zurich, zurich + 17)));
        String content = accumulate(chunks).choices().get(0).message().content();
        int[] codePoints = content.codePoints().toArray();
        assertThat(new String(codePoints, zurich, 17)).isEqualTo("Zürich ☕ is next.");
        assertThat(sources.content()).isEqualTo(
                "\n\n**Sources:**\n\n- [a.example](https://a.example/1)\n- [https://b.example/2](https://b.example/2)");
    }

    @Test
    void groundingSegmentWithPartIndexIsReadWithinThatPart() {
        ResponseOptions search = new ResponseOptions("m", 1, false, true, false);
        List<ChatCompletionChunk> chunks = stream(search, seeded(), """
            {"candidates": [{"content": {"parts": [{"text": "First part. "},{"text": "Second part."}],"role": "model"},"finishReason": "STOP","index": 0,"groundingMetadata": {"groundingChunks": [{"web": {"uri": "https://s.example","title": "s.example"}}],"groundingSupports": [{"segment": {"partIndex": 1,"startIndex": 7,"endIndex": 11,"text": "part"},"groundingChunkIndices": [0]}]}}]}""");

        assertThat(tree(chunks.get(2).choices().get(0).delta().annotations())).isEqualTo(json("""
            [{"type":"url_citation","url_citation":{"start_index":19,"end_index":23,"url":"https://s.example","title":"s.example"}}]"""));
    }

    @Test
    void duplicateSourcesAreListedOnceAndRepeatedMetadataIsNotDoubled() {
        ResponseOptions search = new ResponseOptions("m", 1, false, true, false);
        String grounding = """
            "groundingMetadata": {"groundingChunks": [{"web": {"uri": "https://x.example","title": "x [docs]"}},{"web": {"uri": "https://x.example","title": "x [docs]"}},{"retrievedContext": {"uri": "gs://bucket/doc"}}],"groundingSupports": [{"segment": {"endIndex": 2},"groundingChunkIndices": [0, 2]}]}""";
        List<ChatCompletionChunk> chunks = stream(search, seeded(), """
            {"candidates": [{"content": {"parts": [{"text": "Hi"}],"role": "model"},"index": 0,%s}]}""".formatted(grounding), """
            {"candidates": [{"content": {"parts": [{"text": "!"}],"role": "model"},"finishReason": "STOP","index": 0,%s}]}""".formatted(grounding));

        ChatCompletionChunk.Delta sources = chunks.get(3).choices().get(0).delta();
        assertThat(sources.content()).isEqualTo("\n\n**Sources:**\n\n- [x \\[docs\\]](https://x.example)");
        assertThat(sources.annotations()).hasSize(1);
        assertThat(sources.annotations().get(0).urlCitation().endIndex()).isEqualTo(2);
    }

    @Test
    void producedOutputTurnsTrueWithTheFirstRealDelta() {
        ChatStreamTranslator translator = new ChatStreamTranslator(options("gemini-2.5-pro"), CLOCK, seeded());
        translator.onEvent(gemini("""
            {"candidates": [{"content": {"parts": [{"text": ""}],"role": "model"},"index": 0}]}"""));
        assertThat(translator.producedOutput()).isFalse();

        translator.onEvent(gemini(D6_STREAM[0]));

        assertThat(translator.producedOutput()).isTrue();
        assertThat(translator.finished()).isFalse();
    }

    @Test
    void parallelToolCallsFalseKeepsOnlyTheFirstCallAcrossEvents() {
        ResponseOptions single = new ResponseOptions("gemini-3-flash-preview", 1, true, false, false, false);

        List<ChatCompletionChunk> chunks = stream(single, seeded(), """
            {"candidates": [{"content": {"parts": [{"text": "Checking."},{"functionCall": {"name": "a","args": {},"id": "id1"}},{"text": " And:"},{"functionCall": {"name": "b","id": "id2"}}],"role": "model"},"index": 0}],"responseId": "r1"}""", """
            {"candidates": [{"content": {"parts": [{"functionCall": {"name": "c","args": {"x": [1, 2]},"id": "id3"}}],"role": "model"},"finishReason": "STOP","index": 0}],"responseId": "r1"}""");

        assertThat(choicesOf(chunks)).isEqualTo(json("""
            [
             {"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"content":"Checking."},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_gid1","type":"function","function":{"name":"a","arguments":"{}"}}]},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"content":" And:"},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"},
             "usage"
            ]"""));
    }

    @Test
    void parallelToolCallsFalseLimitsEachChoiceSeparately() {
        ResponseOptions single = new ResponseOptions("gemini-2.5-flash", 2, false, false, false, false);

        ChatCompletionAccumulator accumulator = new ChatCompletionAccumulator();
        stream(single, seeded(), """
            {"candidates": [
              {"content": {"parts": [{"functionCall": {"name": "a","args": {"n": 1}}},{"functionCall": {"name": "b"}}],"role": "model"},"finishReason": "STOP","index": 0},
              {"content": {"parts": [{"functionCall": {"name": "c"}},{"functionCall": {"name": "d"}}],"role": "model"},"finishReason": "STOP","index": 1}],
             "responseId": "r2"}""").forEach(accumulator::add);

        assertThat(accumulator.result().choices()).allSatisfy(choice -> {
            assertThat(choice.message().toolCalls()).hasSize(1);
            assertThat(choice.finishReason()).isEqualTo("tool_calls");
        });
        assertThat(accumulator.result().choices()).extracting(c -> c.message().toolCalls().get(0).function().name())
                .containsExactly("a", "c");
    }

    @Test
    void logprobsRideOnTheContentDeltaOfTheirEventNotOnReasoning() {
        List<ChatCompletionChunk> chunks = stream(options("gemini-2.5-flash"), seeded(), """
            {"candidates": [{"content": {"parts": [{"text": "Hmm.","thought": true},{"text": "Hi"}],"role": "model"},"index": 0,
              "logprobsResult": {"chosenCandidates": [{"token": "Hi","logProbability": -0.5}],"topCandidates": [{"candidates": [{"token": "Hi","logProbability": -0.5},{"token": "Hey","logProbability": -1.5}]}]}}],"responseId": "lp"}""", """
            {"candidates": [{"content": {"parts": [{"text": "!"}],"role": "model"},"finishReason": "STOP","index": 0,"avgLogprobs": -0.3,
              "logprobsResult": {"chosenCandidates": [{"token": "!"}]}}],"responseId": "lp"}""");

        assertThat(choicesOf(chunks)).isEqualTo(json("""
            [
             {"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"reasoning_content":"Hmm."},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{"content":"Hi"},"logprobs":{"content":[{"token":"Hi","logprob":-0.5,"bytes":[72,105],
               "top_logprobs":[{"token":"Hi","logprob":-0.5,"bytes":[72,105]},{"token":"Hey","logprob":-1.5,"bytes":[72,101,121]}]}],"refusal":null},"finish_reason":null},
             {"index":0,"delta":{"content":"!"},"logprobs":{"content":[{"token":"!","logprob":0.0,"bytes":[33],"top_logprobs":[]}],"refusal":null},"finish_reason":null},
             {"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"},
             "usage"
            ]"""));
        assertThat(tree(accumulate(chunks).choices().get(0).logprobs())).isEqualTo(json("""
            {"content":[
              {"token":"Hi","logprob":-0.5,"bytes":[72,105],"top_logprobs":[{"token":"Hi","logprob":-0.5,"bytes":[72,105]},{"token":"Hey","logprob":-1.5,"bytes":[72,101,121]}]},
              {"token":"!","logprob":0.0,"bytes":[33],"top_logprobs":[]}],
             "refusal":null}"""));
    }

    @Test
    void logprobsOfAnEventThatEmitsNothingRideOnTheNextChunkOfThatChoice() {
        List<ChatCompletionChunk> chunks = stream(options("gemini-2.5-flash"), seeded(), """
            {"candidates": [{"content": {"parts": [{"text": ""}],"role": "model"},"index": 0,
              "logprobsResult": {"chosenCandidates": [{"token": " ","logProbability": -2.0}]}}],"responseId": "lp"}""", """
            {"candidates": [{"content": {"role": "model"},"finishReason": "STOP","index": 0}],"responseId": "lp"}""");

        assertThat(choicesOf(chunks)).isEqualTo(json("""
            [
             {"index":0,"delta":{"role":"assistant"},"logprobs":null,"finish_reason":null},
             {"index":0,"delta":{},"logprobs":{"content":[{"token":" ","logprob":-2.0,"bytes":[32],"top_logprobs":[]}],"refusal":null},"finish_reason":"stop"},
             "usage"
            ]"""));
    }

    @Test
    void avgLogprobsAndAnEmptyLogprobsResultLeaveLogprobsNull() {
        List<ChatCompletionChunk> chunks = stream(FLASH_20, seeded(), """
            {"candidates": [{"content": {"parts": [{"text": "Hi"}],"role": "model"},"finishReason": "STOP","index": 0,"avgLogprobs": -0.25,
              "logprobsResult": {"chosenCandidates": [],"topCandidates": []}}],"responseId": "lp"}""");

        assertThat(chunks).allSatisfy(chunk -> chunk.choices().forEach(c -> assertThat(c.logprobs()).isNull()));
        assertThat(accumulate(chunks).choices().get(0).logprobs()).isNull();
    }
}
