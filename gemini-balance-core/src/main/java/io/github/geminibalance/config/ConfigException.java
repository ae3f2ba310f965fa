package io.github.geminibalance.config;

import java.util.Objects;

/**
 * A setting that is missing or malformed. The message is one line, {@code Invalid setting <NAME>: <what
 * is wrong>}, meant to be printed as is at start-up. It names the setting and the problem and never
 * contains the value of a secret setting ({@code API_KEYS}, {@code ALLOWED_TOKENS}, {@code AUTH_TOKEN},
 * {@code REDIS_URL}). Problems in the syntax of a {@code .env} file are reported with the setting name
 * {@value #DOT_ENV} and the line number, never the line's content.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The setting name used for syntax problems of the {@code .env} file itself. */
    public static final String DOT_ENV = ".env";

    /** The name of the setting at fault. */
    private final String setting;
    /** What is wrong with it. */
    private final String problem;

    /**
     * Creates an exception.
     *
     * @param setting the name of the setting at fault, such as {@code API_KEYS}
     * @param problem what is wrong, without the value of a secret
     */
    public ConfigException(String setting, String problem) {
        super("Invalid setting " + Objects.requireNonNull(setting, "setting") + ": "
                + Objects.requireNonNull(problem, "problem"));
        this.setting = setting;
        this.problem = problem;
    }

    /** The name of the setting at fault, such as {@code API_KEYS}, or {@value #DOT_ENV}. */
    public String setting() {
        return setting;
    }

    /** What is wrong, without the {@code Invalid setting <NAME>: } prefix. */
    public String problem() {
        return problem;
    }
}
