package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.anthropic.BlockTypes;
import io.github.geminibalance.anthropic.InputBlock;
import io.github.geminibalance.anthropic.MessageRequest.InputMessage;
import io.github.geminibalance.gemini.Content;
import io.github.geminibalance.gemini.Part;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic {@code system} and {@code messages} -> Gemini {@code systemInstruction} and {@code contents}.
 *
 * <ul>
 *   <li>{@code system}: a string or {@code text} blocks, one part each.</li>
 *   <li>{@code user} turns: {@code text}; {@code image} and {@code document} (base64, or a URL fetched
 *       beforehand; a {@code text} document source becomes text) as {@code inlineData};
 *       {@code tool_result} as a {@code functionResponse} named after the earlier {@code tool_use}
 *       with that id, {@code {"output": text}} or with {@code is_error} {@code {"error": text}}, its
 *       images as parts after it. The responses come first in the turn, in the order of the calls; a call of the previous turn
 *       left unanswered there gets {@code {"error": ...}}, since Gemini wants one response per call.</li>
 *   <li>{@code assistant} turns: {@code text}; {@code thinking} as a thought part carrying its
 *       {@code signature} as the {@code thoughtSignature}; {@code redacted_thinking} is dropped (Gemini
 *       never produced it); {@code tool_use} as a {@code functionCall} whose Gemini id and signature
 *       are decoded from the {@code toolu_} id ({@link ToolCallIds}). On Gemini 3 the first call of a
 *       turn without a signature gets Gemini's placeholder {@code skip_thought_signature_validator}.</li>
 *   <li>Empty texts are dropped, adjacent turns of one role merged; a conversation that would start with
 *       a model call gets a user turn {@code "."} first.</li>
 * </ul>
 */
final class MessagesConversation {

    /** The prefix of the tool-use ids this door mints. */
    static final String ID_PREFIX = "toolu_";

    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
    private static final String PDF = "application/pdf";

    record Result(List<Content> contents, Content systemInstruction) {}

    private record Call(String name, String geminiId) {}

    private final boolean gemini3;
    private final Map<String, String> media;
    private final List<Content> contents = new ArrayList<>();
    private final Map<String, Call> calls = new HashMap<>();
    private Map<String, Call> pending = Map.of();

    private MessagesConversation(String upstreamModel, Map<String, String> media) {
        this.gemini3 = Thinking.isGemini3(upstreamModel);
        this.media = media;
    }

    static Result translate(io.github.geminibalance.anthropic.Content system, List<InputMessage> messages,
            Map<String, String> media, String upstreamModel) {
        return new MessagesConversation(upstreamModel, media).run(system, messages);
    }

    private Result run(io.github.geminibalance.anthropic.Content system, List<InputMessage> messages) {
        Content instruction = system(system);
        for (int i = 0; i < messages.size(); i++) {
            InputMessage message = messages.get(i);
            String at = "messages." + i;
            if (message == null) {
                throw new InvalidRequestException(at, at + ": a message must be an object");
            }
            if (message.content() == null) {
                throw new InvalidRequestException(at + ".content", at + ".content: Field required");
            }
            List<InputBlock> blocks = message.content().blocks() != null ? message.content().blocks()
                    : List.of(InputBlock.text(message.content().text()));
            switch (message.role() == null ? "" : message.role()) {
                case "user" -> user(blocks, at + ".content");
                case "assistant" -> assistant(blocks, at + ".content");
                default -> throw new InvalidRequestException(at + ".role",
                        at + ".role: must be user or assistant");
            }
        }
        List<Content> merged = merge(contents);
        boolean startsWithCall = !merged.isEmpty() && Content.MODEL.equals(merged.get(0).role())
                && merged.get(0).parts().stream().anyMatch(p -> p.functionCall() != null);
        if (merged.isEmpty() || startsWithCall) {
            merged.add(0, new Content(Content.USER, List.of(Part.text(Conversation.PLACEHOLDER))));
        }
        return new Result(List.copyOf(merged), instruction);
    }

