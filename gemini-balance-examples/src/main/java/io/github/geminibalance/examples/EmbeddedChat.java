package io.github.geminibalance.examples;

import io.github.geminibalance.ChatStream;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.config.ConfigLoader;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.ChatMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Embeds the gemini-balance core in a plain Java program, without a server: one blocking chat and one
 * streamed chat over the key pool configured in the environment (or ./.env).
 *
 * <p>Run: {@code mvn -q install -DskipTests && API_KEYS='["key1","key2"]' ALLOWED_TOKENS='["unused"]' mvn -q -pl gemini-balance-examples
 * exec:java -Dexec.mainClass=io.github.geminibalance.examples.EmbeddedChat -Dexec.args="Why is the sky blue?"}
 */
public final class EmbeddedChat {

    private EmbeddedChat() {}

    /**
     * Asks one question twice: as a whole answer, then streamed.
     *
     * @param args the question (optional), then the model (optional, default gemini-2.5-flash)
     */
    public static void main(String... args) {
        String question = args.length > 0 ? args[0] : "Say hello in three languages.";
        String model = args.length > 1 ? args[1] : "gemini-2.5-flash";
        GeminiBalanceConfig config = ConfigLoader.load();
        try (GeminiBalance gb = GeminiBalance.create(config)) {
            System.out.println(run(gb, model, question));
        }
    }

    /** The whole answer, then the streamed one, as text. Package-visible for the example's test. */
    static String run(GeminiBalance gb, String model, String question) {
        ChatCompletionRequest request = ChatCompletionRequest.of(model, List.of(ChatMessage.of("user", question)));
        ChatCompletion answer = gb.chat(request).join();
        StringBuilder out = new StringBuilder();
        out.append("answer: ").append(answer.choices().get(0).message().content()).append('\n');

        ChatStream stream = gb.chatStream(request.withStream(true, false)).join();
        StringBuilder streamed = new StringBuilder();
        CompletableFuture<Void> done = new CompletableFuture<>();
        stream.subscribe(new Flow.Subscriber<ChatCompletionChunk>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ChatCompletionChunk chunk) {
                chunk.choices().forEach(c -> {
                    if (c.delta().content() != null) {
                        streamed.append(c.delta().content());
                    }
                });
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.join();
        out.append("streamed: ").append(streamed);
        return out.toString();
    }
}
