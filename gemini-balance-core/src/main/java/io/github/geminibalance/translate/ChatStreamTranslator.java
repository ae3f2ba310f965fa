package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.gemini.Candidate;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.gemini.Part;
import io.github.geminibalance.openai.Annotation;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.openai.ChatCompletionChunk.Delta;
import io.github.geminibalance.openai.OutputImage;
import io.github.geminibalance.openai.ToolCall;
import io.github.geminibalance.openai.Usage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Translates one Gemini answer into OpenAI {@code chat.completion.chunk}s, event by event. This is the
 * only Gemini -> OpenAI chat translation: a stream feeds every upstream event to {@link #onEvent}, a
 * non-stream call feeds its single response as one event, and {@link ChatCompletionAccumulator} folds
 * the chunks into a {@code chat.completion}. One instance per request; not thread-safe.
 *
 * <p>Per choice ({@code candidate.index}, or its position when absent) it emits: a role chunk
 * {@code {role:"assistant", content:""}} before anything else ({@code content} left out when the answer
 * starts with a tool call or a refusal, as OpenAI does); text as {@code content}; thought
 * summaries as {@code reasoning_content}; each function call as a {@code tool_calls} delta whose
 * {@code index} counts the calls of that choice (0, 1, 2... across events) and whose {@code id} comes
 * from {@link ToolCallIds#encode} with the Gemini call id and the {@code thoughtSignature} of the
 * functionCall part itself (Gemini attaches a call's signature to its own part; signatures on text
 * parts are not needed to continue a conversation and are not carried); executed code and its output as markdown in
 * {@code content}; each generated image as its own delta holding a markdown image (a data URL) in
 * {@code content} and the image in {@code images} (OpenRouter's shape); and, when Gemini sets {@code finishReason}, the
 * grounding sources (if {@link ResponseOptions#search()}) followed by a finish chunk. Empty texts and
 * candidates without parts produce nothing; thought parts other than text (draft images) are dropped.
 * With {@link ResponseOptions#parallelToolCalls()} false only the first call of a choice is emitted;
 * later calls are dropped before an id is minted for them.
 *
 * <p>Token log probabilities ({@code candidate.logprobsResult}, present when the request asked for
 * {@code logprobs}) become the chunk's {@code logprobs} object (see {@link ResponseLogprobs}): each
 * event's tokens ride on that event's first content delta (else its first delta; if the event emits
 * nothing, on the next chunk of that choice), so every chunk's logprobs cover the tokens of its text.
 *
 * <p>A prompt blocked by Gemini (no candidates, {@code promptFeedback.blockReason}) becomes, for every
 * requested choice, a role chunk, a {@code refusal} chunk saying why, and a {@code content_filter}
 * finish. A candidate stopped by a content filter ({@code SAFETY}, {@code RECITATION}, ...) before it
 * produced any content or tool call likewise gets a {@code refusal} naming the reason (and Gemini's
 * {@code finishMessage}) before its {@code content_filter} finish; text already sent is kept as is.
 */
public final class ChatStreamTranslator implements EventTranslator<ChatCompletionChunk> {

    private static final String ID_PREFIX = "chatcmpl-";
    private static final String ASSISTANT = "assistant";
    private static final String URL_CITATION = "url_citation";
    private static final char[] ID_ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private final ResponseOptions options;
    private final RandomGenerator random;
    private final long created;
    private final Map<Integer, ChoiceState> choices = new TreeMap<>();
    private String id;
    private Usage usage;
    private long events;
    private boolean finished;
    private boolean producedOutput;
    private boolean completed;

    /**
     * Creates a translator for one request.
     *
     * @param options the response settings
     * @param clock read once, here, for {@code created}
     * @param random mints the completion id when Gemini sent no {@code responseId}, and tool-call ids
     *     when Gemini sent no call id
     */
    public ChatStreamTranslator(ResponseOptions options, Clock clock, RandomGenerator random) {
        this.options = Objects.requireNonNull(options, "options");
        this.random = Objects.requireNonNull(random, "random");
        this.created = Objects.requireNonNull(clock, "clock").instant().getEpochSecond();
    }

    /**
     * Chunks for one upstream event (possibly none).
     *
     * @throws IllegalStateException if called after {@link #onComplete()}
     */
    @Override
    public List<ChatCompletionChunk> onEvent(GenerateContentResponse event) {
        Objects.requireNonNull(event, "event");
        if (completed) {
            throw new IllegalStateException("onEvent called after onComplete");
        }
        long eventNo = events++;
        if (id == null) {
            // fixed before any tool-call id is minted, so the draws from random do not depend on how
            // the answer was split into events
            id = event.responseId() != null && !event.responseId().isBlank()
                    ? ID_PREFIX + event.responseId()
                    : randomId();
        }
        if (event.usageMetadata() != null) {
            usage = ResponseUsage.from(event.usageMetadata());
        }
        List<ChatCompletionChunk> out = new ArrayList<>();
        List<Candidate> candidates = event.candidatesOrEmpty();
        if (candidates.isEmpty()) {
            GenerateContentResponse.PromptFeedback feedback = event.promptFeedback();
            if (feedback != null && feedback.blockReason() != null) {
                block(feedback, out);
            }
            return out;
        }
        for (int position = 0; position < candidates.size(); position++) {
            Candidate candidate = candidates.get(position);
            if (candidate != null) {
                translate(candidate, position, eventNo, out);
            }
        }
        return out;
    }

    /**
     * Chunks to emit when the upstream stream ended normally: a finish chunk for every choice that has
     * none yet (each of {@code 0..choiceCount-1} and any other index seen; {@code tool_calls} if the
     * choice emitted a call, else {@code stop}), preceded by its role chunk and grounding sources when
     * those are still due, then the usage-only chunk if {@link ResponseOptions#includeUsage()} (zero
     * counts if Gemini reported none). A second call returns nothing.
     */
    @Override
    public List<ChatCompletionChunk> onComplete() {
        if (completed) {
            return List.of();
        }
        completed = true;
        for (int index = 0; index < options.choiceCount(); index++) {
            choice(index);
        }
        List<ChatCompletionChunk> out = new ArrayList<>();
        for (ChoiceState choice : choices.values()) {
            if (!choice.finished) {
                finish(choice, ResponseFinishReasons.map(null, choice.toolCalls > 0), out);
            }
        }
        if (options.includeUsage()) {
            out.add(chunk(List.of(), usage != null ? usage : ResponseUsage.ZERO));
        }
        return out;
    }

    /** Whether any candidate carried a finishReason, or the prompt was blocked. */
    @Override
    public boolean finished() {
        return finished;
    }

    /** Whether any chunk with content, reasoning, tool calls or a finish reason has been produced. */
    @Override
    public boolean producedOutput() {
        return producedOutput;
    }

    /** The OpenAI usage so far (from the last usageMetadata), or null. */
    public Usage usage() {
        return usage;
    }

    /** {@link #usage()} as the trace's counts, or null. */
    @Override
    public io.github.geminibalance.RequestTrace.Tokens tokens() {
        return ChatFrontDoor.tokens(usage);
    }

    private void translate(Candidate candidate, int position, long eventNo, List<ChatCompletionChunk> out) {
        int index = candidate.index() != null && candidate.index() >= 0 ? candidate.index() : position;
        ChoiceState choice = choice(index);
        if (choice.finished) {
            return; // Gemini never continues a finished candidate; ignore rather than emit after finish
        }
        DeltaRuns runs = new DeltaRuns();
        List<Part> parts = candidate.parts();
        for (int partIndex = 0; partIndex < parts.size(); partIndex++) {
            Part part = parts.get(partIndex);
            if (part != null) {
                render(choice, part, partIndex, eventNo, runs);
            }
        }
        List<Delta> deltas = runs.finish();
        JsonNode logprobs = ResponseLogprobs.of(candidate.logprobsResult());
        if (logprobs != null && deltas.isEmpty()) {
            choice.logprobs = ResponseLogprobs.concat(choice.logprobs, logprobs); // rides on the next chunk
        }
        int carrier = logprobs == null ? -1 : logprobsCarrier(deltas);
        for (int i = 0; i < deltas.size(); i++) {
            if (i == carrier) {
                choice.logprobs = ResponseLogprobs.concat(choice.logprobs, logprobs);
            }
            emit(choice, deltas.get(i), null, out);
        }
        if (options.search() && candidate.groundingMetadata() != null) {
            collectGrounding(choice, candidate.groundingMetadata(), eventNo);
        }
        if (candidate.finishReason() != null) {
            finished = true;
            if (candidate.finishReason().isContentFilter() && choice.contentLength == 0 && choice.toolCalls == 0) {
                // filtered before any answer: say why, as for a blocked prompt, instead of an empty message
                emit(choice, new Delta(null, null, null, filtered(candidate), null, null), null, out);
            }
            finish(choice, ResponseFinishReasons.map(candidate.finishReason(), choice.toolCalls > 0), out);
        }
    }

    /** The delta that carries an event's logprobs: its first content delta, else its first delta. */
    private static int logprobsCarrier(List<Delta> deltas) {
        for (int i = 0; i < deltas.size(); i++) {
            if (deltas.get(i).content() != null) {
                return i;
            }
        }
        return 0;
    }

    private static String filtered(Candidate candidate) {
        String refusal = "The answer was blocked by Gemini: " + candidate.finishReason().value();
        if (candidate.finishMessage() != null && !candidate.finishMessage().isBlank()) {
            refusal += ". " + candidate.finishMessage();
        }
        return refusal;
    }

    private void render(ChoiceState choice, Part part, int partIndex, long eventNo, DeltaRuns runs) {
        if (part.thoughtSummary() && part.functionCall() == null) {
            if (part.text() != null && !part.text().isEmpty()) {
                runs.reasoning(part.text());
            }
            return;
        }
        if (part.text() != null) {
            if (!part.text().isEmpty()) {
                choice.answer.add(eventNo, partIndex, part.text(), choice.contentLength);
                appendContent(choice, part.text(), runs);
            }
        } else if (part.functionCall() != null) {
            if (!options.parallelToolCalls() && choice.toolCalls > 0) {
                return; // parallel_tool_calls: false keeps the first call only
            }
            Part.FunctionCall call = part.functionCall();
            String callId = ToolCallIds.encode(call.id(), part.thoughtSignature(), random);
            String name = call.name() == null ? "" : call.name();
            runs.toolCall(new ToolCall(choice.toolCalls++, callId, "function",
                    new ToolCall.FunctionCall(name, ResponseRendering.arguments(call.args()))));
        } else if (part.executableCode() != null) {
            appendContent(choice, ResponseRendering.executableCode(part.executableCode()), runs);
        } else if (part.codeExecutionResult() != null) {
            appendContent(choice, ResponseRendering.codeExecutionResult(part.codeExecutionResult()), runs);
        } else if (part.inlineData() != null) {
            String markdown = ResponseRendering.inlineImage(part.inlineData());
            choice.contentLength += markdown.codePointCount(0, markdown.length());
            runs.image(markdown, OutputImage.of(ResponseRendering.dataUrl(part.inlineData())));
        }
        // fileData / functionResponse / signature-only parts have nothing to show
    }

    private static void appendContent(ChoiceState choice, String text, DeltaRuns runs) {
        choice.contentLength += text.codePointCount(0, text.length());
        runs.content(text);
    }

    private void collectGrounding(ChoiceState choice, Candidate.GroundingMetadata metadata, long eventNo) {
        List<Candidate.GroundingChunk> chunks = metadata.groundingChunks();
        if (chunks == null || chunks.isEmpty()) {
            return;
        }
        for (Candidate.GroundingChunk chunk : chunks) {
            Candidate.Web web = webOf(chunk);
            if (web != null) {
                choice.sources.putIfAbsent(web.uri(), web);
            }
        }
        if (metadata.groundingSupports() == null) {
            return;
        }
        for (Candidate.GroundingSupport support : metadata.groundingSupports()) {
            Candidate.Segment segment = support == null ? null : support.segment();
            if (segment == null || segment.endIndex() == null || support.groundingChunkIndices() == null) {
                continue;
            }
            int start = segment.startIndex() == null ? 0 : segment.startIndex();
            int[] range = choice.answer.contentRange(segment.partIndex(), eventNo, start, segment.endIndex());
            if (range == null) {
                continue;
            }
            for (Integer chunkIndex : support.groundingChunkIndices()) {
                if (chunkIndex == null || chunkIndex < 0 || chunkIndex >= chunks.size()) {
                    continue;
                }
                Candidate.Web web = webOf(chunks.get(chunkIndex));
                if (web != null) {
                    choice.annotations.add(new Annotation(URL_CITATION, new Annotation.UrlCitation(
                            range[0], range[1], web.uri(), ResponseRendering.titleOf(web))));
                }
            }
        }
    }

    private static Candidate.Web webOf(Candidate.GroundingChunk chunk) {
        if (chunk == null || chunk.web() == null || chunk.web().uri() == null || chunk.web().uri().isBlank()) {
            return null;
        }
        return chunk.web();
    }

    private void block(GenerateContentResponse.PromptFeedback feedback, List<ChatCompletionChunk> out) {
        finished = true;
        String refusal = "The prompt was blocked by Gemini: " + feedback.blockReason();
        if (feedback.blockReasonMessage() != null && !feedback.blockReasonMessage().isBlank()) {
            refusal += ". " + feedback.blockReasonMessage();
        }
        for (int index = 0; index < options.choiceCount(); index++) {
            ChoiceState choice = choice(index);
            if (choice.finished) {
                continue;
            }
            emit(choice, new Delta(null, null, null, refusal, null, null), null, out);
            emit(choice, Delta.EMPTY, ResponseFinishReasons.CONTENT_FILTER, out);
            choice.finished = true;
        }
    }

    /** The grounding sources (when due), then the finish chunk. */
    private void finish(ChoiceState choice, String finishReason, List<ChatCompletionChunk> out) {
        if (options.search() && !choice.sources.isEmpty()) {
            String sources = ResponseRendering.sources(choice.sources.values());
            List<Annotation> annotations = choice.annotations.isEmpty() ? null : List.copyOf(choice.annotations);
            choice.contentLength += sources.codePointCount(0, sources.length());
            emit(choice, new Delta(null, sources, null, null, null, annotations), null, out);
        }
        emit(choice, Delta.EMPTY, finishReason, out);
        choice.finished = true;
    }

    private void emit(ChoiceState choice, Delta delta, String finishReason, List<ChatCompletionChunk> out) {
        if (!choice.roleSent) {
            choice.roleSent = true;
            // as OpenAI does: content "" when the answer starts with text, absent when it starts with a
            // tool call or a refusal, so SDK accumulators rebuild content null for those
            boolean textFirst = delta.content() != null || delta.reasoningContent() != null;
            out.add(chunk(List.of(new ChatCompletionChunk.Choice(
                    choice.index, new Delta(ASSISTANT, textFirst ? "" : null, null, null, null, null), null, null)),
                    null));
        }
        JsonNode logprobs = choice.logprobs;
        choice.logprobs = null;
        out.add(chunk(List.of(new ChatCompletionChunk.Choice(choice.index, delta, logprobs, finishReason)), null));
        producedOutput = true;
    }

    private ChatCompletionChunk chunk(List<ChatCompletionChunk.Choice> chunkChoices, Usage chunkUsage) {
        return new ChatCompletionChunk(
                id(), ChatCompletionChunk.OBJECT, created, options.model(), chunkChoices, chunkUsage);
    }

    private String id() {
        if (id == null) {
            id = randomId(); // onComplete without any event
        }
        return id;
    }

    private String randomId() {
        StringBuilder generated = new StringBuilder(ID_PREFIX);
        for (int i = 0; i < 24; i++) {
            generated.append(ID_ALPHABET[random.nextInt(ID_ALPHABET.length)]);
        }
        return generated.toString();
    }

    private ChoiceState choice(int index) {
        return choices.computeIfAbsent(index, ChoiceState::new);
    }

    /** What the translator remembers about one choice. */
    private static final class ChoiceState {
        final int index;
        final AnswerText answer = new AnswerText();
        final Map<String, Candidate.Web> sources = new LinkedHashMap<>();
        final Set<Annotation> annotations = new LinkedHashSet<>();
        JsonNode logprobs; // token logprobs not yet sent: they ride on the next chunk of this choice
        boolean roleSent;
        boolean finished;
        int toolCalls;
        int contentLength; // code points of content emitted so far

        ChoiceState(int index) {
            this.index = index;
        }
    }

    /**
     * Groups the deltas of one candidate in one event: consecutive content, reasoning or tool calls
     * become one delta each, in part order.
     */
    private static final class DeltaRuns {
        private final List<Delta> deltas = new ArrayList<>();
        private StringBuilder content;
        private StringBuilder reasoning;
        private List<ToolCall> toolCalls;

        void content(String text) {
            if (content == null) {
                flush();
                content = new StringBuilder();
            }
            content.append(text);
        }

        /** An image: its own delta, with the markdown in content and the image in {@code images}. */
        void image(String markdown, OutputImage image) {
            flush();
            deltas.add(new Delta(null, markdown, null, null, null, null, List.of(image)));
        }

        void reasoning(String text) {
            if (reasoning == null) {
                flush();
                reasoning = new StringBuilder();
            }
            reasoning.append(text);
        }

        void toolCall(ToolCall call) {
            if (toolCalls == null) {
                flush();
                toolCalls = new ArrayList<>();
            }
            toolCalls.add(call);
        }

        List<Delta> finish() {
            flush();
            return deltas;
        }

        private void flush() {
            if (content != null) {
                deltas.add(new Delta(null, content.toString(), null, null, null, null));
            } else if (reasoning != null) {
                deltas.add(new Delta(null, null, reasoning.toString(), null, null, null));
            } else if (toolCalls != null) {
                deltas.add(new Delta(null, null, null, null, List.copyOf(toolCalls), null));
            }
            content = null;
            reasoning = null;
            toolCalls = null;
        }
    }
}
