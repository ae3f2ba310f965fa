package io.github.geminibalance.examples;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The entry point of {@code gemini-balance-examples.jar}: the first argument names the program, the
 * rest go to it. {@code java -jar gemini-balance-examples.jar} alone lists the programs.
 */
public final class Examples {

    private static final Map<String, Program> PROGRAMS = new LinkedHashMap<>();

    static {
        PROGRAMS.put("check-keys", new Program(KeyCheck::main, "checks Gemini API keys ([FILE|-], or API_KEYS)"));
        PROGRAMS.put("chat", new Program(ChatClient::main, "chats with a gemini-balance server (OpenAI Java SDK)"));
        PROGRAMS.put("embedded", new Program(EmbeddedChat::main,
                "asks one question with the core embedded, no server (\"QUESTION\" [MODEL], keys from API_KEYS)"));
        PROGRAMS.put("langchain4j", new Program(LangChain4jExample::main,
                "LangChain4j against a gemini-balance server"));
        PROGRAMS.put("spring-ai", new Program(SpringAiExample::main, "Spring AI against a gemini-balance server"));
    }

    private record Program(Consumer<String[]> main, String description) {}

    private Examples() {}

    /**
     * Runs the named program.
     *
     * @param args the program's name, then its arguments
     */
    public static void main(String... args) {
        Program program = args.length == 0 ? null : PROGRAMS.get(args[0]);
        if (program == null) {
            System.err.println(args.length == 0 ? "usage: java -jar gemini-balance-examples.jar PROGRAM [ARGS...]"
                    : "unknown program: " + args[0]);
            PROGRAMS.forEach((name, p) -> System.err.printf("  %-12s %s%n", name, p.description()));
            System.err.println("Each program takes --help (except embedded).");
            System.exit(2);
            return;
        }
        program.main().accept(Arrays.copyOfRange(args, 1, args.length));
    }
}
