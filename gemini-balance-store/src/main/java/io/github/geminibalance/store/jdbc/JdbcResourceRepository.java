package io.github.geminibalance.store.jdbc;

import io.github.geminibalance.store.ResourceRepository;
import io.github.geminibalance.store.StoredResource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/**
 * Key-bound resources (uploaded files, cached contents, batches, uploads under way) and their keys in table
 * {@code gb_resource} (schema 7; {@code gb_file} of schema 6 renamed). Reads run on the caller's thread;
 * writes take the store's write lock, like the key changes, so SQLite sees one writer at a time.
 */
final class JdbcResourceRepository implements ResourceRepository {

    private static final String COLUMNS = "name, owner, key_id, created_at, expires_at, metadata";

    private final DataSource dataSource;
    private final Lock writeLock;
    private final String insert;

    JdbcResourceRepository(DataSource dataSource, Dialect dialect, Lock writeLock) {
        this.dataSource = dataSource;
        this.writeLock = writeLock;
        this.insert = dialect.insertIgnore("gb_resource",
                List.of("name", "owner", "key_id", "created_at", "expires_at", "metadata"));
    }

    @Override
    public void save(StoredResource file) {
        Objects.requireNonNull(file, "resource");
        Jdbc.writeLocked(writeLock, dataSource, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM gb_resource WHERE name = ?");
                    PreparedStatement st = c.prepareStatement(insert)) {
                delete.setString(1, file.name());
                delete.executeUpdate();
                st.setString(1, file.name());
                st.setString(2, file.owner());
                st.setString(3, file.keyId());
                st.setLong(4, file.createdAt().toEpochMilli());
                st.setLong(5, file.expiresAt().toEpochMilli());
                st.setString(6, file.metadata());
                return st.executeUpdate();
            }
        });
    }

    @Override
    public Optional<StoredResource> find(String name, Instant now) {
        Objects.requireNonNull(name, "name");
        return Jdbc.run(dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM gb_resource WHERE name = ? AND expires_at > ?")) {
                st.setString(1, name);
                st.setLong(2, now.toEpochMilli());
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<StoredResource> list(String kind, String owner, Instant now, String after, int limit) {
        Objects.requireNonNull(kind, "kind");
        // LIKE, not a range: under a locale collation (PostgreSQL's default) '/' does not sort as in ASCII
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS
                + " FROM gb_resource WHERE name LIKE ? AND expires_at > ?");
        if (owner != null) {
            sql.append(" AND owner = ?");
        }
        if (after != null) {
            sql.append(" AND name > ?");
        }
        sql.append(" ORDER BY name LIMIT ").append(Math.max(0, limit));
        String prefix = kind.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "/%";
        return Jdbc.run(dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement(sql.toString().replace("LIKE ?", "LIKE ? ESCAPE '!'"))) {
                int i = 1;
                st.setString(i++, prefix);
                st.setLong(i++, now.toEpochMilli());
                if (owner != null) {
                    st.setString(i++, owner);
                }
                if (after != null) {
                    st.setString(i, after);
                }
                List<StoredResource> found = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        found.add(row(rs));
                    }
                }
                return found;
            }
        });
    }

    @Override
    public boolean delete(String name) {
        Objects.requireNonNull(name, "name");
        return Jdbc.writeLocked(writeLock, dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM gb_resource WHERE name = ?")) {
                st.setString(1, name);
                return st.executeUpdate();
            }
        }) > 0;
    }

    @Override
    public long deleteExpired(Instant now) {
        return Jdbc.writeLocked(writeLock, dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM gb_resource WHERE expires_at <= ?")) {
                st.setLong(1, now.toEpochMilli());
                return st.executeUpdate();
            }
        });
    }

    private static StoredResource row(ResultSet rs) throws SQLException {
        return new StoredResource(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6));
    }
}
