package io.github.geminibalance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.anthropic.CountTokensResponse;
import io.github.geminibalance.anthropic.Message;
import io.github.geminibalance.anthropic.MessageRequest;
import io.github.geminibalance.anthropic.StreamEvent;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.internal.StagePublisher;
import io.github.geminibalance.retry.RetryLoop;
import io.github.geminibalance.translate.MessagesFrontDoor;
import io.github.geminibalance.translate.MessagesRequestTranslator;
import io.github.geminibalance.translate.RemoteMediaFetcher;
import io.github.geminibalance.upstream.GeminiClient;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The Anthropic Messages front door on the one {@link Pipeline} ({@link MessagesFrontDoor}'s
 * translators), its stream with the SSE rendering, and {@code count_tokens} through Gemini's
 * {@code countTokens} with the same retry loop.
 */
final class MessagesPipeline {

    private final Pipeline<MessageRequest, StreamEvent, Message> pipeline;
    private final MessagesFrontDoor door;
    private final RemoteMediaFetcher media;
    private final GeminiClient client;
    private final RetryLoop retry;
    private final java.util.function.Supplier<io.github.geminibalance.config.AnswerSettings> answers;

    MessagesPipeline(MessagesRequestTranslator translator, RemoteMediaFetcher media, GeminiClient client,
            RetryLoop retry, Clock clock, RandomGenerator random, GeminiBalanceListener listener,
            java.util.concurrent.ScheduledExecutorService scheduler, java.util.function.Supplier<io.github.geminibalance.config.AnswerSettings> answers) {
        this.door = new MessagesFrontDoor(translator);
        this.media = media;
        this.client = client;
        this.retry = retry;
        this.pipeline = new Pipeline<>(door, media, client, retry, clock, random, listener, scheduler, answers);
        this.answers = answers;
    }

    CompletableFuture<Message> complete(MessageRequest request, RequestTrace trace) {
        return pipeline.complete(request, trace);
    }

    CompletableFuture<MessageStream> stream(MessageRequest request, RequestTrace trace) {
        return pipeline.stream(request, trace, DefaultMessageStream::new).thenApply(s -> s);
    }

    CompletableFuture<CountTokensResponse> countTokens(MessageRequest request, RequestTrace trace) {
        return door.translate(request, media, true).thenCompose(g -> {
            FilteredModels.check(answers.get(), g.requestedModel(), g.upstreamModel());
            byte[] body = MessagesFrontDoor.countTokensBody(g);
            trace.modelSent(g.upstreamModel());
            return retry.run(g.upstreamModel(), Pipeline.traced(trace, retry.policy(),
                    attempt -> client.countTokens(attempt.key(), g.upstreamModel(), body)))
                    .thenApply(MessagesPipeline::count);
        });
    }

    private static CountTokensResponse count(JsonNode answer) {
        JsonNode total = answer.path("totalTokens");
        return new CountTokensResponse(total.canConvertToInt() ? total.asInt() : 0);
    }

    /** Releases a stream the caller will never read. */
    static void abandon(MessageStream stream) {
        if (stream instanceof DefaultMessageStream d) {
            d.abandon();
        }
    }

    /** A committed Messages stream; SSE frames with a last {@code error} event when it fails. */
    static final class DefaultMessageStream extends PipelineStream<StreamEvent> implements MessageStream {

        DefaultMessageStream(Flow.Publisher<StreamEvent> events, RequestTrace trace) {
            super(events, trace);
        }

        @Override
        public Flow.Publisher<SseFrame> sse() {
            RequestTrace trace = trace();
            return render(new StagePublisher.Stage<StreamEvent, SseFrame>() {
                @Override
                public void onItem(StreamEvent event, Consumer<SseFrame> out) throws Exception {
                    out.accept(new SseFrame(event.type(), Json.mapper().writeValueAsString(event)));
                }

                @Override
                public boolean onError(Throwable error, Consumer<SseFrame> out) {
                    GeminiBalanceException e = GeminiBalanceException.from(error);
                    trace.errorCode(e.code().orElse(e.type()));
                    StreamEvent.ErrorEvent event = StreamEvent.ErrorEvent.of(MessagesErrors.type(e),
                            MessagesErrors.message(e));
                    try {
                        out.accept(new SseFrame(event.type(), Json.mapper().writeValueAsString(event)));
                    } catch (JsonProcessingException impossible) {
                        out.accept(new SseFrame("error",
                                "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"stream failed\"}}"));
                    }
                    return true;
                }
            });
        }
    }
}
