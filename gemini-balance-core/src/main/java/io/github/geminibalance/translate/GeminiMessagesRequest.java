package io.github.geminibalance.translate;

import io.github.geminibalance.gemini.GenerateContentRequest;
import java.util.Objects;

/**
 * What the pipeline sends upstream for one Anthropic Messages request.
 *
 * @param requestedModel the model as the client named it (echoed in the answer)
 * @param upstreamModel the Gemini model to call (after {@code MODEL_ALIASES} and suffixes)
 * @param body the {@code generateContent} body
 * @param search whether {@code googleSearch} was added (the {@code web_search} server tool): answers end
 *     with a text block listing the sources
 * @param parallelToolUse false when {@code tool_choice.disable_parallel_tool_use} is true: answers keep
 *     only their first tool call
 */
public record GeminiMessagesRequest(String requestedModel, String upstreamModel, GenerateContentRequest body,
        boolean search, boolean parallelToolUse) {

    /** Checks the required components. */
    public GeminiMessagesRequest {
        Objects.requireNonNull(requestedModel, "requestedModel");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(body, "body");
    }
}
