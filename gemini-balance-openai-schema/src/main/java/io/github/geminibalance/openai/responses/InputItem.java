package io.github.geminibalance.openai.responses;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * One item of a request's {@code input} list; which members are set depends on {@link #type()}
 * ({@link ItemTypes}). A message may leave {@code type} out.
 *
 * @param type {@code message}, {@code function_call}, {@code function_call_output}, {@code reasoning}...
 * @param role a message's role: {@code user}, {@code assistant}, {@code system} or {@code developer}
 * @param content a message's content
 * @param id the item's id (output items sent back keep theirs)
 * @param status an item's status
 * @param callId a function call's or its output's call id
 * @param name a function call's function name
 * @param arguments a function call's arguments, a JSON string
 * @param output a function call output: a string or a list of input parts
 * @param summary a reasoning item's summary parts
 * @param encryptedContent a reasoning item's opaque state
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InputItem(String type, String role, Union.Content content, String id, String status, String callId,
        String name, String arguments, JsonNode output, List<SummaryText> summary, String encryptedContent) {

    /** A message item with string content. */
    public static InputItem message(String role, String text) {
        return new InputItem(ItemTypes.MESSAGE, role, Union.Content.ofText(text), null, null, null, null, null, null,
                null, null);
    }

    /** A function call output item with a string output. */
    public static InputItem functionCallOutput(String callId, String output) {
        return new InputItem(ItemTypes.FUNCTION_CALL_OUTPUT, null, null, null, null, callId, null, null,
                com.fasterxml.jackson.databind.node.TextNode.valueOf(output), null, null);
    }
}
