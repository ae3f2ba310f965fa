package io.github.geminibalance.anthropic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The answer of {@code POST /v1/messages}, and the {@code message} of a {@code message_start} event
 * (empty content, null stop reason).
 *
 * @param id the message id ({@code msg_...})
 * @param type {@value #TYPE}
 * @param role {@code assistant}
 * @param content the answer's blocks
 * @param model the model as the client named it
 * @param stopReason why the answer ended ({@link StopReasons}); null in {@code message_start}
 * @param stopSequence the stop sequence that ended it, or null
 * @param usage the token counts
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Message(String id, String type, String role, List<ContentBlock> content, String model,
        String stopReason, String stopSequence, Usage usage) {

    /** The {@code type} of a message. */
    public static final String TYPE = "message";
    /** The role of every answer. */
    public static final String ASSISTANT = "assistant";
}
