package io.github.geminibalance.examples;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Spring AI's OpenAI chat model pointed at a running gemini-balance server, without Spring Boot: the
 * model is built by hand over OpenAI SDK clients whose base URL is the server's and whose API key is
 * one of its {@code ALLOWED_TOKENS}. Asks one question with {@code call}, then again with {@code
 * stream}, printing the streamed pieces as they arrive.
 *
 * <p>The clients are built here, not by Spring AI, so that they can be closed: their OkHttp
 * dispatcher threads would otherwise keep the JVM alive for a minute.
 *
 * <p>Exit codes: 0 after both answers, 1 on an error (one line on stderr), 2 on a usage error.
 */
@Command(name = "spring-ai", mixinStandardHelpOptions = true, version = "gemini-balance spring-ai",
        sortOptions = false, description = "Spring AI (OpenAI chat model) against a gemini-balance server: "
                + "one chat call, one streaming call.")
public final class SpringAiExample implements Callable<Integer> {

    @Mixin
    private ServerOptions server;

    @Parameters(index = "0", arity = "0..1", paramLabel = "QUESTION", defaultValue = "What is a key pool?",
            description = "The question (default: ${DEFAULT-VALUE}).")
    private String question;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    private SpringAiExample(Map<String, String> env, PrintStream out, PrintStream err) {
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
        CommandLine cli = new CommandLine(new SpringAiExample(env, out, err));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        String token = server.token(env);
        if (token == null) {
            err.println(ServerOptions.missingToken("spring-ai"));
            return CommandLine.ExitCode.USAGE;
        }
        Duration timeout = Duration.ofSeconds(120);
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl(server.baseUrl()).apiKey(token).timeout(timeout).build();
        OpenAIClientAsync clientAsync = OpenAIOkHttpClientAsync.builder()
                .baseUrl(server.baseUrl()).apiKey(token).timeout(timeout).build();
        try {
            OpenAiChatModel model = OpenAiChatModel.builder()
                    .openAiClient(client)
                    .openAiClientAsync(clientAsync)
                    .options(OpenAiChatOptions.builder().model(server.model()).build())
                    .build();
            out.println("chat: " + model.call(new Prompt(question)).getResult().getOutput().getText());

            out.print("stream: ");
            model.stream(new Prompt(question))
                    .doOnNext(response -> print(response))
                    .blockLast(timeout);
            out.println();
            return 0;
        } catch (RuntimeException e) {
            out.println();
            err.println("spring-ai: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        } finally {
            client.close();
            clientAsync.close();
        }
    }

    private void print(ChatResponse response) {
        if (response.getResult() != null && response.getResult().getOutput().getText() != null) {
            out.print(response.getResult().getOutput().getText());
            out.flush();
        }
    }
}