    private static Content system(io.github.geminibalance.anthropic.Content system) {
        if (system == null) {
            return null;
        }
        List<Part> parts = new ArrayList<>();
        if (system.text() != null) {
            addText(parts, system.text());
        } else {
            for (int j = 0; j < system.blocks().size(); j++) {
                InputBlock block = system.blocks().get(j);
                if (block == null || !BlockTypes.TEXT.equals(block.type())) {
                    throw new InvalidRequestException("system." + j + ".type",
                            "system." + j + ".type: system blocks must be text blocks");
                }
                addText(parts, block.text());
            }
        }
        return parts.isEmpty() ? null : new Content(null, List.copyOf(parts));
    }

    private void user(List<InputBlock> blocks, String at) {
        List<Part> responses = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        List<Part> parts = new ArrayList<>();
        Map<String, Call> unanswered = new LinkedHashMap<>(pending);
        for (int j = 0; j < blocks.size(); j++) {
            InputBlock block = block(blocks, j, at);
            String here = at + "." + j;
            switch (block.type()) {
                case BlockTypes.TEXT -> addText(parts, block.text());
                case BlockTypes.IMAGE -> parts.add(media(block.source(), here + ".source", true));
                case BlockTypes.DOCUMENT -> parts.add(media(block.source(), here + ".source", false));
                case BlockTypes.TOOL_RESULT -> {
                    String id = block.toolUseId();
                    Call call = id == null ? null : calls.get(id);
                    if (call == null) {
                        throw new InvalidRequestException(here + ".tool_use_id", here
                                + ".tool_use_id: no tool_use block with this id in an earlier assistant message");
                    }
                    unanswered.remove(id);
                    order.add(ordinal(id));
                    responses.add(Part.functionResponse(new Part.FunctionResponse(call.name(),
                            result(block, here, parts), call.geminiId())));
                }
                default -> throw new InvalidRequestException(here + ".type", here + ".type: '" + block.type()
                        + "' blocks are not allowed in user messages");
            }
        }
        if (!responses.isEmpty()) {
            responses = inCallOrder(responses, order);
            for (Call call : unanswered.values()) {
                ObjectNode error = JsonNodeFactory.instance.objectNode().put("error", "no result was sent for this call");
                responses.add(Part.functionResponse(new Part.FunctionResponse(call.name(), error, call.geminiId())));
            }
        }
        pending = Map.of();
        responses.addAll(parts);
        add(Content.USER, responses);
    }

    // Gemini pairs responses with the calls of the previous turn: keep the calls' order
    private int ordinal(String id) {
        int i = 0;
        for (String pendingId : pending.keySet()) {
            if (pendingId.equals(id)) {
                return i;
            }
            i++;
        }
        return Integer.MAX_VALUE;
    }

