package io.github.geminibalance.store.jdbc;

import io.github.geminibalance.store.SettingsRepository;
import io.github.geminibalance.store.StoredSetting;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/**
 * Setting overrides in table {@code gb_setting} (schema 3). Reads run on the caller's thread; writes take
 * the store's write lock, like the key changes, so SQLite sees one writer at a time.
 */
final class JdbcSettingsRepository implements SettingsRepository {

    private final DataSource dataSource;
    private final Lock writeLock;
    private final Clock clock;
    private final String upsert;

    JdbcSettingsRepository(DataSource dataSource, Dialect dialect, Lock writeLock, Clock clock) {
        this.dataSource = dataSource;
        this.writeLock = writeLock;
        this.clock = clock;
        this.upsert = dialect.upsert("gb_setting", List.of("name"), List.of("setting_value", "updated_at"), false);
    }

    @Override
    public Map<String, StoredSetting> all() {
        return Jdbc.run(dataSource, c -> {
            Map<String, StoredSetting> out = new TreeMap<>();
            try (PreparedStatement st = c.prepareStatement("SELECT name, setting_value, updated_at FROM gb_setting");
                    ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    out.put(name, new StoredSetting(name, rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
                }
            }
            return Collections.unmodifiableMap(out);
        });
    }

    @Override
    public StoredSetting put(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty() || name.length() > 100) {
            throw new IllegalArgumentException("a setting name has 1 to 100 characters");
        }
        StoredSetting stored = new StoredSetting(name, value, clock.instant());
        Jdbc.writeLocked(writeLock, dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement(upsert)) {
                st.setString(1, name);
                st.setString(2, value);
                st.setLong(3, stored.updatedAt().toEpochMilli());
                return st.executeUpdate();
            }
        });
        return stored;
    }

    @Override
    public boolean remove(String name) {
        Objects.requireNonNull(name, "name");
        return Jdbc.writeLocked(writeLock, dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM gb_setting WHERE name = ?")) {
                st.setString(1, name);
                return st.executeUpdate();
            }
        }) > 0;
    }
}
