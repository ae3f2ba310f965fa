package io.github.geminibalance;

import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.openai.ImageGenerationRequest;
import io.github.geminibalance.openai.ImagesResponse;
import io.github.geminibalance.retry.RetryLoop;
import io.github.geminibalance.upstream.GeminiClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Image generation and edits on the pool ({@link GeminiBalance#images}, {@link GeminiBalance#imageEdits}):
 * every Gemini call leases its own key through the retry loop, so {@code n} images may come from several
 * keys; Imagen batches up to {@value ImageRequests#IMAGEN_BATCH} images per call, a Gemini image model
 * makes one image per call. The answer always carries base64 images; {@code response_format: url} is the
 * adapter's to serve. The client's model goes through {@code MODEL_ALIASES} and {@code FILTERED_MODELS} as on
 * the chat route.
 */
final class ImagePipeline {

    private final RetryLoop retry;
    private final GeminiClient client;
    private final Clock clock;
    private final GeminiBalanceListener listener;

    ImagePipeline(RetryLoop retry, GeminiClient client, Clock clock, GeminiBalanceListener listener) {
        this.retry = retry;
        this.client = client;
        this.clock = clock;
        this.listener = listener;
    }

    /** Generates; {@code config}: the settings in effect ({@code MODEL_ALIASES}, {@code FILTERED_MODELS}). */
    CompletableFuture<ImagesResponse> generate(ImageGenerationRequest request, RequestTrace trace,
            GeminiBalanceConfig config) {
        GeminiBalance.note(trace, request == null ? null : request.model(), false);
        return Calls.observe(listener, "images", request == null || request.model() == null ? "" : request.model(),
                Calls.guard(() -> run(checked(ImageRequests.plan(request, config.modelAliases()), request.model(),
                        config), List.of(), trace)));
    }

    /** Edits; {@code config}: the settings in effect ({@code MODEL_ALIASES}, {@code FILTERED_MODELS}). */
    CompletableFuture<ImagesResponse> edit(ImageEditRequest request, RequestTrace trace, GeminiBalanceConfig config) {
        GeminiBalance.note(trace, request == null ? null : request.model(), false);
        return Calls.observe(listener, "image_edits", request == null || request.model() == null ? "" : request.model(),
                Calls.guard(() -> run(checked(ImageRequests.plan(request, config.modelAliases()), request.model(),
                        config), request.images(), trace)));
    }

    // FILTERED_MODELS: the client's name and the model it resolved to, as on the chat route
    private static ImageRequests.Plan checked(ImageRequests.Plan plan, String requested, GeminiBalanceConfig config) {
        FilteredModels.check(config.answers(), requested, plan.model());
        return plan;
    }

    private CompletableFuture<ImagesResponse> run(ImageRequests.Plan plan, List<ImageEditRequest.InputImage> inputs,
            RequestTrace trace) {
        trace.modelSent(plan.model());
        List<CompletableFuture<List<ImagesResponse.Image>>> calls = new ArrayList<>();
        if (plan.family() == ImageRequests.Family.IMAGEN) {
            for (int left = plan.n(); left > 0; left -= ImageRequests.IMAGEN_BATCH) {
                byte[] body = ImageRequests.imagenBody(plan, Math.min(left, ImageRequests.IMAGEN_BATCH));
                calls.add(retry.run(plan.model(), Pipeline.traced(trace, retry.policy(),
                        attempt -> client.predict(attempt.key(), plan.model(), body).thenApply(ImageRequests::images))));
            }
        } else {
            byte[] body = ImageRequests.geminiBody(plan, inputs);
            for (int i = 0; i < plan.n(); i++) {
                calls.add(retry.run(plan.model(), Pipeline.traced(trace, retry.policy(),
                        attempt -> client.generateContent(attempt.key(), plan.model(), body).thenApply(ImageRequests::images))));
            }
        }
        long created = clock.instant().getEpochSecond();
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<ImagesResponse.Image> images = new ArrayList<>();
            calls.forEach(c -> images.addAll(c.join()));
            return ImagesResponse.of(created, List.copyOf(images.subList(0, Math.min(images.size(), plan.n()))));
        });
    }
}
