package io.github.geminibalance;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The Vertex AI express pool ({@link GeminiBalance#vertex()}): a second pool of keys, with its own key states,
 * retries and verdicts, for the {@code /vertex-express/...} routes (and the native routes' fallback, which
 * {@link GeminiBalance#forward(String, String, String, byte[])} does by itself).
 */
public final class GeminiVertex {

    private final VertexExpress vertex; // null without VERTEX_API_KEYS

    GeminiVertex(VertexExpress vertex) {
        this.vertex = vertex;
    }

    /**
     * Vertex AI express mode ({@code VERTEX_API_KEYS}): {@code POST <VERTEX_EXPRESS_BASE_URL>/<path>} with
     * a key of the Vertex pool, which has its own states, retries and verdicts; the body is passed through
     * unchanged and the answer streamed back as {@link GeminiBalance#forward(String, String, String, byte[])} does. Fails with a 503 {@link
     * GeminiBalanceException} when no Vertex key is configured.
     *
     * @param path {@code models/{model}:generateContent} or {@code models/{model}:streamGenerateContent}
     * @param query the query to send on (without the client's own key), or null
     * @param body the request body
     * @param trace notes the model, attempts and tokens
     * @return the answer
     */
    public CompletableFuture<NativeResponse> forward(String path, String query, byte[] body, RequestTrace trace) {
        if (vertex == null) {
            return CompletableFuture.failedFuture(new GeminiBalanceException(503, "server_error", "no_usable_key",
                    null, null, "no Vertex AI express key is configured (VERTEX_API_KEYS)", null));
        }
        return vertex.forward(path, query, body, trace);
    }

    /**
     * The Vertex AI express keys (masked) and their states; empty without {@code VERTEX_API_KEYS}.
     *
     * @return the keys, in rotation order
     */
    public List<KeyStatus> keyStatus() {
        return vertex == null ? List.of() : vertex.keyStatus();
    }

    /**
     * The Vertex pool's raw keys, for an adapter that must mask them in what comes back, as {@link
     * GeminiBalance#keyValues()}. Never show, log or return them.
     *
     * @return the keys; empty without {@code VERTEX_API_KEYS}
     */
    public List<String> keyValues() {
        return vertex == null ? List.of() : vertex.keyValues();
    }
}
