package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * A {@code POST /v1/chat/completions} request body.
 *
 * <p>Union-typed fields whose shape the translator interprets ({@code tool_choice}, the legacy
 * {@code function_call}, {@code web_search_options}) are kept as {@link JsonNode}. {@code stop} accepts a
 * single string or a list. {@code google} and {@code extra_body} carry Gemini-specific passthrough
 * options (OpenAI SDKs flatten {@code extra_body} into the top level, Google's compatibility docs nest
 * it; both are accepted). {@code functions} and {@code function_call} are the deprecated forms of
 * {@code tools} and {@code tool_choice}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChatCompletionRequest(
        String model,
        List<ChatMessage> messages,
        Double temperature,
        Double topP,
        Integer topK,
        Integer n,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> stop,
        Integer maxTokens,
        Integer maxCompletionTokens,
        Double presencePenalty,
        Double frequencyPenalty,
        Long seed,
        Boolean logprobs,
        Integer topLogprobs,
        ResponseFormat responseFormat,
        List<Tool> tools,
        JsonNode toolChoice,
        Boolean parallelToolCalls,
        String reasoningEffort,
        Boolean stream,
        StreamOptions streamOptions,
        String user,
        JsonNode google,
        JsonNode extraBody,
        List<Tool.FunctionDefinition> functions,
        JsonNode functionCall,
        JsonNode webSearchOptions) {

    /** Whether the client asked for a streamed answer. */
    public boolean streamRequested() {
        return Boolean.TRUE.equals(stream);
    }

    /** Whether a streamed answer should end with a usage-only chunk. */
    public boolean includeUsage() {
        return streamOptions != null && Boolean.TRUE.equals(streamOptions.includeUsage());
    }

    /** A minimal request: a model and its messages. */
    public static ChatCompletionRequest of(String model, List<ChatMessage> messages) {
        return new ChatCompletionRequest(model, messages, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    /** A copy of this request with {@code stream} set. */
    public ChatCompletionRequest withStream(boolean value, boolean includeUsage) {
        return new ChatCompletionRequest(model, messages, temperature, topP, topK, n, stop, maxTokens,
                maxCompletionTokens, presencePenalty, frequencyPenalty, seed, logprobs, topLogprobs,
                responseFormat, tools, toolChoice, parallelToolCalls, reasoningEffort, value,
                includeUsage ? new StreamOptions(true) : streamOptions, user, google, extraBody, functions,
                functionCall, webSearchOptions);
    }
}
