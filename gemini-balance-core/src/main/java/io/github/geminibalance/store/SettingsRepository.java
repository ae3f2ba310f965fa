package io.github.geminibalance.store;

import java.util.Map;
import java.util.Optional;

/**
 * Where setting overrides are kept: values an operator set at run time (the admin's Settings page) that
 * win over the environment, on every instance sharing the store and across restarts, until removed. The
 * repository stores raw strings and does not validate them: callers check a value with the rules of
 * start-up before they {@link #put} it. Only settings that are not secret are ever stored.
 *
 * <p>Implementations are thread-safe. Calls may block on a database: never call them on an event loop.
 *
 * @see Store#settingOverrides()
 */
public interface SettingsRepository {

    /**
     * Every stored override.
     *
     * @return name to override, sorted by name
     * @throws StoreException when the store cannot be read
     */
    Map<String, StoredSetting> all();

    /**
     * One stored override.
     *
     * @param name the setting's name
     * @return the override, or empty when the setting is not overridden
     * @throws StoreException when the store cannot be read
     */
    default Optional<StoredSetting> get(String name) {
        return Optional.ofNullable(all().get(name));
    }

    /**
     * Stores an override, replacing any earlier one of the same name.
     *
     * @param name the setting's name, at most 100 characters
     * @param value the raw value
     * @return what was stored, with its time
     * @throws StoreException when the store cannot be written
     * @throws UnsupportedOperationException when this store keeps no settings
     */
    StoredSetting put(String name, String value);

    /**
     * Removes an override, so the environment's value (or the default) applies again.
     *
     * @param name the setting's name
     * @return false when the setting was not overridden
     * @throws StoreException when the store cannot be written
     */
    boolean remove(String name);

    /**
     * A repository that holds nothing and refuses {@link #put}: the default of a {@link Store} that keeps
     * no settings.
     *
     * @return the empty repository
     */
    static SettingsRepository none() {
        return NoSettings.INSTANCE;
    }
}
