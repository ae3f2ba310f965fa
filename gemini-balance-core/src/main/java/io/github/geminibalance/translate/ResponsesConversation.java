package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.gemini.Content;
import io.github.geminibalance.gemini.Part;
import io.github.geminibalance.openai.ContentPart;
import io.github.geminibalance.openai.responses.InputItem;
import io.github.geminibalance.openai.responses.InputPart;
import io.github.geminibalance.openai.responses.ItemTypes;
import io.github.geminibalance.openai.responses.SummaryText;
import io.github.geminibalance.openai.responses.Union;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Responses {@code instructions} and {@code input} -> Gemini {@code systemInstruction} and
 * {@code contents}.
 *
 * <ul>
 *   <li>{@code instructions}, and {@code system} / {@code developer} messages wherever they are: the
 *       system instruction, in order.</li>
 *   <li>{@code user} messages: {@code input_text} as text; {@code input_image} and {@code input_file}
 *       through the chat door's media parts ({@link MediaParts}), their URLs fetched beforehand;
 *       {@code file_id} is refused (there is no file store).</li>
 *   <li>{@code assistant} messages: {@code output_text} and {@code refusal} as model text.</li>
 *   <li>{@code function_call}: a model {@code functionCall}; its {@code call_id} gives back the Gemini
 *       call id and thought signature ({@link ToolCallIds}); on Gemini 3 the first call of a turn
 *       without one gets {@code skip_thought_signature_validator}.</li>
 *   <li>{@code function_call_output}: a user {@code functionResponse} named after the call with that
 *       {@code call_id} (a JSON object output as is, else wrapped, as on chat); consecutive outputs form
 *       one turn in the order of the calls, and a call left without output gets {@code {"error": ...}}.</li>
 *   <li>{@code reasoning}: its summary as a thought part carrying {@code encrypted_content} as the
 *       thought signature; without summary text it is dropped.</li>
 *   <li>{@code item_reference} is refused. The items of a stored response ({@code previous_response_id})
 *       come first, as if they had been sent. Empty texts are dropped, adjacent turns
 *       of one role merged, and a conversation starting with a model call gets a user turn first.</li>
 * </ul>
 */
final class ResponsesConversation {

    record Result(List<Content> contents, Content systemInstruction) {}

    private record Call(String name, String geminiId) {}

    private final boolean gemini3;
    private final Map<String, String> media;
    private final List<Part> system = new ArrayList<>();
    private final List<Content> contents = new ArrayList<>();
    private final Map<String, Call> calls = new HashMap<>();
    private Map<String, Call> turnCalls = new LinkedHashMap<>();
    private List<Part> modelTurn;
    private Map<String, Part> responses;

    private ResponsesConversation(String upstreamModel, Map<String, String> media) {
        this.gemini3 = Thinking.isGemini3(upstreamModel);
        this.media = media;
    }

    static Result translate(String instructions, Union.Input input, Map<String, String> media, String upstreamModel) {
        return translate(instructions, List.of(), input, media, upstreamModel);
    }

    /**
     * The conversation of {@code previous} (a stored response's items, named
     * {@code previous_response_id.input.N} in errors) followed by {@code input}.
     */
    static Result translate(String instructions, List<InputItem> previous, Union.Input input,
            Map<String, String> media, String upstreamModel) {
        return new ResponsesConversation(upstreamModel, media).run(instructions, previous, input);
    }

    private Result run(String instructions, List<InputItem> previous, Union.Input input) {
        addText(system, instructions);
        for (int i = 0; i < previous.size(); i++) {
            item(previous.get(i), "previous_response_id.input." + i);
        }
        if (input.text() != null) {
            flush(); // after the model turn a stored conversation may end with
            List<Part> parts = new ArrayList<>();
            addText(parts, input.text());
            add(Content.USER, parts);
        } else {
            for (int i = 0; i < input.items().size(); i++) {
                item(input.items().get(i), "input." + i);
            }
        }
        flush();
        List<Content> merged = merge(contents);
        boolean startsWithCall = !merged.isEmpty() && Content.MODEL.equals(merged.get(0).role())
                && merged.get(0).parts().stream().anyMatch(p -> p.functionCall() != null);
        if (merged.isEmpty() || startsWithCall) {
            merged.add(0, new Content(Content.USER, List.of(Part.text(Conversation.PLACEHOLDER))));
        }
        return new Result(List.copyOf(merged), system.isEmpty() ? null : new Content(null, List.copyOf(system)));
    }

