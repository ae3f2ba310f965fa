package io.github.geminibalance;

import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.EmbeddingRequest;
import io.github.geminibalance.openai.EmbeddingResponse;
import io.github.geminibalance.openai.ModelList;
import java.util.concurrent.CompletableFuture;

/**
 * The embeddable gemini-balance: OpenAI-shaped chat, streaming chat, embeddings and models over a
 * rotating pool of Gemini API keys. Thread-safe; create one per key pool and {@link #close()} it.
 * Every method is asynchronous and never blocks the calling thread.
 */
public final class GeminiBalance implements AutoCloseable {

    private GeminiBalance() {}

    /** Creates an instance from a configuration. */
    public static GeminiBalance create(GeminiBalanceConfig config) {
        throw new UnsupportedOperationException("wip");
    }

    /** A non-streamed chat completion. */
    public CompletableFuture<ChatCompletion> chat(ChatCompletionRequest request) {
        throw new UnsupportedOperationException("wip");
    }

    /**
     * A streamed chat completion. The future completes once Gemini has answered and the first event is
     * in hand (so failures before that are retried on other keys and surface as a failed future).
     */
    public CompletableFuture<ChatStream> chatStream(ChatCompletionRequest request) {
        throw new UnsupportedOperationException("wip");
    }

    /** Embeddings for a string or a list of strings. */
    public CompletableFuture<EmbeddingResponse> embeddings(EmbeddingRequest request) {
        throw new UnsupportedOperationException("wip");
    }

    /** Gemini's model list in OpenAI shape. */
    public CompletableFuture<ModelList> models() {
        throw new UnsupportedOperationException("wip");
    }

    @Override
    public void close() {}
}
