package io.github.geminibalance.store.jdbc;

import io.github.geminibalance.store.KeyAddition;
import io.github.geminibalance.store.KeyCounter;
import io.github.geminibalance.store.KeyMark;
import io.github.geminibalance.store.KeyRepository;
import io.github.geminibalance.store.MarkKind;
import io.github.geminibalance.store.SeedResult;
import io.github.geminibalance.store.StoredKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/**
 * The {@link KeyRepository} over JDBC. Key management runs on the caller's thread, under the store's
 * write lock; marks and counters go through the {@link RecordWriter}'s queue.
 */
final class JdbcKeyRepository implements KeyRepository {

    private static final String COLUMNS = "id, key_value, masked, added_at, note, deleted, deleted_at, disabled,"
            + " disabled_until";
    private static final List<String> MARK_KEYS = List.of("key_id", "kind", "model");
    private static final List<String> MARK_VALUES = List.of("until_at", "reason", "marked_at");
    private static final int BATCH = 500;

    private final DataSource dataSource;
    private final Lock writeLock;
    private final RecordWriter writer;
    private final Clock clock;
    private final String upsertMark;
    private final String upsertCounter;
    private final String insertKey;

    JdbcKeyRepository(DataSource dataSource, Dialect dialect, Lock writeLock, RecordWriter writer, Clock clock) {
        this.dataSource = dataSource;
        this.writeLock = writeLock;
        this.writer = writer;
        this.clock = clock;
        this.upsertMark = dialect.upsert("gb_key_mark", MARK_KEYS, MARK_VALUES, false);
        this.upsertCounter = dialect.upsert("gb_key_counter", List.of("key_id", "day"), List.of("requests", "tokens"),
                true);
        this.insertKey = dialect.insertIgnore("gb_key", List.of("id", "key_value", "masked", "added_at", "note",
                "deleted", "disabled", "seq"));
    }

    @Override
    public SeedResult seed(List<String> apiKeys) {
        return write(connection -> {
            Map<String, StoredKey> stored = all(connection);
            List<String> added = new ArrayList<>();
            List<String> keptDeleted = new ArrayList<>();
            List<StoredKey> fresh = new ArrayList<>();
            Set<String> order = new LinkedHashSet<>();
            Instant now = clock.instant();
            for (String raw : apiKeys) {
                if (raw == null || raw.isBlank()) {
                    continue;
                }
                StoredKey key = StoredKey.of(raw.strip(), now, null);
                StoredKey known = stored.get(key.id());
                if (known == null) {
                    fresh.add(key);
                    stored.put(key.id(), key);
                    added.add(key.id());
                    order.add(key.id());
                } else if (known.deleted()) {
                    if (!keptDeleted.contains(known.id())) {
                        keptDeleted.add(known.id());
                    }
                } else {
                    order.add(known.id());
                }
            }
            insert(connection, fresh);
            order.addAll(stored.keySet());
            List<StoredKey> usable = new ArrayList<>();
            for (String id : order) {
                StoredKey key = stored.get(id);
                if (!key.deleted()) {
                    usable.add(key);
                }
            }
            return new SeedResult(added, keptDeleted, usable);
        });
    }

    @Override
    public StoredKey add(String value, String note) {
        StoredKey fresh = StoredKey.of(value.strip(), clock.instant(), note);
        return write(connection -> {
            insert(connection, List.of(fresh));
            update(connection, "UPDATE gb_key SET deleted = 0, deleted_at = NULL WHERE id = ?", fresh.id());
            if (note != null) {
                try (PreparedStatement s = connection.prepareStatement("UPDATE gb_key SET note = ? WHERE id = ?")) {
                    s.setString(1, Text.cut(note, 500));
                    s.setString(2, fresh.id());
                    s.executeUpdate();
                }
            }
            return find(connection, fresh.id()).orElseThrow();
        });
    }

