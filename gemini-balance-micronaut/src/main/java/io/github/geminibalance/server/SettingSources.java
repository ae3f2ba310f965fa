package io.github.geminibalance.server;

import io.github.geminibalance.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where the raw settings came from, kept apart so that the Settings page can say so: the process
 * environment and the {@code .env} file (the environment wins, as in {@link ConfigLoader#settings}). Never
 * logged or sent whole: it holds the secrets.
 *
 * @param environment the environment variables
 * @param dotEnv the entries of {@code ./.env}, empty when there is no such file
 */
record SettingSources(Map<String, String> environment, Map<String, String> dotEnv) {

    /** Freezes both maps. */
    SettingSources {
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        dotEnv = Map.copyOf(Objects.requireNonNull(dotEnv, "dotEnv"));
    }

    /** The process's environment and the {@code .env} file of the working directory. */
    static SettingSources read() {
        return new SettingSources(System.getenv(), ConfigLoader.settings(Map.of(), Path.of(".env")));
    }

    /** Where a setting's value comes from before any stored override: environment, {@code .env} or default. */
    Source sourceOf(String name) {
        String env = environment.get(name);
        if (env != null) {
            // a variable defined in the environment wins even when blank; blank means the default
            return env.isBlank() ? Source.DEFAULT : Source.ENVIRONMENT;
        }
        String file = dotEnv.get(name);
        return file == null || file.isBlank() ? Source.DEFAULT : Source.DOTENV;
    }

    /** The raw value from the environment or {@code .env}, or null when the default applies. */
    String valueOf(String name) {
        return switch (sourceOf(name)) {
            case ENVIRONMENT -> environment.get(name).strip();
            case DOTENV -> dotEnv.get(name).strip();
            default -> null;
        };
    }

    /** Where a setting's value comes from, as the admin API names it. */
    enum Source {
        /** Nothing set it. */
        DEFAULT("default"),
        /** An environment variable. */
        ENVIRONMENT("environment"),
        /** The {@code .env} file. */
        DOTENV(".env"),
        /** An override stored at run time. */
        STORED("stored");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        /** The name in the admin API. */
        String label() {
            return label;
        }
    }
}
