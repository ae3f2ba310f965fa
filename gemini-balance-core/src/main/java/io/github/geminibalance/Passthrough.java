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
    private final Supplier<io.github.geminibalance.config.AnswerSettings> answers;
    private final ResourceKeys resources;
    private final Files files;

    Passthrough(RetryLoop retry, GeminiClient client, ChatPipeline chat, GeminiBalanceListener listener,
            Supplier<Map<String, String>> aliases, Supplier<io.github.geminibalance.config.AnswerSettings> answers,
            ResourceKeys resources, Files files) {
        this.answers = answers;
        this.resources = resources;
        this.files = files;
        this.retry = retry;
        this.client = client;
        this.chat = chat;
        this.listener = listener;
        this.aliases = aliases;
    }

    /**
     * {@link GeminiBalance#forward(String, String, String, byte[], RequestTrace, String)}: a request that names
     * an uploaded file ({@code fileData.fileUri}) or a cached content ({@code cachedContent}) goes to its key only.
     */
    CompletableFuture<NativeResponse> forward(String method, String path, String query, byte[] body,
            RequestTrace trace, String owner) {
        String requested = nativeModel(path);
        GeminiBalance.note(trace, requested.equals(ModelCatalog.POOL_KEY) ? null : requested,
                path.endsWith(":streamGenerateContent"));
        path = NativeAliases.apply(aliases.get(), path, requested); // MODEL_ALIASES
        String model = nativeModel(path);
        io.github.geminibalance.config.AnswerSettings settings = answers.get();
        if (!model.equals(ModelCatalog.POOL_KEY)) {
            FilteredModels.check(settings, requested, model);
        }
        boolean list = path.equals("models") && "GET".equals(method) && !settings.filteredModels().isEmpty();
        if (!model.equals(ModelCatalog.POOL_KEY)) {
            trace.modelSent(model);
        }
        // only answers that carry usageMetadata are scanned for it
        boolean scan = path.endsWith(":generateContent") || path.endsWith(":streamGenerateContent");
        String pathAndQuery = "/" + path + (query == null || query.isEmpty() ? "" : "?" + query);
        RetryLoop.Call<NativeResponse> exchange = Pipeline.traced(trace, retry.policy(),
                attempt -> client.exchange(attempt.key(), method, pathAndQuery, body, "application/json")
                        .thenApply(response -> {
                            var released = Pipeline.releasing(response.body(), attempt, trace, scan);
                            chat.releaseLater(released::cancelIfUnsubscribed);
                            if (list && response.status() == 200) { // FILTERED_MODELS: out of the list
                                var filtered = StagePublisher.of(released, FilteredModels.nativeListStage(settings));
                                return new NativeResponse(response.status(), response.contentType(), filtered);
                            }
                            return new NativeResponse(response.status(), response.contentType(), released);
                        }));
        // calls that may name an uploaded file (fileData.fileUri) or a cached content go to its key
        boolean mayNameFiles = scan || path.endsWith(":countTokens");
        return Calls.handOver(Calls.observe(listener, "native", model, Calls.guard(() -> mayNameFiles
                ? resources.keyFor(body, owner).thenCompose(key -> key.isPresent() ? retry.runOn(key.get(), model, exchange)
                        : retry.run(model, exchange))
                : retry.run(model, exchange))), response -> ((StagePublisher<?, ?>) response.body()).cancelIfUnsubscribed());
    }

    /**
     * {@link GeminiFiles#download}: an uploaded (or batch results) file's bytes, streamed from Gemini with
     * the file's key ({@code download/v1beta/files/{id}:download?alt=media}).
     */
    CompletableFuture<NativeResponse> download(String name, String owner, RequestTrace trace) {
        RetryLoop.Call<NativeResponse> exchange = Pipeline.traced(trace, retry.policy(),
                attempt -> client.download(attempt.key(), name).thenApply(response -> {
                    var released = Pipeline.releasing(response.body(), attempt, trace, false);
                    chat.releaseLater(released::cancelIfUnsubscribed);
                    return new NativeResponse(response.status(), response.contentType(), released);
                }));
        return Calls.handOver(Calls.observe(listener, "files", ModelCatalog.POOL_KEY, Calls.guard(() ->
                files.owned(name, owner).thenCompose(file -> retry.runOn(file.keyId(), ModelCatalog.POOL_KEY,
                        exchange)))), response -> ((StagePublisher<?, ?>) response.body()).cancelIfUnsubscribed());
    }

    /** {@link GeminiBalance#forwardOpenAiLayer}. */
    CompletableFuture<NativeResponse> forwardOpenAiLayer(String method, String path, String query, byte[] body,
            RequestTrace trace) {
        // FILTERED_MODELS: a body or path naming a filtered model is refused before a key is leased, and
        // GET models leaves filtered models out
        OpenAiLayerRequest call = OpenAiLayerRequest.of(body);
        GeminiBalance.note(trace, call.model(), call.stream());
        String model = call.model() == null ? ModelCatalog.POOL_KEY : call.model();
        io.github.geminibalance.config.AnswerSettings settings = answers.get();
        boolean list = path.equals("models") && "GET".equals(method) && !settings.filteredModels().isEmpty();
        String pathAndQuery = "/openai/" + path + (query == null || query.isEmpty() ? "" : "?" + query);
        byte[] sent = body == null ? new byte[0] : body;
        return Calls.handOver(Calls.observe(listener, "openai_layer", model, Calls.guard(() -> {
            // GET models/{id} names its model in the path
            FilteredModels.check(settings, call.model(), path.startsWith("models/") ? path : null);
            if (call.model() != null) {
                trace.modelSent(call.model());
            }
            return retry.run(model, Pipeline.traced(trace, retry.policy(),
                    attempt -> client.exchange(attempt.key(), method, pathAndQuery, sent, "application/json", true)
                            .thenApply(response -> {
                                var released = Pipeline.releasing(response.body(), attempt, trace, false);
                                chat.releaseLater(released::cancelIfUnsubscribed);
                                if (list && response.status() == 200) { // FILTERED_MODELS: out of the list
                                    return new NativeResponse(response.status(), response.contentType(),
                                            StagePublisher.of(released, FilteredModels.openAiListStage(settings)));
                                }
                                return new NativeResponse(response.status(), response.contentType(), released);
                            })));
        })), response -> ((StagePublisher<?, ?>) response.body()).cancelIfUnsubscribed());
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
