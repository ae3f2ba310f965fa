package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * One message of a chat request: {@code system}, {@code developer}, {@code user}, {@code assistant},
 * {@code tool} (or the legacy {@code function}).
 *
 * @param content text or content parts; may be null on assistant messages that only call tools
 * @param toolCalls the tool calls an assistant message made
 * @param toolCallId on {@code tool} messages, the id of the call this answers
 * @param functionCall the legacy form of a tool call: the single function an assistant message called
 *     (answered by a {@code function} message with that {@code name})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChatMessage(
        String role,
        MessageContent content,
        String name,
        List<ToolCall> toolCalls,
        String toolCallId,
        String refusal,
        String reasoningContent,
        ToolCall.FunctionCall functionCall) {

    /** A message with plain text content. */
    public static ChatMessage of(String role, String text) {
        return new ChatMessage(role, MessageContent.ofText(text), null, null, null, null, null, null);
    }
}
