package io.github.geminibalance.openai.responses;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * The {@code response} object: the answer of {@code POST /v1/responses} and the payload of the
 * {@code response.*} lifecycle events. The request's settings are echoed; members that OpenAI sends as
 * {@code null} are written as {@code null}.
 *
 * @param id {@code resp_...}
 * @param object {@code response}
 * @param createdAt Unix seconds
 * @param status {@link Statuses}
 * @param error the failure of a {@code failed} response
 * @param incompleteDetails why an {@code incomplete} response stopped
 * @param instructions the request's instructions
 * @param maxOutputTokens the request's limit
 * @param model the model as the client named it
 * @param output the output items
 * @param parallelToolCalls the request's setting (true by default)
 * @param previousResponseId the request's previous response id
 * @param reasoning the request's reasoning settings
 * @param store the request's setting
 * @param temperature the request's temperature
 * @param text the request's output format
 * @param toolChoice the request's tool choice ({@code auto} by default)
 * @param tools the request's tools
 * @param topP the request's top_p
 * @param truncation the truncation strategy
 * @param usage the token counts
 * @param user the request's user
 * @param metadata the request's metadata
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Response(String id, String object, long createdAt, String status, Error error,
        IncompleteDetails incompleteDetails, String instructions, Integer maxOutputTokens, String model,
        List<OutputItem> output, boolean parallelToolCalls, String previousResponseId,
        ResponseRequest.Reasoning reasoning, Boolean store, Double temperature, ResponseRequest.TextConfig text,
        JsonNode toolChoice, List<ResponseRequest.Tool> tools, Double topP, String truncation, Usage usage,
        String user, Map<String, String> metadata) {

    /** The {@code object} value. */
    public static final String OBJECT = "response";

    /** This response with another status, output, usage and incomplete details (the rest kept). */
    public Response with(String status, List<OutputItem> output, Usage usage, IncompleteDetails incomplete) {
        return new Response(id, object, createdAt, status, error, incomplete, instructions, maxOutputTokens, model,
                List.copyOf(output), parallelToolCalls, previousResponseId, reasoning, store, temperature, text,
                toolChoice, tools, topP, truncation, usage, user, metadata);
    }

    /**
     * {@code error} of a failed response.
     *
     * @param code the error code
     * @param message what went wrong
     */
    public record Error(String code, String message) {}

    /**
     * {@code incomplete_details}.
     *
     * @param reason {@code max_output_tokens} or {@code content_filter}
     */
    public record IncompleteDetails(String reason) {}

    /**
     * {@code usage}. {@code output_tokens} includes the reasoning tokens; {@code input_tokens} includes
     * the cached ones.
     *
     * @param inputTokens prompt tokens
     * @param inputTokensDetails of which cached
     * @param outputTokens output tokens, reasoning included
     * @param outputTokensDetails of which reasoning
     * @param totalTokens input plus output
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Usage(int inputTokens, InputDetails inputTokensDetails, int outputTokens,
            OutputDetails outputTokensDetails, int totalTokens) {

        /**
         * {@code input_tokens_details}.
         *
         * @param cachedTokens tokens read from Gemini's cache
         */
        @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
        public record InputDetails(int cachedTokens) {}

        /**
         * {@code output_tokens_details}.
         *
         * @param reasoningTokens thinking tokens
         */
        @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
        public record OutputDetails(int reasoningTokens) {}
    }
}
