package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * One streamed event ({@code object: "chat.completion.chunk"}). The usage-only chunk that ends a stream
 * with {@code include_usage} has empty {@code choices} and still carries id, created and model, which
 * strict clients require.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChatCompletionChunk(
        String id, String object, long created, String model, List<Choice> choices, Usage usage) {

    /** The object type OpenAI uses for this record. */
    public static final String OBJECT = "chat.completion.chunk";

    /** One choice's delta; {@code finish_reason} and {@code logprobs} are always written. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Choice(
            int index,
            Delta delta,
            @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode logprobs,
            @JsonInclude(JsonInclude.Include.ALWAYS) String finishReason) {}

    /** What a chunk adds to the message; {@code images} holds the images the model generated in it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Delta(
            String role,
            String content,
            String reasoningContent,
            String refusal,
            List<ToolCall> toolCalls,
            List<Annotation> annotations,
            List<OutputImage> images) {

        /** An empty delta, as sent with a finish reason. */
        public static final Delta EMPTY = new Delta(null, null, null, null, null, null);

        /** A delta without images. */
        public Delta(String role, String content, String reasoningContent, String refusal, List<ToolCall> toolCalls,
                List<Annotation> annotations) {
            this(role, content, reasoningContent, refusal, toolCalls, annotations, null);
        }
    }
}
