package io.github.geminibalance.translate;

import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.gemini.Candidate;
import io.github.geminibalance.gemini.FinishReason;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.gemini.GenerateContentResponse.UsageMetadata;
import io.github.geminibalance.gemini.Part;
import io.github.geminibalance.openai.responses.EventTypes;
import io.github.geminibalance.openai.responses.OutputContent;
import io.github.geminibalance.openai.responses.OutputItem;
import io.github.geminibalance.openai.responses.Response;
import io.github.geminibalance.openai.responses.ResponseStreamEvent;
import io.github.geminibalance.openai.responses.Statuses;
import io.github.geminibalance.openai.responses.SummaryText;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Translates one Gemini answer into OpenAI Responses stream events, event by event; a non-stream answer
 * is its single event folded by {@link ResponsesAccumulator}. One instance per request; not thread-safe.
 * Only the first candidate is read.
 *
 * <p>{@code response.created} and {@code response.in_progress} come with the first content (or the
 * finish), so an attempt that produced nothing can still be retried on another key. Thought parts
 * (asked for with {@code reasoning.summary}) become a {@code reasoning} item whose summary is streamed
 * with {@code response.reasoning_summary_text.delta}s and whose {@code encrypted_content} carries the
 * thought signature; text parts a {@code message} item with one {@code output_text} part
 * ({@code response.output_text.delta}s); each function call its own {@code function_call} item, its
 * arguments in one delta, its {@code call_id} carrying the Gemini call id and thought signature
 * ({@link ToolCallIds}). Executed code and generated images are rendered as text, as on chat. With
 * search grounding, the message's {@code output_text} gets {@code url_citation} annotations. Each item
 * ends with {@code response.output_item.done}; the stream with {@code response.completed}, or
 * {@code response.incomplete} ({@code incomplete_details.reason} {@code max_output_tokens} for
 * {@code MAX_TOKENS}, {@code content_filter} for a blocked prompt or a content filter), carrying the
 * whole response.
 *
 * <p>Usage: {@code input_tokens} = prompt + tool-use prompt, of which {@code cached_tokens} cached;
 * {@code output_tokens} = candidates + thoughts, of which {@code reasoning_tokens} thoughts.
 */
public final class ResponsesStreamTranslator implements EventTranslator<ResponseStreamEvent> {

    private static final char[] ALPHABET = "0123456789abcdef".toCharArray();

    private enum Kind { TEXT, REASONING }

    private final Response echo;
    private final boolean parallel;
    private final boolean summaries;
    private final RandomGenerator random;
    private final long createdAt;
    private final List<OutputItem> output = new ArrayList<>();
    private Response base;
    private UsageMetadata usage;
    private boolean started;
    private Kind open;
    private String openId;
    private final StringBuilder text = new StringBuilder();
    private int textCodePoints;
    private AnswerText answer;
    private final Set<OutputContent.Annotation> annotations = new LinkedHashSet<>();
    private String signature;
    private int calls;
    private long eventNo;
    private int sequence;
    private String incomplete;
    private boolean finished;
    private boolean producedOutput;
    private boolean completed;

    /**
     * A translator for one request.
     *
     * @param echo the response's echo of the request ({@link GeminiResponsesRequest#echo()})
     * @param parallel false to keep only the first function call
     * @param summaries whether thought parts become reasoning summaries
     * @param clock gives {@code created_at}
     * @param random mints ids Gemini did not issue
     */
    public ResponsesStreamTranslator(Response echo, boolean parallel, boolean summaries, Clock clock,
            RandomGenerator random) {
        this.echo = Objects.requireNonNull(echo, "echo");
        this.parallel = parallel;
        this.summaries = summaries;
        this.random = Objects.requireNonNull(random, "random");
        this.createdAt = clock.instant().getEpochSecond();
    }

