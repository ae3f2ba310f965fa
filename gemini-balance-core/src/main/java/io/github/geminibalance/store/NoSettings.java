package io.github.geminibalance.store;

import java.util.Map;

/** {@link SettingsRepository#none()}. */
enum NoSettings implements SettingsRepository {
    INSTANCE;

    @Override
    public Map<String, StoredSetting> all() {
        return Map.of();
    }

    @Override
    public StoredSetting put(String name, String value) {
        throw new UnsupportedOperationException("this store keeps no settings");
    }

    @Override
    public boolean remove(String name) {
        return false;
    }
}