    private static List<Part> inCallOrder(List<Part> responses, List<Integer> order) {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < responses.size(); i++) {
            positions.add(i);
        }
        positions.sort((a, b) -> Integer.compare(order.get(a), order.get(b))); // stable: ties keep their order
        List<Part> sorted = new ArrayList<>();
        positions.forEach(i -> sorted.add(responses.get(i)));
        return sorted;
    }

    private JsonNode result(InputBlock block, String at, List<Part> extra) {
        StringBuilder text = new StringBuilder();
        io.github.geminibalance.anthropic.Content content = block.content();
        if (content != null && content.text() != null) {
            text.append(content.text());
        } else if (content != null) {
            for (int k = 0; k < content.blocks().size(); k++) {
                InputBlock inner = block(content.blocks(), k, at + ".content");
                switch (inner.type()) {
                    case BlockTypes.TEXT -> {
                        if (inner.text() != null && !inner.text().isEmpty()) {
                            text.append(text.length() > 0 ? "\n" : "").append(inner.text());
                        }
                    }
                    case BlockTypes.IMAGE -> extra.add(media(inner.source(), at + ".content." + k + ".source", true));
                    case BlockTypes.DOCUMENT -> extra.add(media(inner.source(), at + ".content." + k + ".source", false));
                    default -> throw new InvalidRequestException(at + ".content." + k + ".type", at + ".content." + k
                            + ".type: tool results hold text, image and document blocks");
                }
            }
        }
        return JsonNodeFactory.instance.objectNode()
                .put(Boolean.TRUE.equals(block.isError()) ? "error" : "output", text.toString());
    }

    private void assistant(List<InputBlock> blocks, String at) {
        List<Part> parts = new ArrayList<>();
        Map<String, Call> turnCalls = new LinkedHashMap<>();
        boolean firstCall = true;
        for (int j = 0; j < blocks.size(); j++) {
            InputBlock block = block(blocks, j, at);
            String here = at + "." + j;
            switch (block.type()) {
                case BlockTypes.TEXT -> addText(parts, block.text());
                case BlockTypes.THINKING -> {
                    if (block.thinking() != null && !block.thinking().isEmpty()) {
                        String signature = block.signature() == null || block.signature().isEmpty() ? null
                                : block.signature();
                        parts.add(new Part(block.thinking(), Boolean.TRUE, signature, null, null, null, null, null,
                                null));
                    }
                }
                case BlockTypes.REDACTED_THINKING -> { }
                case BlockTypes.TOOL_USE -> {
                    if (block.id() == null || block.id().isBlank()) {
                        throw new InvalidRequestException(here + ".id", here + ".id: Field required");
                    }
                    if (block.name() == null || block.name().isBlank()) {
                        throw new InvalidRequestException(here + ".name", here + ".name: Field required");
                    }
                    ToolCallIds.Decoded decoded = ToolCallIds.decode(ID_PREFIX, block.id());
                    String signature = decoded.thoughtSignature();
                    if (signature == null && gemini3 && firstCall) {
                        signature = Conversation.SKIP_SIGNATURE;
                    }
                    firstCall = false;
                    JsonNode input = block.input() == null || block.input().isNull()
                            ? JsonNodeFactory.instance.objectNode() : block.input();
                    if (!input.isObject()) {
                        throw new InvalidRequestException(here + ".input", here + ".input: must be an object");
                    }
                    parts.add(Part.functionCall(new Part.FunctionCall(block.name(), input, decoded.geminiId()),
                            signature));
                    Call call = new Call(block.name(), decoded.geminiId());
                    calls.put(block.id(), call);
                    turnCalls.put(block.id(), call);
                }
                default -> throw new InvalidRequestException(here + ".type", here + ".type: '" + block.type()
                        + "' blocks are not allowed in assistant messages");
            }
        }
        pending = turnCalls;
        add(Content.MODEL, parts);
    }

    private static InputBlock block(List<InputBlock> blocks, int j, String at) {
        InputBlock block = blocks.get(j);
        if (block == null || block.type() == null) {
            throw new InvalidRequestException(at + "." + j + ".type", at + "." + j + ".type: Field required");
        }
        return block;
    }

    private Part media(InputBlock.Source source, String at, boolean image) {
        if (source == null || source.type() == null) {
            throw new InvalidRequestException(at, at + ": Field required");
        }
        switch (source.type()) {
            case "base64" -> {
                String mime = source.mediaType() == null ? (image ? null : PDF)
                        : DataUrl.normaliseMime(source.mediaType());
                if (mime == null || (image && !IMAGE_TYPES.contains(mime))) {
                    throw new InvalidRequestException(at + ".media_type", at
                            + ".media_type: must be image/jpeg, image/png, image/gif or image/webp");
                }
                DataUrl.requireBase64(source.data(), at + ".data");
                return Part.inline(mime, source.data());
            }
            case "url" -> {
                String fetched = source.url() == null ? null : media.get(source.url());
                if (fetched == null) {
                    throw new InvalidRequestException(at + ".url", at + ".url: Field required");
                }
                DataUrl data = DataUrl.parse(fetched, at + ".url");
                return Part.inline(data.mimeType() != null ? data.mimeType() : (image ? "image/jpeg" : PDF),
                        data.data());
            }
            case "text" -> {
                if (image || source.data() == null) {
                    throw new InvalidRequestException(at + ".type", at + ".type: must be base64 or url");
                }
                return Part.text(source.data());
            }
            default -> throw new InvalidRequestException(at + ".type", at + ".type: must be base64, url"
                    + (image ? "" : " or text"));
        }
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