    @Override
    public List<ResponseStreamEvent> onEvent(GenerateContentResponse event) {
        Objects.requireNonNull(event, "event");
        if (completed) {
            throw new IllegalStateException("onEvent called after onComplete");
        }
        eventNo++;
        if (base == null) {
            // our own id, never Gemini's responseId: a stored response is found by it, and two answers must
            // never share one (a continuation would replace the response it continues)
            String id = "resp_" + hex(32);
            base = new Response(id, Response.OBJECT, createdAt, Statuses.IN_PROGRESS, null, null,
                    echo.instructions(), echo.maxOutputTokens(), echo.model(), List.of(), echo.parallelToolCalls(),
                    echo.previousResponseId(), echo.reasoning(), echo.store(), echo.temperature(), echo.text(),
                    echo.toolChoice(), echo.tools(), echo.topP(), echo.truncation(), null, echo.user(),
                    echo.metadata());
        }
        if (event.usageMetadata() != null) {
            usage = event.usageMetadata();
        }
        List<ResponseStreamEvent> out = new ArrayList<>();
        List<Candidate> candidates = event.candidatesOrEmpty();
        if (candidates.isEmpty() || candidates.get(0) == null) {
            if (event.promptFeedback() != null && event.promptFeedback().blockReason() != null) {
                start(out);
                finished = true;
                incomplete = Statuses.REASON_CONTENT_FILTER;
            }
            return out;
        }
        Candidate candidate = candidates.get(0);
        List<Part> parts = candidate.parts();
        for (int i = 0; i < parts.size(); i++) {
            part(parts.get(i), i, out);
        }
        if (candidate.groundingMetadata() != null) {
            grounding(candidate.groundingMetadata());
        }
        if (candidate.finishReason() != null && !finished) {
            start(out);
            finished = true;
            FinishReason reason = candidate.finishReason();
            if (calls == 0 && FinishReason.MAX_TOKENS.equals(reason)) {
                incomplete = Statuses.REASON_MAX_OUTPUT_TOKENS;
            } else if (calls == 0 && reason.isContentFilter()) {
                incomplete = Statuses.REASON_CONTENT_FILTER;
            }
        }
        return out;
    }

