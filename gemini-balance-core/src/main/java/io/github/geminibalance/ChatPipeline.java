package io.github.geminibalance;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.gemini.Candidate;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.internal.Primed;
import io.github.geminibalance.internal.StagePublisher;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.keys.Verdict;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.ErrorResponse;
import io.github.geminibalance.openai.Usage;
import io.github.geminibalance.retry.ErrorMapper;
import io.github.geminibalance.retry.RetryLoop;
import io.github.geminibalance.translate.ChatCompletionAccumulator;
import io.github.geminibalance.translate.ChatRequestTranslator;
import io.github.geminibalance.translate.ChatStreamTranslator;
import io.github.geminibalance.translate.GeminiChatRequest;
import io.github.geminibalance.translate.RemoteMediaFetcher;
import io.github.geminibalance.translate.ResponseOptions;
import io.github.geminibalance.upstream.GeminiClient;
import io.github.geminibalance.upstream.SoftFailureException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The chat pipeline, assembled in one place: inline remote media, translate OpenAI to Gemini, then
 * per attempt lease a key, call Gemini, classify, and translate the answer back, event by event.
 * The non-streamed answer goes through the same translator (as a single event) and is folded by the
 * accumulator, so both modes render identically.
 */
final class ChatPipeline {

    private final ChatRequestTranslator translator;
    private final RemoteMediaFetcher media;
    private final GeminiClient client;
    private final RetryLoop retry;
    private final KeyPool pool;
    private final Clock clock;
    private final RandomGenerator random;
    private final GeminiBalanceListener listener;
    private final java.util.concurrent.ScheduledExecutorService scheduler;

    /** How long a primed stream waits for its reader before it is released (its key, its connection). */
    static final java.time.Duration SUBSCRIBE_DEADLINE = java.time.Duration.ofSeconds(30);

    ChatPipeline(ChatRequestTranslator translator, RemoteMediaFetcher media, GeminiClient client, RetryLoop retry,
            KeyPool pool, Clock clock, RandomGenerator random, GeminiBalanceListener listener,
            java.util.concurrent.ScheduledExecutorService scheduler) {
        this.listener = listener;
        this.scheduler = scheduler;
        this.translator = translator;
        this.media = media;
        this.client = client;
        this.retry = retry;
        this.pool = pool;
        this.clock = clock;
        this.random = random;
    }

    CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request, RequestTrace trace) {
        return prepare(request).thenCompose(prepared -> {
            GeminiChatRequest g = prepared.request();
            byte[] body = prepared.body();
            ResponseOptions options = responseOptions(g);
            trace.modelSent(g.upstreamModel());
            return retry.run(g.upstreamModel(), traced(trace, retry.policy(),
                    lease -> client.generateContent(lease.key(), g.upstreamModel(), body)
                    .thenApply(response -> {
                        requireUsable(response);
                        ChatCompletion completion = ChatCompletionAccumulator.translate(response, options, clock, random);
                        countTokens(lease, completion.usage());
                        traceTokens(trace, completion.usage());
                        traceFinish(trace, response);
                        return completion;
                    })));
        });
    }

    CompletableFuture<ChatStream> stream(ChatCompletionRequest request, RequestTrace trace) {
        long started = System.nanoTime();
        return prepare(request).thenCompose(prepared -> {
            GeminiChatRequest g = prepared.request();
            byte[] body = prepared.body();
            ResponseOptions options = responseOptions(g);
            trace.modelSent(g.upstreamModel());
            return retry.run(g.upstreamModel(), traced(trace, retry.policy(),
                    lease -> client.streamGenerateContent(lease.handOver().key(), g.upstreamModel(), body)
                    .thenCompose(events -> {
                        Flow.Publisher<GenerateContentResponse> responses =
                                StagePublisher.of(events, (data, out) -> out.accept(GeminiClient.parseEvent(data)));
                        Flow.Publisher<ChatCompletionChunk> chunks = StagePublisher.of(responses,
                                new TranslateStage(new ChatStreamTranslator(options, clock, random), lease, trace));
                        return Primed.awaitFirst(chunks);
                    })))
                    .thenApply(chunks -> {
                        listener.onFirstChunk(g.requestedModel(), java.time.Duration.ofNanos(System.nanoTime() - started));
                        trace.firstByte();
                        trace.expectBody(); // before the stream is handed over, so the adapter waits for its end
                        DefaultChatStream stream = new DefaultChatStream(chunks, trace);
                        releaseLater(stream::abandon);
                        return stream;
                    });
        });
    }

    /**
     * The attempt, noted in the trace: the lease's key id when it starts, the upstream status when its
     * future completes (RetryLoop sees the completion only after the trace has it).
     */
    static <T> RetryLoop.Attempt<T> traced(RequestTrace trace, io.github.geminibalance.retry.RetryPolicy policy,
            RetryLoop.Attempt<T> attempt) {
        if (!trace.recording()) {
            return attempt;
        }
        return lease -> {
            String keyId = lease.key().id();
            int n = trace.attemptStarted(keyId);
            CompletableFuture<T> call;
            try {
                call = attempt.call(lease);
            } catch (RuntimeException e) {
                trace.attemptEnded(n, upstreamStatus(policy, e));
                traceFailure(trace, keyId, e);
                throw e;
            }
            if (call == null) {
                return null; // RetryLoop reports it
            }
            return call.whenComplete((value, failure) -> {
                if (failure == null) {
                    trace.attemptEnded(n, 200);
                } else {
                    trace.attemptEnded(n, upstreamStatus(policy, failure));
                    traceFailure(trace, keyId, failure);
                }
            });
        };
    }

    /** Notes an upstream failure (Gemini's error, a timeout, a broken connection...) with its reason and message. */
    static void traceFailure(RequestTrace trace, String keyId, Throwable failure) {
        if (!trace.recording()) {
            return;
        }
        io.github.geminibalance.retry.Failure f = io.github.geminibalance.retry.Failure.of(failure);
        if (f.isUpstream()) {
            trace.attemptFailed(keyId, f.upstreamStatus(), f.reason(), f.message());
        }
    }

    /**
     * Notes the finish reason of the first candidate that has one, or {@code BLOCKED_<reason>} for a
     * blocked prompt.
     */
    static void traceFinish(RequestTrace trace, GenerateContentResponse response) {
        if (!trace.recording()) {
            return;
        }
        for (Candidate c : response.candidatesOrEmpty()) {
            if (c.finishReason() != null) {
                trace.finishReason(c.finishReason().value());
                return;
            }
        }
        if (response.promptFeedback() != null && response.promptFeedback().blockReason() != null) {
            trace.finishReason("BLOCKED_" + response.promptFeedback().blockReason());
        }
    }

    // Gemini's own status when it answered; else the policy's reading (504 timeout, 502 connection, 0 none)
    private static int upstreamStatus(io.github.geminibalance.retry.RetryPolicy policy, Throwable failure) {
        if (io.github.geminibalance.retry.RetryPolicy.unwrap(failure)
                instanceof io.github.geminibalance.upstream.GeminiApiException e) {
            return e.httpStatus();
        }
        return policy.classify(failure).verdict().status();
    }

    private static void traceTokens(RequestTrace trace, Usage usage) {
        if (usage != null) {
            int thinking = usage.completionTokensDetails() == null || usage.completionTokensDetails().reasoningTokens() == null
                    ? 0 : usage.completionTokensDetails().reasoningTokens();
            int cached = usage.promptTokensDetails() == null || usage.promptTokensDetails().cachedTokens() == null
                    ? 0 : usage.promptTokensDetails().cachedTokens();
            trace.tokens(usage.promptTokens(), usage.completionTokens(), usage.totalTokens(), thinking, cached);
        }
    }

    /** The translated request and the JSON sent upstream. */
    private record Prepared(GeminiChatRequest request, byte[] body) {}

    private CompletableFuture<Prepared> prepare(ChatCompletionRequest request) {
        if (request == null) {
            throw new InvalidRequestException(null, "the request body is empty");
        }
        // built inside the media fetch, so the remote images stay counted against the server-wide
        // budget (MAX_MEDIA_INFLIGHT_BYTES) until their largest copies, base64 and JSON, exist
        return media.inline(request, inlined -> {
            GeminiChatRequest g = translator.translate(inlined);
            return new Prepared(g, toJson(g.body()));
        });
    }

    private static ResponseOptions responseOptions(GeminiChatRequest g) {
        return new ResponseOptions(g.requestedModel(), g.choiceCount(), g.includeUsage(), g.search(), g.codeExecution(),
                g.parallelToolCalls());
    }

    // A 200 with nothing in it is a soft failure worth another key; a blocked prompt is an answer.
    private static void requireUsable(GenerateContentResponse response) {
        if (response.promptFeedback() != null && response.promptFeedback().blockReason() != null) {
            return;
        }
        if (response.candidatesOrEmpty().isEmpty()) {
            throw new SoftFailureException("EMPTY_RESPONSE", "Gemini answered with no candidates");
        }
        for (Candidate c : response.candidatesOrEmpty()) {
            if (c.finishReason() != null || c.parts().stream().anyMatch(ChatPipeline::hasContent)) {
                return;
            }
        }
        throw new SoftFailureException("EMPTY_RESPONSE", "Gemini answered with empty candidates and no finish reason");
    }

    private static boolean hasContent(io.github.geminibalance.gemini.Part p) {
        return (p.text() != null && !p.text().isEmpty()) || p.functionCall() != null || p.inlineData() != null
                || p.executableCode() != null || p.codeExecutionResult() != null || p.fileData() != null;
    }

    private void countTokens(KeyPool.Lease lease, Usage usage) {
        if (usage != null) {
            pool.addTokens(lease.key(), usage.totalTokens());
        }
    }

    /**
     * The body bytes, which take the lease over ({@link KeyPool.Lease#handOver()}) and return it when they
     * end (success), fail (classified) or are cancelled.
     */
    static StagePublisher<java.util.List<java.nio.ByteBuffer>, java.nio.ByteBuffer> releasing(
            Flow.Publisher<java.util.List<java.nio.ByteBuffer>> body,
            KeyPool.Lease lease, io.github.geminibalance.retry.RetryPolicy policy, RequestTrace trace) {
        return releasing(body, lease, policy, trace, false);
    }

    /**
     * {@link #releasing(Flow.Publisher, KeyPool.Lease, io.github.geminibalance.retry.RetryPolicy, RequestTrace)};
     * with {@code scan}, the token counts and the finish reason found in the bytes are noted in the trace
     * when the body ends ({@link NativeUsageScanner}). A body that fails is noted as a failed attempt.
     */
    static StagePublisher<java.util.List<java.nio.ByteBuffer>, java.nio.ByteBuffer> releasing(
            Flow.Publisher<java.util.List<java.nio.ByteBuffer>> body,
            KeyPool.Lease lease, io.github.geminibalance.retry.RetryPolicy policy, RequestTrace trace, boolean scan) {
        trace.expectBody();
        lease.handOver();
        NativeUsageScanner scanner = scan && trace.recording() ? new NativeUsageScanner() : null;
        return StagePublisher.of(body, new StagePublisher.Stage<java.util.List<java.nio.ByteBuffer>, java.nio.ByteBuffer>() {
            @Override
            public void onItem(java.util.List<java.nio.ByteBuffer> buffers, Consumer<java.nio.ByteBuffer> out) {
                trace.firstByte();
                if (scanner != null) {
                    buffers.forEach(scanner::feed);
                }
                buffers.forEach(out);
            }

            @Override
            public void onComplete(Consumer<java.nio.ByteBuffer> out) {
                report();
                lease.complete(Verdict.SUCCESS);
                trace.bodyEnded();
            }

            @Override
            public boolean onError(Throwable error, Consumer<java.nio.ByteBuffer> out) {
                report();
                traceFailure(trace, lease.key().id(), error); // the attempt had succeeded: its body failed
                lease.complete(policy.classify(error).verdict());
                trace.bodyEnded();
                return false;
            }

            @Override
            public void onCancel() {
                report();
                lease.complete(Verdict.NEUTRAL);
                trace.bodyEnded();
            }

            private void report() {
                if (scanner != null) {
                    scanner.report(trace);
                }
            }
        });
    }

    static byte[] toJson(Object value) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialize a Gemini request", e);
        }
    }

    /** Translates events to chunks and returns the stream's key with its verdict when the stream ends. */
    private final class TranslateStage implements StagePublisher.Stage<GenerateContentResponse, ChatCompletionChunk> {
        private final ChatStreamTranslator translator;
        private final KeyPool.Lease lease;
        private final RequestTrace trace;
        private boolean committed;

        TranslateStage(ChatStreamTranslator translator, KeyPool.Lease lease, RequestTrace trace) {
            this.translator = translator;
            this.lease = lease;
            this.trace = trace;
        }

        @Override
        public void onItem(GenerateContentResponse event, Consumer<ChatCompletionChunk> out) {
            traceFinish(trace, event);
            java.util.List<ChatCompletionChunk> chunks = translator.onEvent(event);
            if (!chunks.isEmpty()) {
                committed = true; // the first chunk commits the stream: the attempt has succeeded
            }
            chunks.forEach(out);
        }

        @Override
        public void onComplete(Consumer<ChatCompletionChunk> out) {
            if (!translator.producedOutput()) {
                throw new SoftFailureException("STREAM_EMPTY", "the Gemini stream ended without any content");
            }
            if (!translator.finished()) {
                throw new SoftFailureException("STREAM_CUT", "the Gemini stream ended before a finish reason");
            }
            translator.onComplete().forEach(out);
            countTokens(lease, translator.usage());
            traceTokens(trace, translator.usage()); // Gemini's usageMetadata, whether or not the client asked for usage
            lease.complete(Verdict.SUCCESS);
        }

        @Override
        public boolean onError(Throwable error, Consumer<ChatCompletionChunk> out) {
            traceTokens(trace, translator.usage());
            if (committed) {
                // before the first chunk the attempt itself fails and traced() notes it
                traceFailure(trace, lease.key().id(), error);
            }
            lease.complete(retry.policy().classify(error).verdict());
            return false;
        }

        @Override
        public void onCancel() {
            traceTokens(trace, translator.usage()); // the client left: the counts so far
            lease.complete(Verdict.NEUTRAL);
        }
    }

    /** Runs {@code release} after the subscribe deadline (a no-op if the stream was read by then). */
    void releaseLater(Runnable release) {
        try {
            scheduler.schedule(release, SUBSCRIBE_DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
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
    static final class DefaultChatStream implements ChatStream { // package-private for its TCK test
        private final Flow.Publisher<ChatCompletionChunk> chunks;
        private final RequestTrace trace;
        private final java.util.concurrent.atomic.AtomicBoolean subscribed = new java.util.concurrent.atomic.AtomicBoolean();

        DefaultChatStream(Flow.Publisher<ChatCompletionChunk> chunks, RequestTrace trace) {
            this.chunks = chunks;
            this.trace = trace;
        }

        void abandon() {
            if (chunks instanceof Primed<ChatCompletionChunk> primed && subscribed.compareAndSet(false, true)) {
                primed.cancelIfUnsubscribed();
                trace.bodyEnded();
            }
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ChatCompletionChunk> subscriber) {
            subscribed.set(true);
            chunks.subscribe(trace.recording() ? new io.github.geminibalance.internal.EndSignal<>(subscriber, trace::bodyEnded) : subscriber);
        }

        @Override
        public Flow.Publisher<String> sseData() {
            return StagePublisher.of(this, new StagePublisher.Stage<ChatCompletionChunk, String>() {
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
