package io.github.geminibalance.examples;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A terminal chat with a running gemini-balance server through the official OpenAI Java SDK: reads
 * one message per line from stdin, keeps the conversation, and prints the answer's pieces as they
 * stream in. {@code /exit} or end of input ends it.
 *
 * <p>Exit codes: 0 when every turn was answered, 1 when some turn failed (its error is one line on
 * stderr; the conversation goes on), 2 on a usage error such as a missing token.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, version = "gemini-balance chat", sortOptions = false,
        description = {"Chats with a gemini-balance server (OpenAI API), streaming the answers.",
            "One message per line on stdin; /exit or end of input ends the chat."})
public final class ChatClient implements Callable<Integer> {

    @Mixin
    private ServerOptions server;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "Timeout of each answer (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    private final Map<String, String> env;
    private final Reader stdin;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;

    private ChatClient(Map<String, String> env, Reader stdin, PrintStream out, PrintStream err, boolean interactive) {
        this.env = env;
        this.stdin = stdin;
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    /**
     * Runs the chat and exits with its exit code.
     *
     * @param args {@code [--base-url URL] [--token TOKEN] [--model MODEL]}
     */
    public static void main(String... args) {
        Reader in = new InputStreamReader(System.in, StandardCharsets.UTF_8);
        System.exit(run(args, System.getenv(), in, System.out, System.err, System.console() != null));
    }

    /**
     * Runs the chat without exiting: for tests and for embedding.
     *
     * @param args the command line
     * @param env the environment ({@code GEMINI_BALANCE_TOKEN})
     * @param stdin the user's lines
     * @param out where answers go
     * @param err where errors go
     * @param interactive whether to show a {@code > } prompt before each line
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, Reader stdin, PrintStream out, PrintStream err,
            boolean interactive) {
        CommandLine cli = new CommandLine(new ChatClient(env, stdin, out, err, interactive));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cli.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        String token = server.token(env);
        if (token == null) {
            err.println(ServerOptions.missingToken("chat"));
            return CommandLine.ExitCode.USAGE;
        }
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl(server.baseUrl())
                .apiKey(token)
                .timeout(Duration.ofSeconds(timeoutSeconds))
                .build();
        try {
            return converse(client, new BufferedReader(stdin));
        } finally {
            client.close(); // stops OkHttp's non-daemon dispatcher threads, so the JVM can end
        }
    }

    private int converse(OpenAIClient client, BufferedReader lines) throws IOException {
        List<ChatCompletionMessageParam> history = new ArrayList<>();
        boolean failed = false;
        while (true) {
            if (interactive) {
                out.print("> ");
                out.flush();
            }
            String line = lines.readLine();
            if (line == null || line.strip().equals("/exit")) {
                return failed ? 1 : 0;
            }
            if (line.isBlank()) {
                continue;
            }
            history.add(ChatCompletionMessageParam.ofUser(ChatCompletionUserMessageParam.builder()
                    .content(line).build()));
            try {
                String answer = stream(client, history);
                history.add(ChatCompletionMessageParam.ofAssistant(ChatCompletionAssistantMessageParam.builder()
                        .content(answer).build()));
            } catch (RuntimeException e) {
                history.remove(history.size() - 1); // the unanswered question does not stay in the conversation
                out.println();
                err.println("chat: " + describe(e));
                failed = true;
            }
        }
    }

    /** Prints the answer's pieces as they arrive and returns the whole answer. */
    private String stream(OpenAIClient client, List<ChatCompletionMessageParam> history) {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(server.model())
                .messages(history)
                .build();
        StringBuilder answer = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().content()
                    .ifPresent(piece -> {
                        out.print(piece);
                        out.flush();
                        answer.append(piece);
                    })));
        }
        out.println();
        out.flush();
        return answer.toString();
    }

    private static String describe(RuntimeException e) {
        if (e instanceof OpenAIServiceException s) {
            return "HTTP " + s.statusCode() + ": " + s.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
