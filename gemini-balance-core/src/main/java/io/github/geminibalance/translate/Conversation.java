package io.github.geminibalance.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.gemini.Content;
import io.github.geminibalance.gemini.Part;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.ChatMessage;
import io.github.geminibalance.openai.ContentPart;
import io.github.geminibalance.openai.MessageContent;
import io.github.geminibalance.openai.ToolCall;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns OpenAI {@code messages} into Gemini {@code contents} and {@code systemInstruction}. One instance
 * per request; not thread-safe. See {@link ChatRequestTranslator} for the rules.
 */
final class Conversation {

    /** Gemini's documented placeholder for a function call whose signature was lost. */
    static final String SKIP_SIGNATURE = "skip_thought_signature_validator";

    /** The text of the user turn added when the contents would otherwise be empty or start wrongly. */
    static final String PLACEHOLDER = ".";

    /** The translated conversation. */
    record Result(List<Content> contents, Content systemInstruction) {}

    private record Call(String name, String geminiId, int ordinal) {}

    private record Answer(int ordinal, Part part) {}

    private static final ObjectReader STRICT_JSON =
            Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final boolean gemini3;
    private final List<Part> system = new ArrayList<>();
    private final List<Content> contents = new ArrayList<>();
    private final Map<String, Call> callsById = new HashMap<>();
    private final List<Answer> answers = new ArrayList<>();
    private List<Call> pending = List.of();
    private int nextOrdinal;
    private boolean speakerNames; // two or more distinct user names: user text says who speaks

    private Conversation(String upstreamModel) {
        this.gemini3 = Thinking.isGemini3(upstreamModel);
    }

    /**
     * Translates a non-empty message list.
     *
     * @param upstreamModel the Gemini model id (decides the thought-signature fallback)
     * @throws InvalidRequestException naming the message field at fault
     */
    static Result translate(List<ChatMessage> messages, String upstreamModel) {
        return new Conversation(upstreamModel).run(messages);
    }

