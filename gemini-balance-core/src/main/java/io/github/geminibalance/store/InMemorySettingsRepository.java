package io.github.geminibalance.store;

import java.time.Clock;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Setting overrides in memory: for {@code DATABASE_TYPE=none} and for applications that embed the core.
 * They last as long as the instance. Thread-safe.
 */
public final class InMemorySettingsRepository implements SettingsRepository {

    private final Map<String, StoredSetting> settings = new ConcurrentHashMap<>();
    private final Clock clock;

    /**
     * An empty repository.
     *
     * @param clock stamps {@link StoredSetting#updatedAt()}
     */
    public InMemorySettingsRepository(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Map<String, StoredSetting> all() {
        return Collections.unmodifiableMap(new TreeMap<>(settings));
    }

    @Override
    public StoredSetting put(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty() || name.length() > 100) {
            throw new IllegalArgumentException("a setting name has 1 to 100 characters");
        }
        StoredSetting stored = new StoredSetting(name, value, clock.instant());
        settings.put(name, stored);
        return stored;
    }

    @Override
    public boolean remove(String name) {
        return settings.remove(Objects.requireNonNull(name, "name")) != null;
    }
}
