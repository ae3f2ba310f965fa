package io.github.geminibalance.translate;

import io.github.geminibalance.gemini.GenerateContentRequest;
import io.github.geminibalance.openai.responses.Response;
import java.util.Objects;

/**
 * What the pipeline sends upstream for one OpenAI Responses request.
 *
 * @param upstreamModel the Gemini model to call (after {@code MODEL_ALIASES} and suffixes)
 * @param body the {@code generateContent} body
 * @param echo the response's echo of the request's settings (model, instructions, tools...), with no id,
 *     output or usage yet
 * @param parallelToolCalls false when {@code parallel_tool_calls} is false: answers keep only their first
 *     function call
 * @param summaries whether reasoning summaries were asked for ({@code reasoning.summary})
 */
public record GeminiResponsesRequest(String upstreamModel, GenerateContentRequest body, Response echo,
        boolean parallelToolCalls, boolean summaries) {

    /** Checks the required components. */
    public GeminiResponsesRequest {
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(echo, "echo");
    }
}
