package io.github.geminibalance;

import io.github.geminibalance.config.AnswerSettings;
import io.github.geminibalance.gemini.Candidate;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.internal.Primed;
import io.github.geminibalance.internal.StagePublisher;
import io.github.geminibalance.retry.Attempt;
import io.github.geminibalance.retry.RetryLoop;
import io.github.geminibalance.translate.EventTranslator;
import io.github.geminibalance.translate.FrontDoor;
import io.github.geminibalance.translate.RemoteMediaFetcher;
import io.github.geminibalance.upstream.GeminiClient;
import io.github.geminibalance.upstream.SoftFailureException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The one request pipeline, assembled in one place, for every front door ({@link FrontDoor}): inline
 * remote media and translate the request to Gemini, then per attempt lease a key, call Gemini,
 * classify, and translate the answer back, event by event. The non-streamed answer goes through the
 * same event translator (as a single event) and is folded by the door's accumulator, so both modes
 * render identically.
 *
 * @param <Q> the door's request type
 * @param <E> the door's stream event type
 * @param <A> the door's non-stream answer type
 */
final class Pipeline<Q, E, A> {

    private final FrontDoor<Q, E, A> door;
    private final RemoteMediaFetcher media;
    private final GeminiClient client;
    private final RetryLoop retry;
    private final Clock clock;
    private final RandomGenerator random;
    private final GeminiBalanceListener listener;
    private final java.util.concurrent.ScheduledExecutorService scheduler;
    private final java.util.function.Supplier<AnswerSettings> answers;

    /** How long a primed stream waits for its reader before it is released (its key, its connection). */
    static final java.time.Duration SUBSCRIBE_DEADLINE = java.time.Duration.ofSeconds(30);

    Pipeline(FrontDoor<Q, E, A> door, RemoteMediaFetcher media, GeminiClient client, RetryLoop retry,
            Clock clock, RandomGenerator random, GeminiBalanceListener listener,
            java.util.concurrent.ScheduledExecutorService scheduler, java.util.function.Supplier<AnswerSettings> answers) {
        this.door = door;
        this.media = media;
        this.client = client;
        this.retry = retry;
        this.clock = clock;
        this.random = random;
        this.listener = listener;
        this.scheduler = scheduler;
        this.answers = answers;
    }

    // uploaded files and cached contents a request names pin it to their key; null: none kept
    private ResourceKeys resources;

    /** Sends every request that names an uploaded file or a cached content with its key ({@link ResourceKeys#keyFor}). */
    void pinResourcesWith(ResourceKeys resources) {
        this.resources = resources;
    }

    // retry.run, or retry.runOn the key of the files or cached content the body names (for owner; null: anybody's)
    private <T> CompletableFuture<T> run(String model, byte[] body, String owner, RetryLoop.Call<T> call) {
        if (resources == null) {
            return retry.run(model, call);
        }
        return resources.keyFor(body, owner).thenCompose(key -> key.isPresent() ? retry.runOn(key.get(), model, call)
                : retry.run(model, call));
    }

    /** The non-stream answer. */
    CompletableFuture<A> complete(Q request, RequestTrace trace) {
        return complete(request, trace, null);
    }

    /** The non-stream answer; a file it names is looked up among {@code owner}'s ({@code null}: anybody's). */
    CompletableFuture<A> complete(Q request, RequestTrace trace, String owner) {
        return door.prepare(request, media).thenCompose(call -> {
            AnswerSettings settings = answers.get();
            FilteredModels.check(settings, call.requestedModel(), call.upstreamModel());
            byte[] body = call.body();
            trace.modelSent(call.upstreamModel());
            return run(call.upstreamModel(), body, owner, traced(trace, retry.policy(),
                    attempt -> client.generateContent(attempt.key(), call.upstreamModel(), body)
                    .thenApply(response -> {
                        requireUsable(response);
                        FrontDoor.Folded<A> folded = call.fold(AnswerThoughts.shown(response, settings), clock, random);
                        countTokens(attempt, folded.tokens());
                        traceTokens(trace, folded.tokens());
                        traceFinish(trace, response);
                        return folded.answer();
                    })));
        });
    }

