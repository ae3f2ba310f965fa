package io.github.geminibalance.examples;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * LangChain4j's OpenAI chat models pointed at a running gemini-balance server: only the base URL and the
 * API key (one of the server's {@code ALLOWED_TOKENS}) change. Asks one question with {@link
 * OpenAiChatModel} (one blocking call), then again with {@link OpenAiStreamingChatModel}, printing the
 * streamed pieces as they arrive.
 *
 * <p>Exit codes: 0 after both answers, 1 on an error (one line on stderr), 2 on a usage error.
 */
@Command(name = "langchain4j", mixinStandardHelpOptions = true, version = "gemini-balance langchain4j",
        sortOptions = false, description = "LangChain4j (OpenAI models) against a gemini-balance server: "
                + "one chat call, one streaming call.")
public final class LangChain4jExample implements Callable<Integer> {

    @Mixin
    private ServerOptions server;

    @Parameters(index = "0", arity = "0..1", paramLabel = "QUESTION", defaultValue = "What is a key pool?",
            description = "The question (default: ${DEFAULT-VALUE}).")
    private String question;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    private LangChain4jExample(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the example and exits with its exit code.
     *
     * @param args {@code [--base-url URL] [--token TOKEN] [--model MODEL] [QUESTION]}
     */
    public static void main(String... args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /**
     * Runs the example without exiting.
     *
     * @param args the command line
     * @param env the environment ({@code GEMINI_BALANCE_TOKEN})
     * @param out where the answers go
     * @param err where errors go
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new LangChain4jExample(env, out, err));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        String token = server.token(env);
        if (token == null) {
            err.println(ServerOptions.missingToken("langchain4j"));
            return CommandLine.ExitCode.USAGE;
        }
        try {
            OpenAiChatModel chat = OpenAiChatModel.builder()
                    .baseUrl(server.baseUrl())
                    .apiKey(token)
                    .modelName(server.model())
                    .timeout(Duration.ofSeconds(120))
                    .build();
            out.println("chat: " + chat.chat(question));

            OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder()
                    .baseUrl(server.baseUrl())
                    .apiKey(token)
                    .modelName(server.model())
                    .timeout(Duration.ofSeconds(120))
                    .build();
            out.print("stream: ");
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            streaming.chat(question, new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String piece) {
                    out.print(piece);
                    out.flush();
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    done.complete(response);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            done.join();
            out.println();
            return 0;
        } catch (RuntimeException e) {
            out.println();
            Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            err.println("langchain4j: " + t.getClass().getSimpleName() + ": " + t.getMessage());
            return 1;
        }
    }
}
