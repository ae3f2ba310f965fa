package io.github.geminibalance.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A setting an operator changed at run time, as the {@link SettingsRepository} keeps it: it overrides the
 * environment's value of the same name, on every instance sharing the store, until it is removed.
 *
 * @param name the setting's environment name, such as {@code MAX_RETRIES}
 * @param value the raw value, as it would be written in the environment
 * @param updatedAt when it was last stored
 */
public record StoredSetting(String name, String value, Instant updatedAt) {

    /** Checks every component. */
    public StoredSetting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