    /**
     * The streamed answer, handed over once its first event is in hand (failures before that are retried
     * and fail the future); {@code wrap} makes the door's stream type from the events and the trace.
     */
    <S extends PipelineStream<E>> CompletableFuture<S> stream(Q request, RequestTrace trace,
            BiFunction<Flow.Publisher<E>, RequestTrace, S> wrap) {
        return stream(request, trace, null, wrap);
    }

    /** {@link #stream(Object, RequestTrace, BiFunction)}; a file it names is looked up among {@code owner}'s. */
    <S extends PipelineStream<E>> CompletableFuture<S> stream(Q request, RequestTrace trace, String owner,
            BiFunction<Flow.Publisher<E>, RequestTrace, S> wrap) {
        long started = System.nanoTime();
        return door.prepare(request, media).thenCompose(call -> {
            AnswerSettings settings = answers.get();
            FilteredModels.check(settings, call.requestedModel(), call.upstreamModel());
            if (settings.fakeStreamEnabled()) {
                return CompletableFuture.completedFuture(fakeStream(call, trace, wrap, settings, started));
            }
            byte[] body = call.body();
            trace.modelSent(call.upstreamModel());
            return run(call.upstreamModel(), body, owner, traced(trace, retry.policy(),
                    attempt -> client.streamGenerateContent(attempt.handOver().key(), call.upstreamModel(), body)
                    .thenCompose(events -> {
                        Flow.Publisher<GenerateContentResponse> responses =
                                StagePublisher.of(events, (data, out) -> out.accept(
                                        AnswerThoughts.shown(GeminiClient.parseEvent(data), settings)));
                        Flow.Publisher<E> translated = StagePublisher.of(responses,
                                new TranslateStage<>(call.events(clock, random), attempt, trace));
                        return Primed.awaitFirst(translated);
                    })))
                    .thenApply(events -> {
                        listener.onFirstChunk(call.requestedModel(), java.time.Duration.ofNanos(System.nanoTime() - started));
                        trace.firstByte();
                        trace.expectBody(); // before the stream is handed over, so the adapter waits for its end
                        S stream = wrap.apply(events, trace);
                        releaseLater(stream::abandon);
                        return stream;
                    });
        });
    }

    /**
     * A stream answered from one non-streamed call ({@code FAKE_STREAM_ENABLED}): handed over at once, so
     * the client's stream opens and gets keep-alive every {@code FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS}
     * while Gemini works; then the whole answer as the door's events (or the failure as the door's error
     * event). The call has the retries, key verdicts, records and metrics of any other.
     */
    private <S extends PipelineStream<E>> S fakeStream(FrontDoor.Call<E, A> call, RequestTrace trace,
            BiFunction<Flow.Publisher<E>, RequestTrace, S> wrap, AnswerSettings settings, long started) {
        byte[] body = call.body();
        trace.modelSent(call.upstreamModel());
        CompletableFuture<java.util.List<E>> answer = retry.run(call.upstreamModel(), traced(trace, retry.policy(),
                attempt -> client.generateContent(attempt.key(), call.upstreamModel(), body)
                .thenApply(response -> {
                    requireUsable(response);
                    traceFinish(trace, response);
                    EventTranslator<E> translator = call.events(clock, random);
                    java.util.List<E> events = new java.util.ArrayList<>(
                            translator.onEvent(AnswerThoughts.shown(response, settings)));
                    events.addAll(translator.onComplete());
                    countTokens(attempt, translator.tokens());
                    traceTokens(trace, translator.tokens());
                    listener.onFirstChunk(call.requestedModel(), java.time.Duration.ofNanos(System.nanoTime() - started));
                    return events;
                })));
        trace.firstByte(); // the stream's head goes out now
        trace.expectBody();
        S stream = wrap.apply(new FakeStream<>(answer), trace);
        stream.heartbeat(settings.fakeStreamInterval());
        releaseLater(stream::abandon);
        return stream;
    }

