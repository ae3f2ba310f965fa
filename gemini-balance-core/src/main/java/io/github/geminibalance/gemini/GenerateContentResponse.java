package io.github.geminibalance.gemini;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A generateContent answer, or one streamed event (which holds only the new parts). {@code candidates}
 * is absent when the prompt was blocked; then {@code promptFeedback} says why.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerateContentResponse(
        List<Candidate> candidates,
        PromptFeedback promptFeedback,
        UsageMetadata usageMetadata,
        String modelVersion,
        String responseId) {

    /** The candidates, never null. */
    public List<Candidate> candidatesOrEmpty() {
        return candidates == null ? List.of() : candidates;
    }

    /** Why a prompt was blocked. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PromptFeedback(String blockReason, String blockReasonMessage) {}

    /** Token counts; cumulative on every streamed event, so the last one wins. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UsageMetadata(
            Integer promptTokenCount,
            Integer candidatesTokenCount,
            Integer thoughtsTokenCount,
            Integer toolUsePromptTokenCount,
            Integer cachedContentTokenCount,
            Integer totalTokenCount) {}
}
