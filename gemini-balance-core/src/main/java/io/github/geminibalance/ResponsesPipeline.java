package io.github.geminibalance;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.internal.StagePublisher;
import io.github.geminibalance.openai.responses.EventTypes;
import io.github.geminibalance.openai.responses.Response;
import io.github.geminibalance.openai.responses.ResponseRequest;
import io.github.geminibalance.openai.responses.ResponseStreamEvent;
import io.github.geminibalance.retry.RetryLoop;
import io.github.geminibalance.translate.RemoteMediaFetcher;
import io.github.geminibalance.translate.ResponsesFrontDoor;
import io.github.geminibalance.translate.ResponsesRequestTranslator;
import io.github.geminibalance.upstream.GeminiClient;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The OpenAI Responses front door on the one {@link Pipeline} ({@link ResponsesFrontDoor}'s
 * translators) and its stream with the SSE rendering.
 */
final class ResponsesPipeline {

    private final Pipeline<ResponsesFrontDoor.Turn, ResponseStreamEvent, Response> pipeline;
    private final StoredResponses stored;

    ResponsesPipeline(ResponsesRequestTranslator translator, RemoteMediaFetcher media, GeminiClient client,
            RetryLoop retry, Clock clock, RandomGenerator random, GeminiBalanceListener listener,
            ScheduledExecutorService scheduler, StoredResponses stored, java.util.function.Supplier<io.github.geminibalance.config.AnswerSettings> answers) {
        this.pipeline = new Pipeline<>(new ResponsesFrontDoor(translator), media, client, retry, clock, random,
                listener, scheduler, answers);
        this.stored = stored;
    }

    /**
     * The non-stream answer: the stored conversation of {@code previous_response_id} (of this owner) first,
     * and the answer kept afterwards (without waiting) unless {@code store} is false.
     */
    CompletableFuture<Response> complete(ResponseRequest request, RequestTrace trace, String owner) {
        return stored.previous(request, owner).thenCompose(previous ->
                pipeline.complete(new ResponsesFrontDoor.Turn(request, previous), trace).thenApply(response -> {
                    stored.save(request, previous, response, owner);
                    return response;
                }));
    }

    /** The streamed answer, as {@link #complete}; the response of its last event is kept. */
    CompletableFuture<ResponseStream> stream(ResponseRequest request, RequestTrace trace, String owner) {
        return stored.previous(request, owner).thenCompose(previous ->
                pipeline.stream(new ResponsesFrontDoor.Turn(request, previous), trace, (events, t) ->
                        new DefaultResponseStream(events, t, event -> {
                            if (EventTypes.COMPLETED.equals(event.type())
                                    || EventTypes.INCOMPLETE.equals(event.type())) {
                                stored.save(request, previous, event.response(), owner);
                            }
                        })))
                .thenApply(s -> s);
    }

    /** Releases a stream the caller will never read. */
    static void abandon(ResponseStream stream) {
        if (stream instanceof DefaultResponseStream d) {
            d.abandon();
        }
    }

    /** A committed Responses stream; SSE frames with a last {@code error} event when it fails. */
    static final class DefaultResponseStream extends PipelineStream<ResponseStreamEvent> implements ResponseStream {

        DefaultResponseStream(Flow.Publisher<ResponseStreamEvent> events, RequestTrace trace,
                Consumer<ResponseStreamEvent> observer) {
            super(events, trace, observer);
        }

        @Override
        public Flow.Publisher<MessageStream.SseFrame> sse() {
            RequestTrace trace = trace();
            return render(new StagePublisher.Stage<ResponseStreamEvent, MessageStream.SseFrame>() {
                private int next;

                @Override
                public void onItem(ResponseStreamEvent event, Consumer<MessageStream.SseFrame> out) throws Exception {
                    next = event.sequenceNumber() + 1;
                    out.accept(new MessageStream.SseFrame(event.type(), Json.mapper().writeValueAsString(event)));
                }

                @Override
                public boolean onError(Throwable error, Consumer<MessageStream.SseFrame> out) {
                    GeminiBalanceException e = GeminiBalanceException.from(error);
                    String code = e.code().orElse(e.type());
                    trace.errorCode(code);
                    ResponseStreamEvent event = ResponseStreamEvent.error(next, code, e.getMessage(),
                            e.param().orElse(null));
                    try {
                        out.accept(new MessageStream.SseFrame(event.type(), Json.mapper().writeValueAsString(event)));
                    } catch (JsonProcessingException impossible) {
                        out.accept(new MessageStream.SseFrame("error",
                                "{\"type\":\"error\",\"code\":\"server_error\",\"message\":\"stream failed\"}"));
                    }
                    return true;
                }
            });
        }
    }
}
