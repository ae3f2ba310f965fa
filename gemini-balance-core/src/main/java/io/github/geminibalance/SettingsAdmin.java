package io.github.geminibalance;

import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.config.RuntimeSettings;
import io.github.geminibalance.store.SettingsRepository;
import io.github.geminibalance.store.StoredSetting;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run-time settings of a {@link GeminiBalance} as an operator changes them: a change ({@link #put}) is
 * read with the rules of start-up, stored in the {@linkplain io.github.geminibalance.store.Store#settingOverrides()
 * store} as an override of the environment and applied at once (the next request sees it); {@link #remove}
 * goes back to the configuration's value. At start-up and every minute ({@link #sync}) the stored
 * overrides are read again, so a change made on another instance sharing the database arrives here too,
 * and a restart keeps them.
 *
 * <p>Only the settings of {@link RuntimeSettings#NAMES} are handled here; the store may hold overrides of
 * other settings (the server's log retention), which this class leaves alone. Methods block on the store:
 * never call them on an event loop. Thread-safe.
 */
public final class SettingsAdmin {

    private static final Logger log = LoggerFactory.getLogger(SettingsAdmin.class);

    private final RuntimeSettings base;
    private final SettingsRepository repository;
    private final Consumer<RuntimeSettings> apply;
    private final Object lock = new Object();
    // the stored overrides last applied (guarded by lock): sync applies only when they changed
    private Map<String, String> applied = Map.of();

    SettingsAdmin(RuntimeSettings base, SettingsRepository repository, Consumer<RuntimeSettings> apply) {
        this.base = Objects.requireNonNull(base, "base");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.apply = Objects.requireNonNull(apply, "apply");
    }

    /**
     * The settings of the configuration the instance was built with, before any override.
     *
     * @return the configured run-time settings
     */
    public RuntimeSettings configured() {
        return base;
    }

    /**
     * The stored overrides of run-time settings, as the store has them now.
     *
     * @return setting name to override, sorted by name
     * @throws io.github.geminibalance.store.StoreException when the store cannot be read
     */
    public Map<String, StoredSetting> overrides() {
        Map<String, StoredSetting> out = new LinkedHashMap<>();
        repository.all().forEach((name, s) -> {
            if (RuntimeSettings.isRuntime(name)) {
                out.put(name, s);
            }
        });
        return out;
    }

    /**
     * Changes a setting: checks the value with the rules of start-up, stores it as an override and applies
     * it to the next request. Nothing is stored when the value is refused.
     *
     * @param name one of {@link RuntimeSettings#NAMES}
     * @param value the raw value, as it would be written in the environment
     * @return the settings now in effect
     * @throws ConfigException naming the setting when the value is refused or the setting cannot change at
     *     run time; its message never quotes more than 40 characters of the value
     * @throws io.github.geminibalance.store.StoreException when the store cannot be written
     */
    public RuntimeSettings put(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        synchronized (lock) {
            Map<String, String> stored = storedValues();
            stored.remove(name);
            RuntimeSettings next = resolve(stored).with(name, value); // throws before anything is stored
            repository.put(name, value);
            stored.put(name, value);
            applied = Map.copyOf(stored);
            apply.accept(next);
            log.info("Setting {} changed at run time (stored as an override of the environment)", name);
            return next;
        }
    }

    /**
     * Removes the override of a setting: the configuration's value applies again, from the next request.
     *
     * @param name the setting's name
     * @return false when the setting had no override
     * @throws io.github.geminibalance.store.StoreException when the store cannot be written
     */
    public boolean remove(String name) {
        Objects.requireNonNull(name, "name");
        synchronized (lock) {
            boolean removed = repository.remove(name);
            Map<String, String> stored = storedValues();
            applied = Map.copyOf(stored);
            apply.accept(resolve(stored));
            if (removed) {
                log.info("Setting {} is back to the configured value (override removed)", name);
            }
            return removed;
        }
    }

    /**
     * Reads the stored overrides again and applies them when they changed since the last read (another
     * instance changed a setting). An override that no longer passes the rules is skipped with a warning.
     *
     * @return whether the settings in effect changed
     * @throws io.github.geminibalance.store.StoreException when the store cannot be read
     */
    public boolean sync() {
        synchronized (lock) {
            Map<String, String> stored = storedValues();
            if (stored.equals(applied)) {
                return false;
            }
            applied = Map.copyOf(stored);
            apply.accept(resolve(stored));
            return true;
        }
    }

    private Map<String, String> storedValues() {
        Map<String, String> values = new LinkedHashMap<>();
        overrides().forEach((name, s) -> values.put(name, s.value()));
        return values;
    }

    // the configuration's settings with every valid override on top
    private RuntimeSettings resolve(Map<String, String> overrides) {
        RuntimeSettings s = base;
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            try {
                s = s.with(e.getKey(), e.getValue());
            } catch (ConfigException refused) {
                log.warn("Stored override of {} ignored: {}", e.getKey(), refused.getMessage());
            }
        }
        return s;
    }
}
