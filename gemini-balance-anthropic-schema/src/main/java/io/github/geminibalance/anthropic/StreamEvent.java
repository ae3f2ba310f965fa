package io.github.geminibalance.anthropic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One event of a streamed answer, sent as {@code event: <type>} and {@code data: <json>}. In order:
 * {@link MessageStart}, then per block {@link ContentBlockStart}, {@link ContentBlockDelta}s and
 * {@link ContentBlockStop}, then {@link MessageDelta} and {@link MessageStop}; {@link Ping}s may come
 * at any time, and an {@link ErrorEvent} ends a stream that failed after it started.
 */
public interface StreamEvent {

    /** The event type, also the SSE {@code event:} name. */
    String type();

    /** {@code message_start}: the message with empty content. */
    record MessageStart(String type, Message message) implements StreamEvent {
        /** The event. */
        public static MessageStart of(Message message) {
            return new MessageStart("message_start", message);
        }
    }

    /** {@code content_block_start}: a block begins at {@code index}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ContentBlockStart(String type, int index, ContentBlock contentBlock) implements StreamEvent {
        /** The event. */
        public static ContentBlockStart of(int index, ContentBlock block) {
            return new ContentBlockStart("content_block_start", index, block);
        }
    }

    /** {@code content_block_delta}: more of the block at {@code index}. */
    record ContentBlockDelta(String type, int index, Delta delta) implements StreamEvent {
        /** The event. */
        public static ContentBlockDelta of(int index, Delta delta) {
            return new ContentBlockDelta("content_block_delta", index, delta);
        }
    }

    /** {@code content_block_stop}: the block at {@code index} is complete. */
    record ContentBlockStop(String type, int index) implements StreamEvent {
        /** The event. */
        public static ContentBlockStop of(int index) {
            return new ContentBlockStop("content_block_stop", index);
        }
    }

    /** {@code message_delta}: the stop reason and the final counts. */
    record MessageDelta(String type, StopDelta delta, Usage usage) implements StreamEvent {
        /** The event. */
        public static MessageDelta of(String stopReason, String stopSequence, Usage usage) {
            return new MessageDelta("message_delta", new StopDelta(stopReason, stopSequence), usage);
        }
    }

    /** {@code message_stop}: the end. */
    record MessageStop(String type) implements StreamEvent {
        /** The event. */
        public static MessageStop of() {
            return new MessageStop("message_stop");
        }
    }

    /** {@code ping}: keeps the connection alive while the model is silent. */
    record Ping(String type) implements StreamEvent {
        /** The event. */
        public static Ping of() {
            return new Ping("ping");
        }
    }

    /** {@code error}: the stream failed after it started. */
    record ErrorEvent(String type, ErrorResponse.ErrorDetail error) implements StreamEvent {
        /** The event. */
        public static ErrorEvent of(String errorType, String message) {
            return new ErrorEvent("error", new ErrorResponse.ErrorDetail(errorType, message));
        }
    }

    /**
     * A block delta: {@code text_delta} ({@code text}), {@code input_json_delta} ({@code partial_json}),
     * {@code thinking_delta} ({@code thinking}) or {@code signature_delta} ({@code signature}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Delta(String type, String text, String partialJson, String thinking, String signature) {
        /** A {@code text_delta}. */
        public static Delta text(String text) {
            return new Delta("text_delta", text, null, null, null);
        }

        /** An {@code input_json_delta}. */
        public static Delta inputJson(String partialJson) {
            return new Delta("input_json_delta", null, partialJson, null, null);
        }

        /** A {@code thinking_delta}. */
        public static Delta thinking(String thinking) {
            return new Delta("thinking_delta", null, null, thinking, null);
        }

        /** A {@code signature_delta}. */
        public static Delta signature(String signature) {
            return new Delta("signature_delta", null, null, null, signature);
        }
    }

    /** The {@code delta} of a {@code message_delta}: both members always written, null or not. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record StopDelta(String stopReason, String stopSequence) {}
}
