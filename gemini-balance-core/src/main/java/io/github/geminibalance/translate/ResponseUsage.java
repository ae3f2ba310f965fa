package io.github.geminibalance.translate;

import io.github.geminibalance.gemini.GenerateContentResponse.UsageMetadata;
import io.github.geminibalance.openai.Usage;

/** Gemini {@code usageMetadata} -> OpenAI {@code usage} (WIRE_FORMATS C.8). */
final class ResponseUsage {

    /** The usage reported when Gemini sent none. */
    static final Usage ZERO = new Usage(0, 0, 0, null, null);

    private ResponseUsage() {}

    /**
     * Maps Gemini's counts. Search/URL-context results fed back to the model count as prompt, and
     * thinking counts as completion (OpenAI includes reasoning in {@code completion_tokens}), so
     * {@code prompt + completion == total}. Missing counts are 0.
     */
    static Usage from(UsageMetadata metadata) {
        int prompt = orZero(metadata.promptTokenCount()) + orZero(metadata.toolUsePromptTokenCount());
        int completion = orZero(metadata.candidatesTokenCount()) + orZero(metadata.thoughtsTokenCount());
        int total = metadata.totalTokenCount() != null ? metadata.totalTokenCount() : prompt + completion;
        Usage.PromptTokensDetails promptDetails = metadata.cachedContentTokenCount() == null
                ? null
                : new Usage.PromptTokensDetails(metadata.cachedContentTokenCount(), null);
        Usage.CompletionTokensDetails completionDetails = metadata.thoughtsTokenCount() == null
                ? null
                : new Usage.CompletionTokensDetails(metadata.thoughtsTokenCount(), null);
        return new Usage(prompt, completion, total, promptDetails, completionDetails);
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
