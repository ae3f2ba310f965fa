package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The assistant message of a {@link ChatCompletion} choice. {@code content} and {@code refusal} are
 * always written (null when absent), as OpenAI does. {@code reasoning_content} carries Gemini's thought
 * summaries (the DeepSeek convention that chat apps render); {@code images} the images the model generated
 * (the OpenRouter convention), which the content also shows as markdown images.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ResponseMessage(
        String role,
        @JsonInclude(JsonInclude.Include.ALWAYS) String content,
        String reasoningContent,
        @JsonInclude(JsonInclude.Include.ALWAYS) String refusal,
        List<ToolCall> toolCalls,
        List<Annotation> annotations,
        List<OutputImage> images) {

    /** A message without images. */
    public ResponseMessage(String role, String content, String reasoningContent, String refusal,
            List<ToolCall> toolCalls, List<Annotation> annotations) {
        this(role, content, reasoningContent, refusal, toolCalls, annotations, null);
    }
}
