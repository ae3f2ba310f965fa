package io.github.geminibalance;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.internal.StagePublisher;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.ErrorResponse;
import io.github.geminibalance.retry.ErrorMapper;
import io.github.geminibalance.retry.RetryLoop;
import io.github.geminibalance.translate.ChatFrontDoor;
import io.github.geminibalance.translate.ChatRequestTranslator;
import io.github.geminibalance.translate.RemoteMediaFetcher;
import io.github.geminibalance.upstream.GeminiClient;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The OpenAI chat front door on the one {@link Pipeline}: {@link ChatFrontDoor}'s translators, and the
 * chat stream with its SSE rendering ({@code [DONE]}, the OpenAI error event). Also home of the
 * pipeline helpers the facade's other calls (embeddings, models, native forwarding) use.
 */
final class ChatPipeline {

    private final Pipeline<ChatCompletionRequest, ChatCompletionChunk, ChatCompletion> pipeline;

    /** How long a primed stream waits for its reader before it is released (its key, its connection). */
    static final java.time.Duration SUBSCRIBE_DEADLINE = Pipeline.SUBSCRIBE_DEADLINE;

    ChatPipeline(ChatRequestTranslator translator, RemoteMediaFetcher media, GeminiClient client, RetryLoop retry,
            Clock clock, RandomGenerator random, GeminiBalanceListener listener,
            java.util.concurrent.ScheduledExecutorService scheduler, java.util.function.Supplier<io.github.geminibalance.config.AnswerSettings> answers) {
        this.pipeline = new Pipeline<>(new ChatFrontDoor(translator), media, client, retry, clock, random,
                listener, scheduler, answers);
    }

    /**
     * Sends every chat that names an uploaded file ({@code file.file_id}) or a cached content
     * ({@code cached_content}) with its key.
     */
    void pinResourcesWith(ResourceKeys resources) {
        pipeline.pinResourcesWith(resources);
    }

    CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request, RequestTrace trace, String owner) {
        return pipeline.complete(request, trace, owner);
    }

    CompletableFuture<ChatStream> stream(ChatCompletionRequest request, RequestTrace trace, String owner) {
        return pipeline.stream(request, trace, owner, DefaultChatStream::new).thenApply(s -> s);
    }

    static byte[] toJson(Object value) {
        return Json.bytes(value);
    }

    /** Runs {@code release} after the subscribe deadline (a no-op if the stream was read by then). */
    void releaseLater(Runnable release) {
        pipeline.releaseLater(release);
    }

    /** Releases a stream the caller will never read: its key goes back, its connection closes. */
    static void abandon(ChatStream stream) {
        if (stream instanceof DefaultChatStream d) {
            d.abandon();
        }
    }

    /**
     * A committed stream: chunks, or SSE payloads with the error event and {@code [DONE]}. Tells the
     * trace when it ends: completed, failed, cancelled by its reader, or abandoned unread.
     */
    static final class DefaultChatStream extends PipelineStream<ChatCompletionChunk> implements ChatStream {
        // package-private for its TCK test

        DefaultChatStream(Flow.Publisher<ChatCompletionChunk> chunks, RequestTrace trace) {
            super(chunks, trace);
        }

        @Override
        public Flow.Publisher<String> sseData() {
            RequestTrace trace = trace();
            return render(new StagePublisher.Stage<ChatCompletionChunk, String>() {
                @Override
                public void onItem(ChatCompletionChunk chunk, Consumer<String> out) throws Exception {
                    out.accept(Json.mapper().writeValueAsString(chunk));
                }

                @Override
                public void onComplete(Consumer<String> out) {
                    out.accept("[DONE]");
                }

                @Override
                public boolean onError(Throwable error, Consumer<String> out) {
                    GeminiBalanceException e = ErrorMapper.toClient(error, null);
                    trace.errorCode(e.code().orElse(e.type()));
                    ErrorResponse body = ErrorResponse.of(e.getMessage(), e.type(), e.param().orElse(null),
                            e.code().orElse(null));
                    try {
                        out.accept(Json.mapper().writeValueAsString(body));
                    } catch (JsonProcessingException impossible) {
                        out.accept("{\"error\":{\"message\":\"stream failed\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
                    }
                    out.accept("[DONE]");
                    return true;
                }
            });
        }
    }
}
