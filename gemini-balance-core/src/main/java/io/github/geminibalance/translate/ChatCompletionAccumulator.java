package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.openai.Annotation;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.openai.ResponseMessage;
import io.github.geminibalance.openai.ToolCall;
import io.github.geminibalance.openai.Usage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Folds {@code chat.completion.chunk}s into the {@code chat.completion} they describe, the way an
 * OpenAI SDK's stream accumulator does. The non-stream answer is this fold of the
 * {@link ChatStreamTranslator}'s chunks, so both modes share one translation. Not thread-safe.
 *
 * <p>Per choice: {@code content} and {@code reasoning_content} are concatenated (null when nothing but
 * empty strings arrived, e.g. a tool-call-only answer); tool-call deltas are merged by {@code index}
 * (id, type and name from the first delta that has them, arguments concatenated); refusals are
 * concatenated; annotations and images are appended; {@code logprobs} objects are merged with their
 * {@code content} (and {@code refusal}) token lists concatenated in order (null when no chunk had
 * any); the last non-null {@code finish_reason} wins. Choices are sorted by index; the message role is
 * always {@code assistant}.
 */
public final class ChatCompletionAccumulator {

    private final Map<Integer, ChoiceBuilder> choices = new TreeMap<>();
    private String id;
    private Long created;
    private String model;
    private Usage usage;

    /** Creates an empty accumulator. */
    public ChatCompletionAccumulator() {}

    /** Adds one chunk; id, created and model come from the first chunk that has them. */
    public void add(ChatCompletionChunk chunk) {
        Objects.requireNonNull(chunk, "chunk");
        if (id == null) {
            id = chunk.id();
        }
        if (created == null) {
            created = chunk.created();
        }
        if (model == null) {
            model = chunk.model();
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        if (chunk.choices() == null) {
            return;
        }
        for (ChatCompletionChunk.Choice choice : chunk.choices()) {
            ChoiceBuilder builder = choices.computeIfAbsent(choice.index(), ChoiceBuilder::new);
            builder.add(choice);
        }
    }

    /** The folded chat.completion; usage is set from the last chunk that had one. */
    public ChatCompletion result() {
        List<ChatCompletion.Choice> built = new ArrayList<>();
        for (ChoiceBuilder builder : choices.values()) {
            built.add(builder.build());
        }
        return new ChatCompletion(id, ChatCompletion.OBJECT, created == null ? 0 : created, model,
                List.copyOf(built), usage);
    }

    /**
     * Convenience: translate one non-stream Gemini response into a chat.completion. The response goes
     * through a {@link ChatStreamTranslator} as a single event; the result always carries usage (zero
     * counts if Gemini reported none), whatever {@link ResponseOptions#includeUsage()} says.
     */
    public static ChatCompletion translate(GenerateContentResponse response, ResponseOptions options,
                                           Clock clock, RandomGenerator random) {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(options, "options");
        ChatStreamTranslator translator = new ChatStreamTranslator(options.withIncludeUsage(true), clock, random);
        ChatCompletionAccumulator accumulator = new ChatCompletionAccumulator();
        translator.onEvent(response).forEach(accumulator::add);
        translator.onComplete().forEach(accumulator::add);
        return accumulator.result();
    }

    /** The state of one choice. */
    private static final class ChoiceBuilder {
        private final int index;
        private final StringBuilder content = new StringBuilder();
        private final StringBuilder reasoning = new StringBuilder();
        private final Map<Integer, ToolCallBuilder> toolCalls = new TreeMap<>();
        private final List<Annotation> annotations = new ArrayList<>();
        private final List<io.github.geminibalance.openai.OutputImage> images = new ArrayList<>();
        private StringBuilder refusal;
        private JsonNode logprobs;
        private String finishReason;

        ChoiceBuilder(int index) {
            this.index = index;
        }

        void add(ChatCompletionChunk.Choice choice) {
            if (choice.finishReason() != null) {
                finishReason = choice.finishReason();
            }
            if (choice.logprobs() != null && choice.logprobs().isObject()) {
                logprobs = ResponseLogprobs.concat(logprobs, choice.logprobs());
            }
            ChatCompletionChunk.Delta delta = choice.delta();
            if (delta == null) {
                return;
            }
            if (delta.content() != null) {
                content.append(delta.content());
            }
            if (delta.reasoningContent() != null) {
                reasoning.append(delta.reasoningContent());
            }
            if (delta.refusal() != null) {
                if (refusal == null) {
                    refusal = new StringBuilder();
                }
                refusal.append(delta.refusal());
            }
            if (delta.toolCalls() != null) {
                for (ToolCall call : delta.toolCalls()) {
                    // index is required on stream deltas; tolerate a missing one as "the next call"
                    int callIndex = call.index() != null ? call.index() : toolCalls.size();
                    toolCalls.computeIfAbsent(callIndex, i -> new ToolCallBuilder()).add(call);
                }
            }
            if (delta.annotations() != null) {
                annotations.addAll(delta.annotations());
            }
            if (delta.images() != null) {
                images.addAll(delta.images());
            }
        }

        ChatCompletion.Choice build() {
            List<ToolCall> calls = null;
            if (!toolCalls.isEmpty()) {
                calls = new ArrayList<>();
                for (ToolCallBuilder call : toolCalls.values()) {
                    calls.add(call.build());
                }
                calls = List.copyOf(calls);
            }
            ResponseMessage message = new ResponseMessage(
                    "assistant",
                    content.length() == 0 ? null : content.toString(),
                    reasoning.length() == 0 ? null : reasoning.toString(),
                    refusal == null ? null : refusal.toString(),
                    calls,
                    annotations.isEmpty() ? null : List.copyOf(annotations),
                    images.isEmpty() ? null : List.copyOf(images));
            return new ChatCompletion.Choice(index, message, logprobs, finishReason);
        }
    }

    /** The state of one tool call. */
    private static final class ToolCallBuilder {
        private final StringBuilder arguments = new StringBuilder();
        private String id;
        private String type;
        private String name;

        void add(ToolCall call) {
            if (id == null) {
                id = call.id();
            }
            if (type == null) {
                type = call.type();
            }
            if (call.function() != null) {
                if (name == null) {
                    name = call.function().name();
                }
                if (call.function().arguments() != null) {
                    arguments.append(call.function().arguments());
                }
            }
        }

        ToolCall build() {
            return new ToolCall(null, id, type == null ? "function" : type,
                    new ToolCall.FunctionCall(name, arguments.toString()));
        }
    }
}
