package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.anthropic.ContentBlock;
import io.github.geminibalance.anthropic.Message;
import io.github.geminibalance.anthropic.StopReasons;
import io.github.geminibalance.anthropic.StreamEvent;
import io.github.geminibalance.anthropic.StreamEvent.Delta;
import io.github.geminibalance.anthropic.Usage;
import io.github.geminibalance.gemini.Candidate;
import io.github.geminibalance.gemini.FinishReason;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.gemini.GenerateContentResponse.UsageMetadata;
import io.github.geminibalance.gemini.Part;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Translates one Gemini answer into Anthropic Messages stream events, event by event; a non-stream
 * answer is its single event folded by {@link MessagesAccumulator}. One instance per request; not
 * thread-safe. Only the first candidate is read (Anthropic has no {@code n}).
 *
 * <p>{@code message_start} comes with the first content (or the finish), so an attempt that produced
 * nothing can still be retried on another key. Thought parts become a {@code thinking} block
 * ({@code thinking_delta}s, then the part's {@code thoughtSignature} as one {@code signature_delta}
 * before the block stops); text parts a {@code text} block ({@code text_delta}s); each function call
 * its own {@code tool_use} block: start with {@code input: {}}, one {@code input_json_delta} with the
 * whole arguments, stop. Its id is {@code toolu_} + the Gemini call id (or random) + the call's
 * signature ({@link ToolCallIds}), so the signature comes back with the {@code tool_use} block.
 * Executed code and generated images are rendered as text, as on chat. With search, the sources end
 * the answer as a text block. Then {@code message_delta} (stop reason, usage) and {@code message_stop}.
 *
 * <p>Stop reasons: {@code tool_use} when a call was emitted, {@code max_tokens} for
 * {@code MAX_TOKENS}, {@code refusal} for a content filter or a blocked prompt, else {@code end_turn}
 * (Gemini says {@code STOP} also after a stop sequence, so {@code stop_sequence} is never reported).
 * Usage: {@code input_tokens} = prompt + tool-use prompt - cached, {@code cache_read_input_tokens} =
 * cached, {@code output_tokens} = candidates + thoughts.
 */
public final class MessagesStreamTranslator implements EventTranslator<StreamEvent> {

    private static final char[] ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private enum Kind { TEXT, THINKING }

    private final String model;
    private final boolean search;
    private final boolean parallel;
    private final RandomGenerator random;
    private final Map<String, Candidate.Web> sources = new LinkedHashMap<>();
    private String id;
    private UsageMetadata usage;
    private boolean started;
    private int nextIndex;
    private Kind open;
    private String signature;
    private int calls;
    private String stopReason;
    private boolean finished;
    private boolean producedOutput;
    private boolean completed;

