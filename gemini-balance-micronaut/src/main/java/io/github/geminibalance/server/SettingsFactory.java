package io.github.geminibalance.server;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The sources of the raw settings, for the Settings page; tests replace {@link #settingSources()}. */
@Factory
final class SettingsFactory {

    /** The environment and {@code ./.env}, read once at start-up like the configuration. */
    @Singleton
    SettingSources settingSources() {
        return SettingSources.read();
    }
}
