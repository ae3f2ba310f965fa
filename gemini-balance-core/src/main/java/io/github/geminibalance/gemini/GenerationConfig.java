package io.github.geminibalance.gemini;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** {@code generationConfig}: sampling, limits, output format and thinking. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerationConfig(
        Double temperature,
        Double topP,
        Integer topK,
        Integer candidateCount,
        Integer maxOutputTokens,
        List<String> stopSequences,
        String responseMimeType,
        JsonNode responseSchema,
        JsonNode responseJsonSchema,
        ThinkingConfig thinkingConfig,
        Long seed,
        Double presencePenalty,
        Double frequencyPenalty,
        Boolean responseLogprobs,
        Integer logprobs,
        List<String> responseModalities) {

    /** Thinking control: a token budget (2.5) or a level (3); never both. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ThinkingConfig(Integer thinkingBudget, String thinkingLevel, Boolean includeThoughts) {}
}