    /**
     * A translator for one request.
     *
     * @param model the model as the client named it
     * @param search whether sources are listed at the end
     * @param parallel false to keep only the first tool call
     * @param random mints the message id when Gemini sent no response id, and call ids Gemini did not issue
     */
    public MessagesStreamTranslator(String model, boolean search, boolean parallel, RandomGenerator random) {
        this.model = Objects.requireNonNull(model, "model");
        this.search = search;
        this.parallel = parallel;
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public List<StreamEvent> onEvent(GenerateContentResponse event) {
        Objects.requireNonNull(event, "event");
        if (completed) {
            throw new IllegalStateException("onEvent called after onComplete");
        }
        if (id == null) {
            id = "msg_" + (event.responseId() != null && !event.responseId().isBlank()
                    ? event.responseId().replaceAll("[^A-Za-z0-9_-]", "") : randomChars(24));
        }
        if (event.usageMetadata() != null) {
            usage = event.usageMetadata();
        }
        List<StreamEvent> out = new ArrayList<>();
        List<Candidate> candidates = event.candidatesOrEmpty();
        if (candidates.isEmpty() || candidates.get(0) == null) {
            if (event.promptFeedback() != null && event.promptFeedback().blockReason() != null) {
                start(out);
                finished = true;
                producedOutput = true;
                stopReason = StopReasons.REFUSAL;
            }
            return out;
        }
        Candidate candidate = candidates.get(0);
        for (Part part : candidate.parts()) {
            part(part, out);
        }
        if (search && candidate.groundingMetadata() != null && candidate.groundingMetadata().groundingChunks() != null) {
            for (Candidate.GroundingChunk chunk : candidate.groundingMetadata().groundingChunks()) {
                if (chunk != null && chunk.web() != null && chunk.web().uri() != null) {
                    sources.putIfAbsent(chunk.web().uri(), chunk.web());
                }
            }
        }
        if (candidate.finishReason() != null && !finished) {
            start(out);
            finished = true;
            producedOutput = true;
            stopReason = stopReason(candidate.finishReason());
        }
        return out;
    }

    private void part(Part part, List<StreamEvent> out) {
        if (part == null) {
            return;
        }
        if (part.thoughtSummary()) {
            if (part.text() != null && !part.text().isEmpty()) {
                open(Kind.THINKING, out);
                out.add(StreamEvent.ContentBlockDelta.of(nextIndex - 1, Delta.thinking(part.text())));
            }
            if (part.thoughtSignature() != null && open == Kind.THINKING) {
                signature = part.thoughtSignature();
            }
            return;
        }
        if (part.functionCall() != null) {
            calls++;
            if (!parallel && calls > 1) {
                return;
            }
            close(out);
            start(out);
            int index = nextIndex++;
            String callId = ToolCallIds.encode(MessagesConversation.ID_PREFIX, part.functionCall().id(),
                    part.thoughtSignature(), random);
            out.add(StreamEvent.ContentBlockStart.of(index, ContentBlock.ToolUse.of(callId,
                    part.functionCall().name(), JsonNodeFactory.instance.objectNode())));
            out.add(StreamEvent.ContentBlockDelta.of(index,
                    Delta.inputJson(ResponseRendering.arguments(part.functionCall().args()))));
            out.add(StreamEvent.ContentBlockStop.of(index));
            producedOutput = true;
            return;
        }
        String text = part.text();
        if (part.executableCode() != null) {
            text = ResponseRendering.executableCode(part.executableCode());
        } else if (part.codeExecutionResult() != null) {
            text = ResponseRendering.codeExecutionResult(part.codeExecutionResult());
        } else if (part.inlineData() != null) {
            text = ResponseRendering.inlineImage(part.inlineData());
        }
        text(text, out);
    }

    private void text(String text, List<StreamEvent> out) {
        if (text != null && !text.isEmpty()) {
            open(Kind.TEXT, out);
            out.add(StreamEvent.ContentBlockDelta.of(nextIndex - 1, Delta.text(text)));
        }
    }

    @Override
    public List<StreamEvent> onComplete() {
        if (completed) {
            return List.of();
        }
        completed = true;
        List<StreamEvent> out = new ArrayList<>();
        start(out);
        if (search && !sources.isEmpty()) {
            text(ResponseRendering.sources(sources.values()), out);
        }
        close(out);
        String reason = stopReason != null ? stopReason : calls > 0 ? StopReasons.TOOL_USE : StopReasons.END_TURN;
        out.add(StreamEvent.MessageDelta.of(reason, null, usage(false)));
        out.add(StreamEvent.MessageStop.of());
        return out;
    }

    @Override
    public boolean producedOutput() {
        return producedOutput;
    }

    @Override
    public boolean finished() {
        return finished;
    }

    @Override
    public RequestTrace.Tokens tokens() {
        return usage == null ? null : ChatFrontDoor.tokens(ResponseUsage.from(usage));
    }

    private String stopReason(FinishReason reason) {
        if (calls > 0) {
            return StopReasons.TOOL_USE;
        }
        if (FinishReason.MAX_TOKENS.equals(reason)) {
            return StopReasons.MAX_TOKENS;
        }
        if (reason.isContentFilter()) {
            return StopReasons.REFUSAL;
        }
        return StopReasons.END_TURN;
    }

    private void start(List<StreamEvent> out) {
        if (started) {
            return;
        }
        started = true;
        producedOutput = true;
        out.add(StreamEvent.MessageStart.of(new Message(id, Message.TYPE, Message.ASSISTANT, List.of(), model,
                null, null, usage(true))));
    }

    private void open(Kind kind, List<StreamEvent> out) {
        if (open == kind) {
            return;
        }
        close(out);
        start(out);
        open = kind;
        ContentBlock block = kind == Kind.TEXT ? ContentBlock.Text.of("") : ContentBlock.Thinking.of("", "");
        out.add(StreamEvent.ContentBlockStart.of(nextIndex++, block));
        producedOutput = true;
    }

    private void close(List<StreamEvent> out) {
        if (open == null) {
            return;
        }
        if (open == Kind.THINKING && signature != null) {
            out.add(StreamEvent.ContentBlockDelta.of(nextIndex - 1, Delta.signature(signature)));
        }
        out.add(StreamEvent.ContentBlockStop.of(nextIndex - 1));
        open = null;
        signature = null;
    }

    /** The counts so far; at the start with {@code cache_creation_input_tokens} 0, as Anthropic sends it. */
    private Usage usage(boolean atStart) {
        int prompt = 0;
        int cached = 0;
        int output = 0;
        if (usage != null) {
            prompt = orZero(usage.promptTokenCount()) + orZero(usage.toolUsePromptTokenCount());
            cached = orZero(usage.cachedContentTokenCount());
            output = orZero(usage.candidatesTokenCount()) + orZero(usage.thoughtsTokenCount());
        }
        return new Usage(Math.max(0, prompt - cached), output, atStart ? 0 : null, cached);
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private String randomChars(int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return s.toString();
    }
}
