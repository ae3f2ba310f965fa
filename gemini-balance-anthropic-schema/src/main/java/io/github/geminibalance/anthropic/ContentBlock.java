package io.github.geminibalance.anthropic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A content block of an answer ({@link Message#content()}, {@code content_block_start}). The block
 * types of an answer are {@link Text}, {@link Thinking} and {@link ToolUse}.
 */
public interface ContentBlock {

    /** The block type ({@link BlockTypes}). */
    String type();

    /**
     * A {@code text} block.
     *
     * @param type {@value BlockTypes#TEXT}
     * @param text the text ({@code ""} in {@code content_block_start})
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Text(String type, String text) implements ContentBlock {

        /** A text block. */
        public static Text of(String text) {
            return new Text(BlockTypes.TEXT, text);
        }
    }

    /**
     * A {@code thinking} block: the model's thinking and the signature that lets it be sent back.
     *
     * @param type {@value BlockTypes#THINKING}
     * @param thinking the thinking text ({@code ""} in {@code content_block_start})
     * @param signature the signature ({@code ""} in {@code content_block_start}, then a {@code signature_delta})
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Thinking(String type, String thinking, String signature) implements ContentBlock {

        /** A thinking block. */
        public static Thinking of(String thinking, String signature) {
            return new Thinking(BlockTypes.THINKING, thinking, signature);
        }
    }

    /**
     * A {@code tool_use} block: a call of a client tool.
     *
     * @param type {@value BlockTypes#TOOL_USE}
     * @param id the call id ({@code toolu_...}), echoed in the {@code tool_result}
     * @param name the tool name
     * @param input the call's input object ({@code {}} in {@code content_block_start})
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ToolUse(String type, String id, String name, JsonNode input) implements ContentBlock {

        /** A tool-use block. */
        public static ToolUse of(String id, String name, JsonNode input) {
            return new ToolUse(BlockTypes.TOOL_USE, id, name, input);
        }
    }
}
