package io.github.geminibalance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.internal.StagePublisher;
import io.github.geminibalance.openai.SpeechStreamEvent;
import io.github.geminibalance.retry.Attempt;
import io.github.geminibalance.translate.SpeechAudio;
import io.github.geminibalance.upstream.SoftFailureException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * Speech as events ({@code stream_format: "sse"}): Gemini's {@code streamGenerateContent} events read by the
 * same {@link SpeechAudio} as a whole answer, each piece of audio a {@code speech.audio.delta}, then
 * {@code speech.audio.done}. The attempt ends, with its verdict and token count, when the stream does.
 */
final class SpeechStreams {

    private SpeechStreams() {}

    /** Releases a stream the caller will never read. */
    static void abandon(SpeechStream stream) {
        if (stream instanceof Committed committed) {
            committed.abandon();
        }
    }

    /** Gemini's events to the client's, for one attempt. */
    static final class Translate implements StagePublisher.Stage<GenerateContentResponse, SpeechStreamEvent> {
        private final SpeechAudio audio;
        private final Attempt attempt;
        private final RequestTrace trace;
        private boolean committed;

        Translate(boolean wav, Attempt attempt, RequestTrace trace) {
            this.audio = new SpeechAudio(wav);
            this.attempt = attempt;
            this.trace = trace;
        }

        @Override
        public void onItem(GenerateContentResponse event, Consumer<SpeechStreamEvent> out) {
            Pipeline.traceFinish(trace, event);
            byte[] bytes = audio.onEvent(event);
            if (bytes.length > 0) {
                committed = true; // the first piece commits the stream: no other key is tried after it
                out.accept(SpeechStreamEvent.delta(Base64.getEncoder().encodeToString(bytes)));
            }
        }

        @Override
        public void onComplete(Consumer<SpeechStreamEvent> out) {
            if (!audio.producedAudio()) {
                throw new SoftFailureException("NO_AUDIO", "the Gemini stream ended without audio");
            }
            if (!audio.finished()) {
                throw new SoftFailureException("STREAM_CUT", "the Gemini stream ended before a finish reason");
            }
            RequestTrace.Tokens tokens = audio.tokens();
            if (tokens != null) {
                attempt.countTokens(tokens.total());
                Pipeline.traceTokens(trace, tokens);
            }
            out.accept(SpeechStreamEvent.done(tokens == null ? new SpeechStreamEvent.Usage(0, 0, 0)
                    : new SpeechStreamEvent.Usage(tokens.prompt(), tokens.completion(), tokens.total())));
            attempt.succeeded();
        }

        @Override
        public boolean onError(Throwable error, Consumer<SpeechStreamEvent> out) {
            Pipeline.traceTokens(trace, audio.tokens());
            if (committed) {
                // before the first piece the attempt itself fails, and the trace notes it there
                Pipeline.traceFailure(trace, attempt.key().id(), error);
            }
            attempt.failed(error);
            return false;
        }

        @Override
        public void onCancel() {
            Pipeline.traceTokens(trace, audio.tokens()); // the client left: the counts so far
            attempt.abandoned();
        }
    }

    /** A stream that has its first piece of audio. */
    static final class Committed extends PipelineStream<SpeechStreamEvent> implements SpeechStream {

        Committed(Flow.Publisher<SpeechStreamEvent> events, RequestTrace trace) {
            super(events, trace);
        }

        @Override
        public Flow.Publisher<MessageStream.SseFrame> sse() {
            RequestTrace trace = trace();
            return render(new StagePublisher.Stage<SpeechStreamEvent, MessageStream.SseFrame>() {
                @Override
                public void onItem(SpeechStreamEvent event, Consumer<MessageStream.SseFrame> out) {
                    out.accept(new MessageStream.SseFrame(null, new String(Json.bytes(event),
                            StandardCharsets.UTF_8)));
                }

                @Override
                public boolean onError(Throwable failure, Consumer<MessageStream.SseFrame> out) {
                    GeminiBalanceException e = GeminiBalanceException.from(failure);
                    trace.errorCode(e.code().orElse(e.type()));
                    ObjectNode root = Json.mapper().createObjectNode().put("type", "error");
                    ObjectNode error = root.putObject("error");
                    error.put("message", e.getMessage()).put("type", e.type());
                    error.put("param", e.param().orElse(null)).put("code", e.code().orElse(null));
                    out.accept(new MessageStream.SseFrame(null, new String(Json.bytes(root),
                            StandardCharsets.UTF_8)));
                    return true;
                }
            });
        }
    }
}
