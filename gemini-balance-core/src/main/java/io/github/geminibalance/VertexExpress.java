package io.github.geminibalance;

import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.internal.StagePublisher;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.retry.RetryLoop;
import io.github.geminibalance.retry.RetryPolicy;
import io.github.geminibalance.spi.HttpTransport;
import io.github.geminibalance.upstream.GeminiClient;
import io.github.geminibalance.upstream.ProxyRouter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The Vertex AI express-mode pool ({@code VERTEX_API_KEYS}): a key pool of its own, with its own states,
 * retries and verdicts, whose calls go to {@code VERTEX_EXPRESS_BASE_URL} through the same proxies and with
 * the same custom headers as Gemini's. Only {@code generateContent} and {@code streamGenerateContent} are
 * sent, the body passed through as is. The key travels in {@code x-goog-api-key}, as Google's SDKs send
 * it in express mode.
 */
final class VertexExpress {

    /** The operation name the listener (metrics) and records see. */
    static final String OPERATION = "vertex_express";

    private final KeyPool pool;
    private final RetryLoop retry;
    private final GeminiClient client;
    private final ChatPipeline chat;
    private final GeminiBalanceListener listener;
    private final boolean fallback;

    private VertexExpress(KeyPool pool, RetryLoop retry, GeminiClient client, ChatPipeline chat,
            GeminiBalanceListener listener, boolean fallback) {
        this.pool = pool;
        this.retry = retry;
        this.client = client;
        this.chat = chat;
        this.listener = listener;
        this.fallback = fallback;
    }

    /** The pool of {@code config}'s Vertex keys, or null when there are none. */
    static VertexExpress of(GeminiBalanceConfig config, HttpTransport transport, ProxyRouter proxies,
            RetryPolicy policy, GeminiBalanceListener listener, ChatPipeline chat, ScheduledExecutorService scheduler,
            Clock clock) {
        List<String> keys = config.upstream().vertexApiKeys();
        if (keys.isEmpty()) {
            return null;
        }
        KeyPool pool = new KeyPool(keys, config.maxFailures(), config.keySelection(), clock);
        GeminiClient client = new GeminiClient(transport, config.upstream().vertexBaseUrl(), config.timeout(),
                config.streamIdleTimeout(), scheduler, proxies, config.upstream().customHeaders());
        return new VertexExpress(pool, new RetryLoop(pool, policy, listener), client, chat, listener,
                config.upstream().vertexFallback());
    }

    /** Whether a Gemini-pool call to {@code path} that failed with {@code failure} goes to this pool instead. */
    boolean takesOver(String method, String path, Throwable failure) {
        if (!fallback || !"POST".equals(method) || Generate.of(path) == null) {
            return false;
        }
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        // the Gemini pool had no key to try: every key invalid or disabled (503), or every key resting (429
        // raised before any attempt, so without a cause)
        return t instanceof GeminiBalanceException e && e.code().filter("no_usable_key"::equals).isPresent()
                || t instanceof GeminiBalanceException r && r.httpStatus() == 429 && r.getCause() == null
                        && r.code().filter("rate_limit_exceeded"::equals).isPresent();
    }

    /**
     * {@code POST models/{model}:generateContent} or {@code :streamGenerateContent} with a Vertex key.
     *
     * @param path {@code models/{model}:generateContent} or {@code models/{model}:streamGenerateContent}
     * @param query the query to send on (the client's own key removed), or null
     * @param body the request body, sent unchanged
     * @param trace notes the model and attempts
     * @return Vertex's answer, streamed; a failed future with a {@link GeminiBalanceException} for a path
     *     that is not one of the two, or when the pool fails
     */
    CompletableFuture<NativeResponse> forward(String path, String query, byte[] body, RequestTrace trace) {
        Generate call = Generate.of(path);
        if (call == null) {
            return CompletableFuture.failedFuture(new GeminiBalanceException(404, "invalid_request_error",
                    "not_found", null, null, "Vertex AI express mode serves only models/{model}:generateContent "
                    + "and models/{model}:streamGenerateContent", null));
        }
        GeminiBalance.note(trace, call.model, call.stream);
        trace.modelSent(call.model);
        String pathAndQuery = "/" + path + (query == null || query.isEmpty() ? "" : "?" + query);
        byte[] sent = body == null ? new byte[0] : body;
        return Calls.handOver(Calls.observe(listener, OPERATION, call.model, Calls.guard(() -> retry.run(call.model,
                Pipeline.traced(trace, retry.policy(),
                attempt -> client.exchange(attempt.key(), "POST", pathAndQuery, sent, "application/json")
                        .thenApply(response -> {
                            var released = Pipeline.releasing(response.body(), attempt, trace, true);
                            chat.releaseLater(released::cancelIfUnsubscribed);
                            return new NativeResponse(response.status(), response.contentType(), released);
                        }))))), response -> ((StagePublisher<?, ?>) response.body()).cancelIfUnsubscribed());
    }

    /** The raw keys, for masking them in answers. */
    List<String> keyValues() {
        return pool.values();
    }

    /** The Vertex keys (masked) with their states. */
    List<KeyStatus> keyStatus() {
        return pool.status();
    }

    /** A generate call's model and whether it streams, from its path; null for any other path. */
    private record Generate(String model, boolean stream) {
        static Generate of(String path) {
            if (path == null || !path.startsWith("models/")) {
                return null;
            }
            String rest = path.substring("models/".length());
            int colon = rest.indexOf(':');
            if (colon <= 0 || rest.indexOf('/') >= 0) {
                return null;
            }
            String method = rest.substring(colon + 1);
            return switch (method) {
                case "generateContent" -> new Generate(rest.substring(0, colon), false);
                case "streamGenerateContent" -> new Generate(rest.substring(0, colon), true);
                default -> null;
            };
        }
    }
}
