package io.github.geminibalance.examples;

import io.github.geminibalance.ChatStream;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.config.ConfigLoader;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.openai.ChatCompletionRequest;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

/**
 * Embeds the gemini-balance core in a plain Java program, without a server: asks one question over the
 * key pool in {@code API_KEYS} (environment or {@code ./.env}) and prints the answer as it streams in.
 *
 * <p>The configuration comes from {@link ConfigLoader#load(Map, Path)}, which needs only {@code API_KEYS}
 * (every other core setting, {@code BASE_URL} say, is optional; the server's settings such as
 * {@code ALLOWED_TOKENS} are not read).
 *
 * <p>Run: {@code API_KEYS='["key1","key2"]' java -jar gemini-balance-examples/target/gemini-balance-examples.jar
 * embedded "What is a key pool?" gemini-2.5-flash}. Exit code 0 after the answer; 1 with one line on
 * stderr on any error.
 */
public final class EmbeddedChat {

    /** The model asked when none is given. */
    static final String DEFAULT_MODEL = "gemini-2.5-flash";

    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private EmbeddedChat() {}

    /**
     * Asks one question and exits.
     *
     * @param args the question (one argument: quote it), then optionally the model
     */
    public static void main(String... args) {
        // As the server does: on a JVM with fewer than three CPUs the JDK HTTP client would otherwise
        // start a thread per call. Must happen before anything touches the common pool.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() < 3) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
        System.exit(run(args, System.getenv(), Path.of(".env"), System.out, System.err));
    }

    /**
     * Asks one question without exiting: for tests and for embedding.
     *
     * @param args the question, then optionally the model
     * @param env the environment ({@code API_KEYS}, {@code BASE_URL})
     * @param dotEnv the {@code .env} file, which may not exist
     * @param out where the answer goes
     * @param err where an error line goes
     * @return 0 after the answer, 1 on any error
     */
    public static int run(String[] args, Map<String, String> env, Path dotEnv, PrintStream out, PrintStream err) {
        if (args.length < 1 || args.length > 2 || args[0].isBlank()) {
            err.println("usage: EmbeddedChat \"QUESTION\" [MODEL]   (keys from API_KEYS; the question is one "
                    + "argument, so quote it)");
            return 1;
        }
        String question = args[0];
        String model = args.length > 1 ? args[1] : DEFAULT_MODEL;
        GeminiBalanceConfig config;
        try {
            config = ConfigLoader.load(env, dotEnv);
        } catch (ConfigException e) {
            err.println("EmbeddedChat: " + e.getMessage() + ("API_KEYS".equals(e.setting())
                    ? " (put your Gemini keys in it: environment or ./.env)" : ""));
            return 1;
        }
        try (GeminiBalance gb = GeminiBalance.builder(config).scheduleKeyChecks(false).build()) {
            ask(gb, model, question, out);
            out.println();
            out.flush();
            return 0;
        } catch (RuntimeException e) {
            out.flush();
            err.println("EmbeddedChat: " + describe(e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e));
            return 1;
        }
    }

    /**
     * Streams the answer to {@code question} into {@code out} as it arrives.
     *
     * @throws RuntimeException (a {@link GeminiBalanceException}, possibly wrapped) if the call fails
     */
    static void ask(GeminiBalance gb, String model, String question, PrintStream out) {
        ChatCompletionRequest request = ChatCompletionRequest.builder().model(model).addUserMessage(question)
                .stream(true).build();
        ChatStream stream = gb.chatStream(request).join();
        CompletableFuture<Void> done = new CompletableFuture<>();
        stream.subscribe(new Flow.Subscriber<ChatCompletionChunk>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ChatCompletionChunk chunk) {
                chunk.choices().forEach(c -> {
                    if (c.delta().content() != null) {
                        out.print(c.delta().content());
                        out.flush();
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
    }

    private static String describe(Throwable t) {
        if (t instanceof GeminiBalanceException e) {
            return "HTTP " + e.httpStatus() + " " + e.code().orElse(e.type()) + ": " + e.getMessage();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