    private void item(InputItem item, String at) {
        if (item == null) {
            throw new InvalidRequestException(at, at + ": an input item must be an object");
        }
        String type = item.type() != null ? item.type() : item.role() != null ? ItemTypes.MESSAGE : "";
        switch (type) {
            case ItemTypes.MESSAGE -> message(item, at);
            case ItemTypes.FUNCTION_CALL -> functionCall(item, at);
            case ItemTypes.FUNCTION_CALL_OUTPUT -> functionOutput(item, at);
            case ItemTypes.REASONING -> reasoning(item);
            case ItemTypes.ITEM_REFERENCE -> throw new InvalidRequestException(at + ".type", at
                    + ".type: item_reference is not supported; send the items, or continue a stored response with previous_response_id");
            case "" -> throw new InvalidRequestException(at + ".type", at + ".type: Field required");
            default -> throw new InvalidRequestException(at + ".type", at + ".type: input items of type '" + type
                    + "' are not supported; message, function_call, function_call_output and reasoning are");
        }
    }

    private void message(InputItem item, String at) {
        if (item.content() == null) {
            throw new InvalidRequestException(at + ".content", at + ".content: Field required");
        }
        String role = item.role() == null ? "" : item.role();
        List<Part> parts = new ArrayList<>();
        switch (role) {
            case "system", "developer" -> {
                parts(item.content(), at + ".content", parts, false);
                system.addAll(parts);
            }
            case "user" -> {
                flush();
                parts(item.content(), at + ".content", parts, false);
                add(Content.USER, parts);
            }
            case "assistant" -> {
                parts(item.content(), at + ".content", parts, true);
                model().addAll(parts);
            }
            default -> throw new InvalidRequestException(at + ".role",
                    at + ".role: must be user, assistant, system or developer");
        }
    }

    private void parts(Union.Content content, String at, List<Part> out, boolean assistant) {
        if (content.text() != null) {
            addText(out, content.text());
            return;
        }
        for (int j = 0; j < content.parts().size(); j++) {
            InputPart part = content.parts().get(j);
            String here = at + "." + j;
            if (part == null || part.type() == null) {
                throw new InvalidRequestException(here + ".type", here + ".type: Field required");
            }
            Part converted = switch (part.type()) {
                case ItemTypes.INPUT_TEXT, ItemTypes.OUTPUT_TEXT -> textPart(part.text());
                case ItemTypes.REFUSAL -> textPart(part.refusal());
                case ItemTypes.INPUT_IMAGE -> assistant ? null : image(part, here);
                case ItemTypes.INPUT_FILE -> assistant ? null : file(part, here);
                default -> null;
            };
            if (converted == null && !List.of(ItemTypes.INPUT_TEXT, ItemTypes.OUTPUT_TEXT, ItemTypes.REFUSAL)
                    .contains(part.type())) {
                throw new InvalidRequestException(here + ".type", here + ".type: '" + part.type()
                        + "' parts are not supported here; input_text, input_image and input_file are"
                        + " (output_text and refusal in assistant messages)");
            }
            if (converted != null) {
                out.add(converted);
            }
        }
    }

    private Part image(InputPart part, String at) {
        if (part.imageUrl() == null || part.imageUrl().isBlank()) {
            if (part.fileId() != null) {
                throw new InvalidRequestException(at + ".file_id",
                        at + ".file_id: uploaded file ids are not supported; send image_url (a URL or data: URL)");
            }
            throw new InvalidRequestException(at + ".image_url", at + ".image_url: Field required");
        }
        String url = media.getOrDefault(part.imageUrl(), part.imageUrl());
        if (!DataUrl.isDataUrl(url)) {
            throw new InvalidRequestException(at + ".image_url",
                    at + ".image_url: must be an http(s) URL or a base64 data: URL");
        }
        DataUrl data = DataUrl.parse(url, at + ".image_url");
        if (data.mimeType() == null) {
            throw new InvalidRequestException(at + ".image_url",
                    at + ".image_url: the data URL names no media type (expected data:image/png;base64,...)");
        }
        return Part.inline(data.mimeType(), data.data());
    }

    private Part file(InputPart part, String at) {
        String data = part.fileData();
        if (data == null && part.fileUrl() != null) {
            data = media.get(part.fileUrl());
        }
        if (data == null || data.isBlank()) {
            if (part.fileId() != null) {
                throw new InvalidRequestException(at + ".file_id",
                        at + ".file_id: uploaded file ids are not supported; send file_data or file_url");
            }
            throw new InvalidRequestException(at + ".file_data", at + ".file_data: Field required");
        }
        return MediaParts.toPart(new ContentPart("file", null, null, null,
                new ContentPart.FilePart(data, part.filename(), null), null), at);
    }

