package io.github.geminibalance.openai.responses;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * One item of a response's {@code output}; which members are set depends on {@link #type()}:
 * {@code message} ({@code role}, {@code content}), {@code function_call} ({@code call_id}, {@code name},
 * {@code arguments}) or {@code reasoning} ({@code summary}, {@code encrypted_content}).
 *
 * @param type {@link ItemTypes}
 * @param id {@code msg_...}, {@code fc_...} or {@code rs_...}
 * @param status {@link Statuses} (reasoning items have none)
 * @param role {@code assistant} for messages
 * @param content a message's parts
 * @param callId a function call's id, to send back with its output
 * @param name a function call's function
 * @param arguments a function call's arguments as a JSON string
 * @param summary a reasoning item's summary parts
 * @param encryptedContent a reasoning item's opaque state (a Gemini thought signature)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutputItem(String type, String id, String status, String role, List<OutputContent> content,
        String callId, String name, String arguments, List<SummaryText> summary, String encryptedContent) {

    /** A message item. */
    public static OutputItem message(String id, String status, List<OutputContent> content) {
        return new OutputItem(ItemTypes.MESSAGE, id, status, "assistant", List.copyOf(content), null, null, null,
                null, null);
    }

    /** A function call item. */
    public static OutputItem functionCall(String id, String status, String callId, String name, String arguments) {
        return new OutputItem(ItemTypes.FUNCTION_CALL, id, status, null, null, callId, name, arguments, null, null);
    }

    /** A reasoning item. */
    public static OutputItem reasoning(String id, List<SummaryText> summary, String encryptedContent) {
        return new OutputItem(ItemTypes.REASONING, id, null, null, null, null, null, null, List.copyOf(summary),
                encryptedContent);
    }
}