    /**
     * The call, noted in the trace: the attempt's key id when it starts, the upstream status when its
     * future completes (RetryLoop sees the completion only after the trace has it).
     */
    static <T> RetryLoop.Call<T> traced(RequestTrace trace, io.github.geminibalance.retry.RetryPolicy policy,
            RetryLoop.Call<T> inner) {
        if (!trace.recording()) {
            return inner;
        }
        return attempt -> {
            String keyId = attempt.key().id();
            int n = trace.attemptStarted(keyId);
            CompletableFuture<T> call;
            try {
                call = inner.call(attempt);
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

    static void traceTokens(RequestTrace trace, RequestTrace.Tokens tokens) {
        if (tokens != null) {
            trace.tokens(tokens.prompt(), tokens.completion(), tokens.total(), tokens.thinking(), tokens.cached());
        }
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
            if (c.finishReason() != null || c.parts().stream().anyMatch(Pipeline::hasContent)) {
                return;
            }
        }
        throw new SoftFailureException("EMPTY_RESPONSE", "Gemini answered with empty candidates and no finish reason");
    }

    private static boolean hasContent(io.github.geminibalance.gemini.Part p) {
        return (p.text() != null && !p.text().isEmpty()) || p.functionCall() != null || p.inlineData() != null
                || p.executableCode() != null || p.codeExecutionResult() != null || p.fileData() != null;
    }

    private static void countTokens(Attempt attempt, RequestTrace.Tokens tokens) {
        if (tokens != null) {
            attempt.countTokens(tokens.total());
        }
    }

    /**
     * The body bytes, which take the attempt over ({@link Attempt#handOver()}) and end it when they end
     * (success), fail (classified) or are cancelled. With {@code scan}, the token counts and the finish
     * reason found in the bytes are noted in the trace when the body ends ({@link NativeUsageScanner}). A
     * body that fails is noted as a failed attempt.
     */
    static StagePublisher<java.util.List<java.nio.ByteBuffer>, java.nio.ByteBuffer> releasing(
            Flow.Publisher<java.util.List<java.nio.ByteBuffer>> body, Attempt attempt, RequestTrace trace,
            boolean scan) {
        trace.expectBody();
        attempt.handOver();
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
                attempt.succeeded();
                trace.bodyEnded();
            }

            @Override
            public boolean onError(Throwable error, Consumer<java.nio.ByteBuffer> out) {
                report();
                traceFailure(trace, attempt.key().id(), error); // the call had succeeded: its body failed
                attempt.failed(error);
                trace.bodyEnded();
                return false;
            }

            @Override
            public void onCancel() {
                report();
                attempt.abandoned();
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
        return Json.bytes(value);
    }

    /** Translates events and ends the stream's attempt, with its verdict, when the stream ends. */
    private static final class TranslateStage<E> implements StagePublisher.Stage<GenerateContentResponse, E> {
        private final EventTranslator<E> translator;
        private final Attempt attempt;
        private final RequestTrace trace;
        private boolean committed;

        TranslateStage(EventTranslator<E> translator, Attempt attempt, RequestTrace trace) {
            this.translator = translator;
            this.attempt = attempt;
            this.trace = trace;
        }

        @Override
        public void onItem(GenerateContentResponse event, Consumer<E> out) {
            traceFinish(trace, event);
            java.util.List<E> items = translator.onEvent(event);
            if (!items.isEmpty()) {
                committed = true; // the first item commits the stream: the attempt has succeeded
            }
            items.forEach(out);
        }

        @Override
        public void onComplete(Consumer<E> out) {
            if (!translator.producedOutput()) {
                throw new SoftFailureException("STREAM_EMPTY", "the Gemini stream ended without any content");
            }
            if (!translator.finished()) {
                throw new SoftFailureException("STREAM_CUT", "the Gemini stream ended before a finish reason");
            }
            translator.onComplete().forEach(out);
            countTokens(attempt, translator.tokens());
            traceTokens(trace, translator.tokens()); // Gemini's usageMetadata, whether or not the client asked for usage
            attempt.succeeded();
        }

        @Override
        public boolean onError(Throwable error, Consumer<E> out) {
            traceTokens(trace, translator.tokens());
            if (committed) {
                // before the first item the attempt itself fails and traced() notes it
                traceFailure(trace, attempt.key().id(), error);
            }
            attempt.failed(error);
            return false;
        }

        @Override
        public void onCancel() {
            traceTokens(trace, translator.tokens()); // the client left: the counts so far
            attempt.abandoned();
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
}
