package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One message of a chat request: {@code system}, {@code developer}, {@code user}, {@code assistant},
 * {@code tool} (or the legacy {@code function}).
 *
 * <p>Plain-text messages come from {@link #system}, {@link #user}, {@link #assistant} and {@link #tool};
 * anything else (content parts, tool calls) from {@link #builder(String)}.
 *
 * @param role {@code system}, {@code developer}, {@code user}, {@code assistant}, {@code tool} or
 *     {@code function}
 * @param content text or content parts; may be null on assistant messages that only call tools
 * @param name an optional participant name; on {@code function} messages, the function's name
 * @param toolCalls the tool calls an assistant message made
 * @param toolCallId on {@code tool} messages, the id of the call this answers
 * @param refusal on assistant messages, the model's refusal
 * @param reasoningContent on assistant messages, the model's reasoning (a DeepSeek-style extension)
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

    /**
     * A message with plain text content.
     *
     * @param role the role, such as {@code user}
     * @param text the text
     * @return the message
     */
    public static ChatMessage of(String role, String text) {
        return new ChatMessage(role, MessageContent.ofText(text), null, null, null, null, null, null);
    }

    /**
     * A system message.
     *
     * @param text the instructions
     * @return the message
     */
    public static ChatMessage system(String text) {
        return of("system", text);
    }

    /**
     * A user message.
     *
     * @param text the text
     * @return the message
     */
    public static ChatMessage user(String text) {
        return of("user", text);
    }

    /**
     * An assistant message (an earlier answer, for a multi-turn conversation).
     *
     * @param text the text
     * @return the message
     */
    public static ChatMessage assistant(String text) {
        return of("assistant", text);
    }

    /**
     * A tool message: the result of a tool call.
     *
     * @param toolCallId the id of the call this answers
     * @param text the result
     * @return the message
     */
    public static ChatMessage tool(String toolCallId, String text) {
        return builder("tool").content(text).toolCallId(toolCallId).build();
    }

    /**
     * A builder for a message with this role.
     *
     * @param role {@code system}, {@code developer}, {@code user}, {@code assistant}, {@code tool} or
     *     {@code function}
     * @return a new builder
     */
    public static Builder builder(String role) {
        return new Builder(Objects.requireNonNull(role, "role"));
    }

    /**
     * A builder holding every value of this message.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(role);
        b.content = content;
        b.name = name;
        b.toolCalls = toolCalls == null ? null : new ArrayList<>(toolCalls);
        b.toolCallId = toolCallId;
        b.refusal = refusal;
        b.reasoningContent = reasoningContent;
        b.functionCall = functionCall;
        return b;
    }

    /** Builds a {@link ChatMessage}; mutable, not thread-safe. */
    public static final class Builder {
        private String role;
        private MessageContent content;
        private String name;
        private List<ToolCall> toolCalls;
        private String toolCallId;
        private String refusal;
        private String reasoningContent;
        private ToolCall.FunctionCall functionCall;

        private Builder(String role) {
            this.role = role;
        }

        /**
         * The role.
         *
         * @param role the role
         * @return this builder
         */
        public Builder role(String role) {
            this.role = Objects.requireNonNull(role, "role");
            return this;
        }

        /**
         * Plain text content.
         *
         * @param text the text, or null for none
         * @return this builder
         */
        public Builder content(String text) {
            this.content = text == null ? null : MessageContent.ofText(text);
            return this;
        }

        /**
         * Content parts (text, images, audio, files).
         *
         * @param parts the parts, such as {@link ContentPart#text} and {@link ContentPart#imageUrl}
         * @return this builder
         */
        public Builder content(List<ContentPart> parts) {
            this.content = MessageContent.ofParts(parts);
            return this;
        }

        /**
         * Content parts (text, images, audio, files).
         *
         * @param parts the parts
         * @return this builder
         */
        public Builder content(ContentPart... parts) {
            return content(List.of(parts));
        }

        /**
         * Content as it is.
         *
         * @param content the content, or null for none
         * @return this builder
         */
        public Builder content(MessageContent content) {
            this.content = content;
            return this;
        }

        /**
         * A participant name; on {@code function} messages, the function's name.
         *
         * @param name the name, or null for none
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * The tool calls of an assistant message.
         *
         * @param toolCalls the calls, or null for none
         * @return this builder
         */
        public Builder toolCalls(List<ToolCall> toolCalls) {
            this.toolCalls = toolCalls == null ? null : new ArrayList<>(toolCalls);
            return this;
        }

        /**
         * On a {@code tool} message, the id of the call it answers.
         *
         * @param toolCallId the id
         * @return this builder
         */
        public Builder toolCallId(String toolCallId) {
            this.toolCallId = toolCallId;
            return this;
        }

        /**
         * On an assistant message, the model's refusal.
         *
         * @param refusal the refusal text, or null
         * @return this builder
         */
        public Builder refusal(String refusal) {
            this.refusal = refusal;
            return this;
        }

        /**
         * On an assistant message, the model's reasoning.
         *
         * @param reasoningContent the reasoning text, or null
         * @return this builder
         */
        public Builder reasoningContent(String reasoningContent) {
            this.reasoningContent = reasoningContent;
            return this;
        }

        /**
         * The legacy single function call of an assistant message.
         *
         * @param functionCall the call, or null
         * @return this builder
         */
        public Builder functionCall(ToolCall.FunctionCall functionCall) {
            this.functionCall = functionCall;
            return this;
        }

        /**
         * Builds the message.
         *
         * @return the message
         */
        public ChatMessage build() {
            return new ChatMessage(role, content, name, toolCalls == null ? null : List.copyOf(toolCalls),
                    toolCallId, refusal, reasoningContent, functionCall);
        }
    }
}