    private Result run(List<ChatMessage> messages) {
        speakerNames = distinctUserNames(messages) >= 2;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            String at = "messages[" + i + "]";
            if (message == null) {
                throw new InvalidRequestException(at, "A message must be an object.");
            }
            String role = message.role();
            if (role == null) {
                throw new InvalidRequestException(at + ".role", "The message role is required.");
            }
            switch (role) {
                case "system", "developer" -> systemMessage(message, at);
                case "user" -> {
                    flushAnswers();
                    add(Content.USER, speaker(message.name(), parts(message.content(), at)));
                }
                case "assistant" -> {
                    flushAnswers();
                    assistantMessage(message, at);
                }
                case "tool" -> toolMessage(message, at);
                case "function" -> functionMessage(message, at);
                default -> throw new InvalidRequestException(at + ".role", "Unknown role '" + role
                        + "'; expected system, developer, user, assistant, tool or function.");
            }
        }
        flushAnswers();
        List<Content> merged = merge(contents);
        boolean startsWithCall = !merged.isEmpty() && Content.MODEL.equals(merged.get(0).role())
                && merged.get(0).parts().stream().anyMatch(p -> p.functionCall() != null);
        if (merged.isEmpty() || startsWithCall) {
            merged.add(0, new Content(Content.USER, List.of(Part.text(PLACEHOLDER))));
        }
        Content instruction = system.isEmpty() ? null : new Content(null, List.copyOf(system));
        return new Result(List.copyOf(merged), instruction);
    }

    /** How many different non-blank names the user messages carry. */
    private static int distinctUserNames(List<ChatMessage> messages) {
        Set<String> names = new HashSet<>();
        for (ChatMessage message : messages) {
            if (message != null && "user".equals(message.role()) && message.name() != null
                    && !message.name().isBlank()) {
                names.add(message.name().strip());
            }
        }
        return names.size();
    }

    /**
     * In a multi-user chat, says who speaks: the first text part gets {@code "<name>: "} in front (a
     * message without text gets a leading {@code "<name>:"} part). Otherwise the parts as they are.
     */
    private List<Part> speaker(String name, List<Part> parts) {
        if (!speakerNames || name == null || name.isBlank() || parts.isEmpty()) {
            return parts;
        }
        String label = name.strip() + ":";
        for (int j = 0; j < parts.size(); j++) {
            Part part = parts.get(j);
            if (part.text() != null) {
                parts.set(j, Part.text(label + " " + part.text()));
                return parts;
            }
        }
        parts.add(0, Part.text(label));
        return parts;
    }

    private void systemMessage(ChatMessage message, String at) {
        MessageContent content = message.content();
        StringBuilder text = new StringBuilder();
        if (content != null && content.text() != null) {
            text.append(content.text());
        } else if (content != null && content.parts() != null) {
            List<ContentPart> parts = content.parts();
            for (int j = 0; j < parts.size(); j++) {
                ContentPart part = parts.get(j);
                String partAt = at + ".content[" + j + "]";
                if (part == null || !"text".equals(part.type())) {
                    throw new InvalidRequestException(partAt + ".type",
                            "System and developer messages may only contain text parts.");
                }
                if (part.text() != null && !part.text().isEmpty()) {
                    if (text.length() > 0) {
                        text.append('\n');
                    }
                    text.append(part.text());
                }
            }
        }
        if (text.length() > 0) {
            system.add(Part.text(text.toString()));
        }
    }

    private void assistantMessage(ChatMessage message, String at) {
        List<Part> parts = parts(message.content(), at);
        if (parts.isEmpty() && message.refusal() != null && !message.refusal().isEmpty()) {
            parts.add(Part.text(message.refusal()));
        }
        List<Call> calls = new ArrayList<>();
        List<ToolCall> toolCalls = message.toolCalls() == null ? List.of() : message.toolCalls();
        for (int j = 0; j < toolCalls.size(); j++) {
            String callAt = at + ".tool_calls[" + j + "]";
            ToolCall call = toolCalls.get(j);
            if (call == null || call.function() == null) {
                throw new InvalidRequestException(callAt + ".function", "A tool call needs a function.");
            }
            if (call.type() != null && !call.type().equals("function")) {
                throw new InvalidRequestException(callAt + ".type", "Only function tool calls are supported.");
            }
            String name = call.function().name();
            if (name == null || name.isBlank()) {
                throw new InvalidRequestException(callAt + ".function.name", "The function name is required.");
            }
            JsonNode args = arguments(call.function().arguments(), callAt + ".function.arguments");
            ToolCallIds.Decoded decoded = ToolCallIds.decode(call.id());
            String signature = decoded.thoughtSignature();
            if (j == 0 && signature == null && gemini3) {
                signature = SKIP_SIGNATURE;
            }
            parts.add(Part.functionCall(new Part.FunctionCall(name, args, decoded.geminiId()), signature));
            Call known = new Call(name, decoded.geminiId(), nextOrdinal++);
            calls.add(known);
            if (call.id() != null) {
                callsById.put(call.id(), known);
            }
        }
        ToolCall.FunctionCall legacy = message.functionCall();
        if (legacy != null) {
            String callAt = at + ".function_call";
            if (legacy.name() == null || legacy.name().isBlank()) {
                throw new InvalidRequestException(callAt + ".name", "The function name is required.");
            }
            JsonNode args = arguments(legacy.arguments(), callAt + ".arguments");
            parts.add(Part.functionCall(new Part.FunctionCall(legacy.name(), args, null),
                    calls.isEmpty() && gemini3 ? SKIP_SIGNATURE : null));
            calls.add(new Call(legacy.name(), null, nextOrdinal++));
        }
        pending = calls;
        add(Content.MODEL, parts);
    }

    private void toolMessage(ChatMessage message, String at) {
        String id = message.toolCallId();
        if (id == null || id.isBlank()) {
            throw new InvalidRequestException(at + ".tool_call_id", "tool_call_id is required on tool messages.");
        }
        Call call = callsById.get(id);
        if (call == null) {
            throw new InvalidRequestException(at + ".tool_call_id",
                    "tool_call_id does not match any tool call of an earlier assistant message.");
        }
        answer(call, text(message.content(), at));
    }

    /** The legacy {@code function} role: answers the pending call of that name, if any. */
    private void functionMessage(ChatMessage message, String at) {
        String name = message.name();
        if (name == null || name.isBlank()) {
            throw new InvalidRequestException(at + ".name", "name is required on function messages.");
        }
        Set<Integer> answered = answeredOrdinals();
        Call call = pending.stream()
                .filter(c -> c.name().equals(name) && !answered.contains(c.ordinal()))
                .findFirst()
                .orElseGet(() -> new Call(name, null, nextOrdinal++));
        answer(call, text(message.content(), at));
    }

    private void answer(Call call, String result) {
        Part part = Part.functionResponse(new Part.FunctionResponse(call.name(), response(result), call.geminiId()));
        answers.add(new Answer(call.ordinal(), part));
    }

    /**
     * Emits the pending tool answers as one user turn, ordered like the calls. Calls of the preceding
     * assistant turn left unanswered get an error result, since Gemini needs as many responses as calls.
     */
    private void flushAnswers() {
        if (!answers.isEmpty()) {
            Set<Integer> answered = answeredOrdinals();
            for (Call call : pending) {
                if (!answered.contains(call.ordinal())) {
                    ObjectNode error = JsonNodeFactory.instance.objectNode()
                            .put("error", "No result was provided for this call.");
                    answers.add(new Answer(call.ordinal(), Part.functionResponse(
                            new Part.FunctionResponse(call.name(), error, call.geminiId()))));
                }
            }
            answers.sort(Comparator.comparingInt(Answer::ordinal));
            add(Content.USER, new ArrayList<>(answers.stream().map(Answer::part).toList()));
            answers.clear();
        }
        pending = List.of();
    }

    private Set<Integer> answeredOrdinals() {
        Set<Integer> answered = new HashSet<>();
        answers.forEach(a -> answered.add(a.ordinal()));
        return answered;
    }

    private void add(String role, List<Part> parts) {
        if (!parts.isEmpty()) {
            contents.add(new Content(role, parts));
        }
    }

    private static List<Part> parts(MessageContent content, String at) {
        List<Part> parts = new ArrayList<>();
        if (content == null) {
            return parts;
        }
        if (content.text() != null) {
            if (!content.text().isEmpty()) {
                parts.add(Part.text(content.text()));
            }
            return parts;
        }
        List<ContentPart> items = content.parts() == null ? List.of() : content.parts();
        for (int j = 0; j < items.size(); j++) {
            Part part = MediaParts.toPart(items.get(j), at + ".content[" + j + "]");
            if (part != null) {
                parts.add(part);
            }
        }
        return parts;
    }

    /** The text of a tool result: the string, or its text parts joined. */
    private static String text(MessageContent content, String at) {
        if (content == null) {
            return "";
        }
        if (content.text() != null) {
            return content.text();
        }
        StringBuilder text = new StringBuilder();
        List<ContentPart> items = content.parts() == null ? List.of() : content.parts();
        for (int j = 0; j < items.size(); j++) {
            ContentPart part = items.get(j);
            if (part == null || !"text".equals(part.type())) {
                throw new InvalidRequestException(at + ".content[" + j + "].type",
                        "Tool results may only contain text parts.");
            }
            if (part.text() != null) {
                text.append(part.text());
            }
        }
        return text.toString();
    }

    /** A tool result as Gemini's {@code response} object: a JSON object as is, else wrapped in "result". */
    static JsonNode response(String result) {
        JsonNode parsed = null;
        if (!result.isBlank()) {
            try {
                parsed = STRICT_JSON.readTree(result);
            } catch (JsonProcessingException e) {
                parsed = null;
            }
        }
        if (parsed != null && parsed.isObject()) {
            return parsed;
        }
        ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
        if (parsed != null && !parsed.isMissingNode()) {
            wrapped.set("result", parsed);
        } else {
            wrapped.put("result", result);
        }
        return wrapped;
    }

    /** Parses tool-call arguments, which must be a JSON object (empty means no arguments). */
    static JsonNode arguments(String arguments, String at) {
        if (arguments == null || arguments.isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        JsonNode parsed;
        try {
            parsed = STRICT_JSON.readTree(arguments);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(at, "The tool call arguments are not valid JSON.");
        }
        if (parsed == null || !parsed.isObject()) {
            throw new InvalidRequestException(at, "The tool call arguments must be a JSON object.");
        }
        return parsed;
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
