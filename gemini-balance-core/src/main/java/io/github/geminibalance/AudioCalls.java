package io.github.geminibalance;

import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.internal.Primed;
import io.github.geminibalance.internal.StagePublisher;
import io.github.geminibalance.openai.SpeechRequest;
import io.github.geminibalance.openai.TranscriptionRequest;
import io.github.geminibalance.retry.RetryLoop;
import io.github.geminibalance.translate.SpeechTranslator;
import io.github.geminibalance.translate.TranscriptionTranslator;
import io.github.geminibalance.upstream.GeminiClient;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Speech ({@link GeminiBalance#speech}) and transcription ({@link GeminiBalance#transcription},
 * {@link GeminiBalance#translation}): one {@code generateContent} call each, on the pool with its retries
 * and verdicts, the tokens counted on the key and noted in the trace. The client's model goes through
 * {@code MODEL_ALIASES} and {@code FILTERED_MODELS} as on the chat route.
 */
final class AudioCalls {

    private final RetryLoop retry;
    private final GeminiClient client;
    private final Supplier<GeminiBalanceConfig> config;

    AudioCalls(RetryLoop retry, GeminiClient client, Supplier<GeminiBalanceConfig> config) {
        this.retry = retry;
        this.client = client;
        this.config = config;
    }

    CompletableFuture<AudioResponse> speech(SpeechRequest request, RequestTrace trace) {
        GeminiBalanceConfig c = config.get();
        SpeechTranslator.Plan plan = SpeechTranslator.plan(request, c.audio(), c.modelAliases());
        FilteredModels.check(c.answers(), request.model(), plan.model());
        return call(plan.model(), plan.body(), trace, response -> SpeechTranslator.answer(response, plan));
    }

    /**
     * Speech as events ({@code stream_format: "sse"}), through {@code streamGenerateContent}: handed over once
     * the first piece of audio is in hand (failures before it are retried on other keys); a stream nobody
     * reads is released by {@code releaseLater}.
     */
    CompletableFuture<SpeechStream> speechStream(SpeechRequest request, RequestTrace trace,
            Consumer<Runnable> releaseLater) {
        GeminiBalanceConfig c = config.get();
        SpeechTranslator.Plan plan = SpeechTranslator.plan(request, c.audio(), c.modelAliases());
        FilteredModels.check(c.answers(), request.model(), plan.model());
        String model = plan.model();
        trace.modelSent(model);
        return retry.run(model, Pipeline.traced(trace, retry.policy(),
                attempt -> client.streamGenerateContent(attempt.handOver().key(), model, plan.body())
                        .thenCompose(events -> Primed.awaitFirst(StagePublisher.of(
                                StagePublisher.<String, GenerateContentResponse>of(events,
                                        (data, out) -> out.accept(GeminiClient.parseEvent(data))),
                                new SpeechStreams.Translate("wav".equals(plan.format()), attempt, trace))))))
                .thenApply(events -> {
                    trace.firstByte();
                    trace.expectBody(); // before the stream is handed over, so the adapter waits for its end
                    SpeechStreams.Committed stream = new SpeechStreams.Committed(events, trace);
                    releaseLater.accept(stream::abandon);
                    return stream;
                });
    }

    CompletableFuture<AudioResponse> transcribe(TranscriptionRequest request, boolean translate, RequestTrace trace) {
        GeminiBalanceConfig c = config.get();
        TranscriptionTranslator.Plan plan = TranscriptionTranslator.plan(request, c.audio(), c.media().maxItemBytes(),
                translate, c.modelAliases());
        FilteredModels.check(c.answers(), request.model(), plan.model());
        return call(plan.model(), plan.body(), trace, response -> TranscriptionTranslator.answer(response, plan));
    }

    private CompletableFuture<AudioResponse> call(String model, byte[] body, RequestTrace trace,
            Function<GenerateContentResponse, AudioResponse> answer) {
        trace.modelSent(model);
        return retry.run(model, Pipeline.traced(trace, retry.policy(),
                attempt -> client.generateContent(attempt.key(), model, body).thenApply(response -> {
                    Pipeline.traceFinish(trace, response);
                    AudioResponse audio = answer.apply(response);
                    RequestTrace.Tokens tokens = SpeechTranslator.tokens(response);
                    if (tokens != null) {
                        attempt.countTokens(tokens.total());
                        Pipeline.traceTokens(trace, tokens);
                    }
                    return audio;
                })));
    }
}
