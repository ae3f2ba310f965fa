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
 * @param search whether {@code googleSearch} was added (answers get a sources list)
 * @param codeExecution whether {@code codeExecution} was added
 */
public record GeminiChatRequest(
        String requestedModel,
        String upstreamModel,
        GenerateContentRequest body,
        int choiceCount,
        boolean includeUsage,
        boolean search,
        boolean codeExecution) {

    /** Checks the required components. */
    public GeminiChatRequest {
        Objects.requireNonNull(requestedModel, "requestedModel");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(body, "body");
    }
}
