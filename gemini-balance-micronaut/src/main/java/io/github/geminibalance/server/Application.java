package io.github.geminibalance.server;

import io.micronaut.runtime.Micronaut;

/** Starts the gemini-balance server. */
public final class Application {

    private Application() {}

    /** Entry point of {@code gemini-balance-server.jar}. */
    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