    @Override
    public List<KeyAddition> addAll(List<String> values) {
        Instant now = clock.instant();
        return write(connection -> {
            Map<String, StoredKey> stored = all(connection);
            List<StoredKey> fresh = new ArrayList<>();
            List<String> restored = new ArrayList<>();
            List<KeyAddition> additions = new ArrayList<>(values.size());
            for (String value : values) {
                StoredKey key = StoredKey.of(value.strip(), now, null);
                StoredKey known = stored.get(key.id());
                if (known == null) {
                    fresh.add(key);
                    stored.put(key.id(), key);
                    additions.add(new KeyAddition(key, false));
                } else if (known.deleted()) {
                    StoredKey back = new StoredKey(known.id(), known.value(), known.masked(), known.addedAt(),
                            known.note(), false, null, known.disabled(), known.disabledUntil());
                    restored.add(known.id());
                    stored.put(known.id(), back);
                    additions.add(new KeyAddition(back, false));
                } else {
                    additions.add(new KeyAddition(known, true));
                }
            }
            insert(connection, fresh);
            batch(connection, "UPDATE gb_key SET deleted = 0, deleted_at = NULL WHERE id = ?", restored);
            return additions;
        });
    }

    // Every stored key by id, in the order they were added.
    private static Map<String, StoredKey> all(Connection connection) throws SQLException {
        Map<String, StoredKey> stored = new LinkedHashMap<>();
        for (StoredKey key : select(connection, "SELECT " + COLUMNS + " FROM gb_key ORDER BY seq")) {
            stored.put(key.id(), key);
        }
        return stored;
    }

    // New keys in one batch, numbered after the last one stored (the caller holds the write lock).
    private void insert(Connection connection, List<StoredKey> keys) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        long seq;
        try (PreparedStatement s = connection.prepareStatement("SELECT COALESCE(MAX(seq), 0) + 1 FROM gb_key");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            seq = rs.getLong(1);
        }
        try (PreparedStatement s = connection.prepareStatement(insertKey)) {
            int pending = 0;
            for (StoredKey key : keys) {
                s.setString(1, key.id());
                s.setString(2, key.value());
                s.setString(3, key.masked());
                s.setLong(4, key.addedAt().toEpochMilli());
                s.setString(5, Text.cut(key.note(), 500));
                s.setInt(6, 0);
                s.setInt(7, 0);
                s.setLong(8, seq++);
                s.addBatch();
                if (++pending == BATCH) {
                    s.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                s.executeBatch();
            }
        }
    }

    // One statement with a single id parameter, run for every id in batches.
    private static void batch(Connection connection, String sql, List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            int pending = 0;
            for (String id : ids) {
                s.setString(1, id);
                s.addBatch();
                if (++pending == BATCH) {
                    s.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                s.executeBatch();
            }
        }
    }

    @Override
    public List<StoredKey> list() {
        return read(c -> select(c, "SELECT " + COLUMNS + " FROM gb_key WHERE deleted = 0 ORDER BY seq"));
    }

    @Override
    public List<StoredKey> deleted() {
        return read(c -> select(c, "SELECT " + COLUMNS + " FROM gb_key WHERE deleted = 1 ORDER BY deleted_at DESC"));
    }

    @Override
    public Optional<StoredKey> find(String id) {
        return read(c -> find(c, id));
    }

    private Optional<StoredKey> find(Connection connection, String id) throws SQLException {
        return select(connection, "SELECT " + COLUMNS + " FROM gb_key WHERE id = ?", id).stream().findFirst();
    }

    @Override
    public boolean delete(String id) {
        long now = clock.instant().toEpochMilli();
        return write(c -> update(c, "UPDATE gb_key SET deleted = 1, deleted_at = COALESCE(deleted_at, " + now
                + ") WHERE id = ?", id) > 0);
    }