    private void part(Part part, int index, List<ResponseStreamEvent> out) {
        if (part == null) {
            return;
        }
        if (part.thoughtSummary()) {
            if (summaries && part.text() != null && !part.text().isEmpty()) {
                open(Kind.REASONING, out);
                text.append(part.text());
                out.add(ResponseStreamEvent.summary(EventTypes.REASONING_SUMMARY_TEXT_DELTA, sequence++,
                        output.size(), openId, null, part.text(), null));
            }
            if (summaries && part.thoughtSignature() != null && open == Kind.REASONING) {
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
            String id = "fc_" + hex(32);
            String callId = ToolCallIds.encode(part.functionCall().id(), part.thoughtSignature(), random);
            String name = part.functionCall().name();
            String arguments = ResponseRendering.arguments(part.functionCall().args());
            int at = output.size();
            out.add(ResponseStreamEvent.item(EventTypes.OUTPUT_ITEM_ADDED, sequence++, at,
                    OutputItem.functionCall(id, Statuses.IN_PROGRESS, callId, name, "")));
            out.add(ResponseStreamEvent.arguments(EventTypes.FUNCTION_CALL_ARGUMENTS_DELTA, sequence++, at, id,
                    arguments, null));
            out.add(ResponseStreamEvent.arguments(EventTypes.FUNCTION_CALL_ARGUMENTS_DONE, sequence++, at, id,
                    null, arguments));
            OutputItem done = OutputItem.functionCall(id, Statuses.COMPLETED, callId, name, arguments);
            out.add(ResponseStreamEvent.item(EventTypes.OUTPUT_ITEM_DONE, sequence++, at, done));
            output.add(done);
            return;
        }
        String rendered = part.text();
        boolean plain = rendered != null;
        if (part.executableCode() != null) {
            rendered = ResponseRendering.executableCode(part.executableCode());
            plain = false;
        } else if (part.codeExecutionResult() != null) {
            rendered = ResponseRendering.codeExecutionResult(part.codeExecutionResult());
            plain = false;
        } else if (part.inlineData() != null) {
            rendered = ResponseRendering.inlineImage(part.inlineData());
            plain = false;
        }
        if (rendered != null && !rendered.isEmpty()) {
            open(Kind.TEXT, out);
            if (plain) {
                answer.add(eventNo, index, rendered, textCodePoints);
            }
            text.append(rendered);
            textCodePoints += rendered.codePointCount(0, rendered.length());
            out.add(ResponseStreamEvent.outputText(EventTypes.OUTPUT_TEXT_DELTA, sequence++, output.size(), openId,
                    rendered, null));
        }
    }

    private void grounding(Candidate.GroundingMetadata metadata) {
        List<Candidate.GroundingChunk> chunks = metadata.groundingChunks();
        if (answer == null || chunks == null || chunks.isEmpty() || metadata.groundingSupports() == null) {
            return;
        }
        for (Candidate.GroundingSupport support : metadata.groundingSupports()) {
            Candidate.Segment segment = support == null ? null : support.segment();
            if (segment == null || segment.endIndex() == null || support.groundingChunkIndices() == null) {
                continue;
            }
            int start = segment.startIndex() == null ? 0 : segment.startIndex();
            int[] range = answer.contentRange(segment.partIndex(), eventNo, start, segment.endIndex());
            if (range == null) {
                continue;
            }
            for (Integer chunk : support.groundingChunkIndices()) {
                if (chunk == null || chunk < 0 || chunk >= chunks.size() || chunks.get(chunk) == null) {
                    continue;
                }
                Candidate.Web web = chunks.get(chunk).web();
                if (web != null && web.uri() != null && !web.uri().isBlank()) {
                    annotations.add(OutputContent.Annotation.urlCitation(range[0], range[1], web.uri(),
                            ResponseRendering.titleOf(web)));
                }
            }
        }
    }

    @Override
    public List<ResponseStreamEvent> onComplete() {
        if (completed) {
            return List.of();
        }
        completed = true;
        List<ResponseStreamEvent> out = new ArrayList<>();
        start(out);
        close(out);
        String type = incomplete == null ? EventTypes.COMPLETED : EventTypes.INCOMPLETE;
        out.add(ResponseStreamEvent.lifecycle(type, sequence++, result()));
        return out;
    }

    /** The whole response as it ends. */
    private Response result() {
        String status = incomplete == null ? Statuses.COMPLETED : Statuses.INCOMPLETE;
        return base.with(status, output, usage(),
                incomplete == null ? null : new Response.IncompleteDetails(incomplete));
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

    private void start(List<ResponseStreamEvent> out) {
        producedOutput = true;
        if (started) {
            return;
        }
        started = true;
        out.add(ResponseStreamEvent.lifecycle(EventTypes.CREATED, sequence++, base));
        out.add(ResponseStreamEvent.lifecycle(EventTypes.IN_PROGRESS, sequence++, base));
    }

    private void open(Kind kind, List<ResponseStreamEvent> out) {
        if (open == kind) {
            return;
        }
        close(out);
        start(out);
        open = kind;
        int at = output.size();
        if (kind == Kind.TEXT) {
            openId = "msg_" + hex(32);
            answer = new AnswerText();
            annotations.clear();
            textCodePoints = 0;
            out.add(ResponseStreamEvent.item(EventTypes.OUTPUT_ITEM_ADDED, sequence++, at,
                    OutputItem.message(openId, Statuses.IN_PROGRESS, List.of())));
            out.add(ResponseStreamEvent.contentPart(EventTypes.CONTENT_PART_ADDED, sequence++, at, openId,
                    OutputContent.text("", List.of())));
        } else {
            openId = "rs_" + hex(32);
            out.add(ResponseStreamEvent.item(EventTypes.OUTPUT_ITEM_ADDED, sequence++, at,
                    OutputItem.reasoning(openId, List.of(), null)));
            out.add(ResponseStreamEvent.summary(EventTypes.REASONING_SUMMARY_PART_ADDED, sequence++, at, openId,
                    SummaryText.of(""), null, null));
        }
    }

    private void close(List<ResponseStreamEvent> out) {
        if (open == null) {
            return;
        }
        int at = output.size();
        String whole = text.toString();
        OutputItem done;
        if (open == Kind.TEXT) {
            OutputContent part = OutputContent.text(whole, List.copyOf(annotations));
            out.add(ResponseStreamEvent.outputText(EventTypes.OUTPUT_TEXT_DONE, sequence++, at, openId, null, whole));
            out.add(ResponseStreamEvent.contentPart(EventTypes.CONTENT_PART_DONE, sequence++, at, openId, part));
            done = OutputItem.message(openId, incomplete == null ? Statuses.COMPLETED : Statuses.INCOMPLETE,
                    List.of(part));
        } else {
            out.add(ResponseStreamEvent.summary(EventTypes.REASONING_SUMMARY_TEXT_DONE, sequence++, at, openId,
                    null, null, whole));
            out.add(ResponseStreamEvent.summary(EventTypes.REASONING_SUMMARY_PART_DONE, sequence++, at, openId,
                    SummaryText.of(whole), null, null));
            done = OutputItem.reasoning(openId, List.of(SummaryText.of(whole)), signature);
        }
        out.add(ResponseStreamEvent.item(EventTypes.OUTPUT_ITEM_DONE, sequence++, at, done));
        output.add(done);
        open = null;
        text.setLength(0);
        signature = null;
    }

    private Response.Usage usage() {
        int prompt = 0;
        int cached = 0;
        int candidates = 0;
        int thoughts = 0;
        if (usage != null) {
            prompt = orZero(usage.promptTokenCount()) + orZero(usage.toolUsePromptTokenCount());
            cached = orZero(usage.cachedContentTokenCount());
            candidates = orZero(usage.candidatesTokenCount());
            thoughts = orZero(usage.thoughtsTokenCount());
        }
        int outputTokens = candidates + thoughts;
        return new Response.Usage(prompt, new Response.Usage.InputDetails(cached), outputTokens,
                new Response.Usage.OutputDetails(thoughts), prompt + outputTokens);
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private String hex(int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return s.toString();
    }
}
