package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Token usage. {@code completion_tokens} includes reasoning tokens, as OpenAI counts them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Usage(
        int promptTokens,
        int completionTokens,
        int totalTokens,
        PromptTokensDetails promptTokensDetails,
        CompletionTokensDetails completionTokensDetails) {

    /** Cached prompt tokens. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PromptTokensDetails(Integer cachedTokens, Integer audioTokens) {}

    /** Reasoning (thinking) tokens counted inside {@code completion_tokens}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CompletionTokensDetails(Integer reasoningTokens, Integer audioTokens) {}
}
