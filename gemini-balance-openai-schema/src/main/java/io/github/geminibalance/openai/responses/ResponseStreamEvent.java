package io.github.geminibalance.openai.responses;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * One event of a streamed response, sent as {@code event: <type>} and {@code data: <json>}; which
 * members are set depends on {@link #type()} ({@link EventTypes}). Every event carries its
 * {@code sequence_number}, counting from 0.
 *
 * @param type the event type
 * @param sequenceNumber its place in the stream
 * @param response the response ({@code response.created}, {@code .in_progress}, {@code .completed},
 *     {@code .incomplete}, {@code .failed})
 * @param outputIndex the item's index in {@code output}
 * @param itemId the item's id
 * @param contentIndex the part's index in a message's content
 * @param summaryIndex the part's index in a reasoning summary
 * @param item the item ({@code output_item.added} / {@code .done})
 * @param part the content part ({@code content_part.*}) or summary part ({@code reasoning_summary_part.*})
 * @param delta more text or arguments
 * @param text the whole text ({@code output_text.done}, {@code reasoning_summary_text.done})
 * @param arguments the whole arguments ({@code function_call_arguments.done})
 * @param logprobs token log probabilities of text events (always empty here)
 * @param code an {@code error} event's code
 * @param message an {@code error} event's message
 * @param param an {@code error} event's parameter at fault
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResponseStreamEvent(String type, int sequenceNumber, Response response, Integer outputIndex,
        String itemId, Integer contentIndex, Integer summaryIndex, OutputItem item, Object part, String delta,
        String text, String arguments, List<Object> logprobs, String code, String message, String param) {

    /** A lifecycle event carrying the whole response. */
    public static ResponseStreamEvent lifecycle(String type, int sequenceNumber, Response response) {
        return new ResponseStreamEvent(type, sequenceNumber, response, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    /** An {@code output_item.added} or {@code .done} event. */
    public static ResponseStreamEvent item(String type, int sequenceNumber, int outputIndex, OutputItem item) {
        return new ResponseStreamEvent(type, sequenceNumber, null, outputIndex, null, null, null, item, null, null,
                null, null, null, null, null, null);
    }

    /** A {@code content_part.*} event. */
    public static ResponseStreamEvent contentPart(String type, int sequenceNumber, int outputIndex, String itemId,
            OutputContent part) {
        return new ResponseStreamEvent(type, sequenceNumber, null, outputIndex, itemId, 0, null, null, part, null,
                null, null, null, null, null, null);
    }

    /** An {@code output_text.delta} ({@code delta}) or {@code .done} ({@code text}) event. */
    public static ResponseStreamEvent outputText(String type, int sequenceNumber, int outputIndex, String itemId,
            String delta, String text) {
        return new ResponseStreamEvent(type, sequenceNumber, null, outputIndex, itemId, 0, null, null, null, delta,
                text, null, List.of(), null, null, null);
    }

    /** A {@code function_call_arguments.delta} ({@code delta}) or {@code .done} ({@code arguments}) event. */
    public static ResponseStreamEvent arguments(String type, int sequenceNumber, int outputIndex, String itemId,
            String delta, String arguments) {
        return new ResponseStreamEvent(type, sequenceNumber, null, outputIndex, itemId, null, null, null, null, delta,
                null, arguments, null, null, null, null);
    }

    /** A {@code reasoning_summary_part.*} ({@code part}) or {@code reasoning_summary_text.*} event. */
    public static ResponseStreamEvent summary(String type, int sequenceNumber, int outputIndex, String itemId,
            SummaryText part, String delta, String text) {
        return new ResponseStreamEvent(type, sequenceNumber, null, outputIndex, itemId, null, 0, null, part, delta,
                text, null, null, null, null, null);
    }

    /** An {@code error} event. */
    public static ResponseStreamEvent error(int sequenceNumber, String code, String message, String param) {
        return new ResponseStreamEvent(EventTypes.ERROR, sequenceNumber, null, null, null, null, null, null, null,
                null, null, null, null, code, message, param);
    }
}
