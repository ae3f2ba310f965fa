package io.github.geminibalance.examples;

import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options of the programs that call a running gemini-balance server: its OpenAI base URL, the
 * token and the model. A picocli mixin.
 */
public final class ServerOptions {

    /** The environment variable holding the server's token, when {@code --token} is not given. */
    public static final String TOKEN_VARIABLE = "GEMINI_BALANCE_TOKEN";

    @Option(names = "--base-url", defaultValue = "http://localhost:8000/v1", paramLabel = "URL",
            description = "The server's OpenAI base URL (default: ${DEFAULT-VALUE}).")
    private String baseUrl;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "One of the server's ALLOWED_TOKENS (default: $" + TOKEN_VARIABLE + ").")
    private String token;

    @Option(names = "--model", defaultValue = "gemini-2.5-flash", paramLabel = "MODEL",
            description = "The model (default: ${DEFAULT-VALUE}).")
    private String model;

    /** The server's OpenAI base URL, ending in {@code /v1}. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The model. */
    public String model() {
        return model;
    }

    /**
     * The token: {@code --token}, else {@code GEMINI_BALANCE_TOKEN}.
     *
     * @return the token, or null when neither is set
     */
    public String token(Map<String, String> env) {
        String t = token != null ? token : env.get(TOKEN_VARIABLE);
        return t == null || t.isBlank() ? null : t.strip();
    }

    /** The one-line complaint when {@link #token} is null. */
    public static String missingToken(String program) {
        return program + ": no token: pass --token or set " + TOKEN_VARIABLE + " (one of the server's ALLOWED_TOKENS)";
    }
}