    @Override
    public List<String> deleteAll(Collection<String> ids) {
        long now = clock.instant().toEpochMilli();
        return write(c -> {
            Set<String> live = new HashSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM gb_key WHERE deleted = 0");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    live.add(rs.getString(1));
                }
            }
            List<String> deleted = new ArrayList<>();
            for (String id : new LinkedHashSet<>(ids)) {
                if (live.contains(id)) {
                    deleted.add(id);
                }
            }
            batch(c, "UPDATE gb_key SET deleted = 1, deleted_at = " + now + " WHERE id = ?", deleted);
            return deleted;
        });
    }

    @Override
    public boolean restore(String id) {
        return write(c -> update(c, "UPDATE gb_key SET deleted = 0, deleted_at = NULL WHERE id = ? AND deleted = 1",
                id) > 0);
    }

    @Override
    public boolean disable(String id, Instant until) {
        String end = until == null ? "NULL" : Long.toString(until.toEpochMilli());
        return write(c -> update(c, "UPDATE gb_key SET disabled = 1, disabled_until = " + end + " WHERE id = ?", id) > 0);
    }

    @Override
    public boolean enable(String id) {
        return write(c -> update(c, "UPDATE gb_key SET disabled = 0, disabled_until = NULL WHERE id = ?", id) > 0);
    }

    @Override
    public boolean note(String id, String note) {
        return write(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE gb_key SET note = ? WHERE id = ?")) {
                s.setString(1, Text.cut(note, 500));
                s.setString(2, id);
                return s.executeUpdate() > 0;
            }
        });
    }

    @Override
    public void mark(KeyMark mark) {
        writer.offer(c -> {
            try (PreparedStatement s = c.prepareStatement(upsertMark)) {
                s.setString(1, mark.keyId());
                s.setString(2, mark.kind().name());
                s.setString(3, Text.key(mark.model(), 128));
                setNullableLong(s, 4, mark.until() == null ? null : mark.until().toEpochMilli());
                s.setString(5, Text.cut(mark.reason(), 500));
                s.setLong(6, mark.markedAt().toEpochMilli());
                s.executeUpdate();
            }
        });
    }

    @Override
    public void clearMark(String keyId, MarkKind kind, String model) {
        writer.offer(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM gb_key_mark WHERE key_id = ? AND kind = ? AND model = ?")) {
                s.setString(1, keyId);
                s.setString(2, kind.name());
                s.setString(3, Text.key(model, 128));
                s.executeUpdate();
            }
        });
    }

    @Override
    public void clearMarks(String keyId) {
        writer.offer(c -> update(c, "DELETE FROM gb_key_mark WHERE key_id = ?", keyId));
    }

    @Override
    public List<KeyMark> marks(Instant now) {
        return read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT m.key_id, m.kind, m.model, m.until_at, m.reason,"
                    + " m.marked_at FROM gb_key_mark m LEFT JOIN gb_key k ON k.id = m.key_id"
                    + " WHERE (m.until_at IS NULL OR m.until_at > ?) AND (k.deleted IS NULL OR k.deleted = 0)"
                    + " ORDER BY m.key_id, m.kind, m.model")) {
                s.setLong(1, now.toEpochMilli());
                List<KeyMark> marks = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        marks.add(new KeyMark(rs.getString(1), MarkKind.valueOf(rs.getString(2)), rs.getString(3),
                                instant(rs, 4), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6))));
                    }
                }
                return marks;
            }
        });
    }

    @Override
    public void count(String keyId, LocalDate day, long requests, long tokens) {
        writer.offer(c -> {
            try (PreparedStatement s = c.prepareStatement(upsertCounter)) {
                s.setString(1, keyId);
                s.setLong(2, day.toEpochDay());
                s.setLong(3, requests);
                s.setLong(4, tokens);
                s.executeUpdate();
            }
        });
    }

    @Override
    public List<KeyCounter> counters(LocalDate day) {
        return read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT key_id, requests, tokens FROM gb_key_counter WHERE day = ? ORDER BY key_id")) {
                s.setLong(1, day.toEpochDay());
                List<KeyCounter> counters = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        counters.add(new KeyCounter(rs.getString(1), day, rs.getLong(2), rs.getLong(3)));
                    }
                }
                return counters;
            }
        });
    }

    private static List<StoredKey> select(Connection connection, String sql, String... args) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            List<StoredKey> keys = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    keys.add(new StoredKey(rs.getString(1), rs.getString(2), rs.getString(3),
                            Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5), rs.getInt(6) != 0, instant(rs, 7),
                            rs.getInt(8) != 0, instant(rs, 9)));
                }
            }
            return keys;
        }
    }

    private static int update(Connection connection, String sql, String id) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, id);
            return s.executeUpdate();
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    private static void setNullableLong(PreparedStatement s, int index, Long value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, value);
        }
    }

    private <T> T read(Jdbc.Work<T> work) {
        return Jdbc.run(dataSource, work);
    }

    private <T> T write(Jdbc.Work<T> work) {
        return Jdbc.writeLocked(writeLock, dataSource, work);
    }
}
