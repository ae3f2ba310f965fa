package io.github.geminibalance.translate;

import io.github.geminibalance.gemini.GenerateContentRequest;
import java.util.Objects;

/**
 * What the pipeline sends upstream for one chat request.
 *
 * @param requestedModel the model id as the client sent it (echoed in responses)
 * @param upstreamModel the Gemini model id to call: {@code models/} prefix and our suffixes stripped
 * @param body the {@code generateContent} body
 * @param choiceCount {@code n} (default 1)
 * @param includeUsage {@code stream_options.include_usage}
 * @param search whether {@code googleSearch} was added ({@code -search}, {@code MODEL_SEARCH} or
 *     {@code web_search_options}; answers get a sources list and citations)
 * @param codeExecution whether {@code codeExecution} was added
 * @param parallelToolCalls false when the client sent {@code parallel_tool_calls: false}: answers keep
 *     only the first tool call of each choice
 */
public record GeminiChatRequest(
        String requestedModel,
        String upstreamModel,
        GenerateContentRequest body,
        int choiceCount,
        boolean includeUsage,
        boolean search,
        boolean codeExecution,
        boolean parallelToolCalls) {

    /** Checks the required components. */
    public GeminiChatRequest {
        Objects.requireNonNull(requestedModel, "requestedModel");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(body, "body");
    }
}
