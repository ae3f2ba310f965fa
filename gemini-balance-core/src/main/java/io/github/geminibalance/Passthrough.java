package io.github.geminibalance;

import io.github.geminibalance.internal.StagePublisher;
import io.github.geminibalance.retry.RetryLoop;
import io.github.geminibalance.upstream.GeminiClient;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The passthrough calls: Gemini's native REST API and Google's OpenAI-compatible layer, each with a pooled
 * key, the pool's retries and verdicts, the body forwarded as is and the answer streamed back unchanged
 * (see {@link GeminiBalance#forward} and {@link GeminiBalance#forwardOpenAiLayer}).
 */
final class Passthrough {

    private final RetryLoop retry;
    private final GeminiClient client;
    private final ChatPipeline chat;
    private final GeminiBalanceListener listener;
    private final Supplier<Map<String, String>> aliases;
    private final Files files;

    Passthrough(RetryLoop retry, GeminiClient client, ChatPipeline chat, GeminiBalanceListener listener,
            Supplier<Map<String, String>> aliases, Files files) {
        this.files = files;
        this.retry = retry;
        this.client = client;
        this.chat = chat;
        this.listener = listener;
        this.aliases = aliases;
    }

    /**
     * {@link GeminiBalance#forward(String, String, String, byte[], RequestTrace, String)}: a request that names
     * an uploaded file ({@code fileData.fileUri}) goes to the file's key only.
     */
    CompletableFuture<NativeResponse> forward(String method, String path, String query, byte[] body,
            RequestTrace trace, String owner) {
        String requested = nativeModel(path);
        GeminiBalance.note(trace, requested.equals(ModelCatalog.POOL_KEY) ? null : requested,
                path.endsWith(":streamGenerateContent"));
        path = NativeAliases.apply(aliases.get(), path, requested); // MODEL_ALIASES
        String model = nativeModel(path);
        if (!model.equals(ModelCatalog.POOL_KEY)) {
            trace.modelSent(model);
        }
        // only answers that carry usageMetadata are scanned for it
        boolean scan = path.endsWith(":generateContent") || path.endsWith(":streamGenerateContent");
        String pathAndQuery = "/" + path + (query == null || query.isEmpty() ? "" : "?" + query);
        RetryLoop.Attempt<NativeResponse> attempt = ChatPipeline.traced(trace, retry.policy(),
                lease -> client.exchange(lease.key(), method, pathAndQuery, body, "application/json")
                        .thenApply(response -> {
                            var released = ChatPipeline.releasing(response.body(), lease, retry.policy(), trace, scan);
                            chat.releaseLater(released::cancelIfUnsubscribed);
                            return new NativeResponse(response.status(), response.contentType(), released);
                        }));
        // calls that may name an uploaded file (fileData.fileUri) go to the file's key
        boolean mayNameFiles = scan || path.endsWith(":countTokens");
        return Calls.handOver(Calls.observe(listener, "native", model, Calls.guard(() -> mayNameFiles
                ? files.keyFor(body, owner).thenCompose(key -> key.isPresent() ? retry.runOn(key.get(), model, attempt)
                        : retry.run(model, attempt))
                : retry.run(model, attempt))), response -> ((StagePublisher<?, ?>) response.body()).cancelIfUnsubscribed());
    }

    /** {@link GeminiBalance#forwardOpenAiLayer}. */
    CompletableFuture<NativeResponse> forwardOpenAiLayer(String method, String path, String query, byte[] body,
            RequestTrace trace) {
        OpenAiLayerRequest call = OpenAiLayerRequest.of(body);
        GeminiBalance.note(trace, call.model(), call.stream());
        if (call.model() != null) {
            trace.modelSent(call.model());
        }
        String model = call.model() == null ? ModelCatalog.POOL_KEY : call.model();
        String pathAndQuery = "/openai/" + path + (query == null || query.isEmpty() ? "" : "?" + query);
        byte[] sent = body == null ? new byte[0] : body;
        return Calls.handOver(Calls.observe(listener, "openai_layer", model, Calls.guard(() -> retry.run(model, ChatPipeline.traced(trace,
                retry.policy(), lease -> client.exchange(lease.key(), method, pathAndQuery, sent, "application/json", true)
                        .thenApply(response -> {
                            var released = ChatPipeline.releasing(response.body(), lease, retry.policy(), trace, false);
                            chat.releaseLater(released::cancelIfUnsubscribed);
                            return new NativeResponse(response.status(), response.contentType(), released);
                        }))))), response -> ((StagePublisher<?, ?>) response.body()).cancelIfUnsubscribed());
    }

    private static String nativeModel(String path) {
        if (path.startsWith("models/")) {
            String rest = path.substring("models/".length());
            int colon = rest.indexOf(':');
            return colon < 0 ? rest : rest.substring(0, colon);
        }
        return ModelCatalog.POOL_KEY;
    }
}