    private void functionCall(InputItem item, String at) {
        if (item.callId() == null || item.callId().isBlank()) {
            throw new InvalidRequestException(at + ".call_id", at + ".call_id: Field required");
        }
        if (item.name() == null || item.name().isBlank()) {
            throw new InvalidRequestException(at + ".name", at + ".name: Field required");
        }
        JsonNode args = Conversation.arguments(item.arguments(), at + ".arguments");
        ToolCallIds.Decoded decoded = ToolCallIds.decode(item.callId());
        List<Part> turn = model();
        String signature = decoded.thoughtSignature();
        if (signature == null && gemini3 && turn.stream().noneMatch(p -> p.functionCall() != null)) {
            signature = Conversation.SKIP_SIGNATURE;
        }
        turn.add(Part.functionCall(new Part.FunctionCall(item.name(), args, decoded.geminiId()), signature));
        Call call = new Call(item.name(), decoded.geminiId());
        calls.put(item.callId(), call);
        turnCalls.put(item.callId(), call);
    }

    private void functionOutput(InputItem item, String at) {
        Call call = item.callId() == null ? null : calls.get(item.callId());
        if (call == null) {
            throw new InvalidRequestException(at + ".call_id",
                    at + ".call_id: no function_call item with this call_id comes before it");
        }
        if (modelTurn != null) {
            closeModelTurn();
        }
        if (responses == null) {
            responses = new LinkedHashMap<>();
        }
        responses.put(item.callId(), Part.functionResponse(
                new Part.FunctionResponse(call.name(), Conversation.response(outputText(item.output(), at)),
                        call.geminiId())));
    }

    private static String outputText(JsonNode output, String at) {
        if (output == null || output.isNull()) {
            throw new InvalidRequestException(at + ".output", at + ".output: Field required");
        }
        if (output.isTextual()) {
            return output.asText();
        }
        if (!output.isArray()) {
            throw new InvalidRequestException(at + ".output", at + ".output: must be a string or a list of parts");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : output) {
            if (part.path("text").isTextual()) {
                text.append(text.length() > 0 ? "\n" : "").append(part.path("text").asText());
            }
        }
        return text.toString();
    }

    private void reasoning(InputItem item) {
        StringBuilder text = new StringBuilder();
        if (item.summary() != null) {
            for (SummaryText s : item.summary()) {
                if (s != null && s.text() != null && !s.text().isEmpty()) {
                    text.append(text.length() > 0 ? "\n\n" : "").append(s.text());
                }
            }
        }
        if (text.length() > 0) {
            String signature = item.encryptedContent() == null || item.encryptedContent().isEmpty() ? null
                    : item.encryptedContent();
            model().add(new Part(text.toString(), Boolean.TRUE, signature, null, null, null, null, null, null));
        }
    }

    /** The model turn being built (function calls and assistant text since the last user turn). */
    private List<Part> model() {
        if (responses != null) {
            flush();
        }
        if (modelTurn == null) {
            modelTurn = new ArrayList<>();
            turnCalls = new LinkedHashMap<>();
        }
        return modelTurn;
    }

    private void closeModelTurn() {
        add(Content.MODEL, modelTurn);
        modelTurn = null;
    }

    /** Ends the open turn: a model turn as is; function outputs in call order, unanswered calls filled in. */
    private void flush() {
        if (modelTurn != null) {
            closeModelTurn();
        }
        if (responses != null) {
            List<Part> parts = new ArrayList<>();
            for (Map.Entry<String, Call> call : turnCalls.entrySet()) {
                Part response = responses.remove(call.getKey());
                parts.add(response != null ? response : Part.functionResponse(new Part.FunctionResponse(
                        call.getValue().name(), JsonNodeFactory.instance.objectNode()
                                .put("error", "no output was sent for this call"), call.getValue().geminiId())));
            }
            parts.addAll(responses.values()); // outputs for calls of earlier turns, in the order given
            responses = null;
            turnCalls = new LinkedHashMap<>();
            add(Content.USER, parts);
        }
    }

    private static Part textPart(String text) {
        return text == null || text.isEmpty() ? null : Part.text(text);
    }

    private static void addText(List<Part> parts, String text) {
        if (text != null && !text.isEmpty()) {
            parts.add(Part.text(text));
        }
    }

    private void add(String role, List<Part> parts) {
        if (!parts.isEmpty()) {
            contents.add(new Content(role, List.copyOf(parts)));
        }
    }

    private static List<Content> merge(List<Content> contents) {
        List<Content> merged = new ArrayList<>();
        for (Content content : contents) {
            Content last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last.role().equals(content.role())) {
                List<Part> parts = new ArrayList<>(last.parts());
                parts.addAll(content.parts());
                merged.set(merged.size() - 1, new Content(last.role(), List.copyOf(parts)));
            } else {
                merged.add(new Content(content.role(), List.copyOf(content.parts())));
            }
        }
        return merged;
    }
}
