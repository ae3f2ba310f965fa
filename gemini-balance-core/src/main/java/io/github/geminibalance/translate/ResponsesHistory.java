package io.github.geminibalance.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.responses.InputItem;
import io.github.geminibalance.openai.responses.InputPart;
import io.github.geminibalance.openai.responses.ItemTypes;
import io.github.geminibalance.openai.responses.OutputContent;
import io.github.geminibalance.openai.responses.OutputItem;
import io.github.geminibalance.openai.responses.Response;
import io.github.geminibalance.openai.responses.Union;
import java.util.ArrayList;
import java.util.List;

/**
 * The conversation a stored response ends, as the input items a later request continues from
 * ({@code previous_response_id}): the predecessor's items, the request's input (a string input as one
 * {@code user} message) and the response's output items turned into input items. Function calls keep
 * their {@code call_id} (which carries Gemini's call id and thought signature) and reasoning items their
 * {@code encrypted_content} (the thought signature), so both reach Gemini again on the next turn.
 * {@code instructions} are not part of it: a continuation sends its own, as on OpenAI.
 */
public final class ResponsesHistory {

    private static final TypeReference<List<InputItem>> ITEMS = new TypeReference<>() {};

    private ResponsesHistory() {}

    /**
     * The conversation {@code response} ends.
     *
     * @param previous the stored conversation it continued (empty for none)
     * @param input the request's input
     * @param response the response as returned
     * @return the items, in order
     */
    public static List<InputItem> conversation(List<InputItem> previous, Union.Input input, Response response) {
        List<InputItem> items = new ArrayList<>(previous);
        if (input != null && input.text() != null) {
            items.add(InputItem.message("user", input.text()));
        } else if (input != null && input.items() != null) {
            items.addAll(input.items());
        }
        if (response.output() != null) {
            for (OutputItem out : response.output()) {
                InputItem item = asInput(out);
                if (item != null) {
                    items.add(item);
                }
            }
        }
        return List.copyOf(items);
    }

    /** An output item as the input item that sends it back, or null for one that cannot be sent back. */
    static InputItem asInput(OutputItem out) {
        if (out == null || out.type() == null) {
            return null;
        }
        return switch (out.type()) {
            case ItemTypes.MESSAGE -> {
                List<InputPart> parts = new ArrayList<>();
                for (OutputContent c : out.content() == null ? List.<OutputContent>of() : out.content()) {
                    if (c == null || c.text() == null) {
                        continue;
                    }
                    parts.add(ItemTypes.REFUSAL.equals(c.type())
                            ? new InputPart(ItemTypes.REFUSAL, null, null, null, null, null, null, null, c.text())
                            : new InputPart(ItemTypes.OUTPUT_TEXT, c.text(), null, null, null, null, null, null, null));
                }
                yield new InputItem(ItemTypes.MESSAGE, "assistant", Union.Content.ofParts(parts), out.id(),
                        out.status(), null, null, null, null, null, null);
            }
            case ItemTypes.FUNCTION_CALL -> new InputItem(ItemTypes.FUNCTION_CALL, null, null, out.id(), out.status(),
                    out.callId(), out.name(), out.arguments(), null, null, null);
            case ItemTypes.REASONING -> new InputItem(ItemTypes.REASONING, null, null, out.id(), null, null, null,
                    null, null, out.summary(), out.encryptedContent());
            default -> null;
        };
    }

    /**
     * The items as a JSON array.
     *
     * @param items the items
     * @return the JSON
     */
    public static String toJson(List<InputItem> items) {
        try {
            return Json.mapper().writeValueAsString(items);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the conversation", e); // our own records: a bug
        }
    }

    /**
     * The items of a JSON array written by {@link #toJson}.
     *
     * @param json the JSON
     * @return the items
     * @throws IllegalArgumentException when the JSON is not such an array
     */
    public static List<InputItem> fromJson(String json) {
        try {
            return List.copyOf(Json.mapper().readValue(json, ITEMS));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a stored conversation is not a list of input items", e);
        }
    }
}
