package io.github.geminibalance.store.jdbc;

import io.github.geminibalance.store.ResponseRepository;
import io.github.geminibalance.store.StoredResponse;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/**
 * Stored responses in table {@code gb_response} (schema 4). Reads run on the caller's thread; writes take
 * the store's write lock, like the key changes, so SQLite sees one writer at a time. A response never
 * replaces another owner's of the same id.
 */
final class JdbcResponseRepository implements ResponseRepository {

    private static final int MODEL_LENGTH = 128;

    private final DataSource dataSource;
    private final Lock writeLock;
    private final String insert;

    JdbcResponseRepository(DataSource dataSource, Dialect dialect, Lock writeLock) {
        this.dataSource = dataSource;
        this.writeLock = writeLock;
        this.insert = dialect.insertIgnore("gb_response",
                List.of("id", "owner", "created_at", "model", "response", "conversation"));
    }

    @Override
    public void save(StoredResponse response) {
        Objects.requireNonNull(response, "response");
        String model = response.model().length() > MODEL_LENGTH ? response.model().substring(0, MODEL_LENGTH)
                : response.model();
        Jdbc.writeLocked(writeLock, dataSource, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM gb_response WHERE id = ? AND owner = ?");
                    PreparedStatement st = c.prepareStatement(insert)) {
                delete.setString(1, response.id());
                delete.setString(2, response.owner());
                delete.executeUpdate();
                st.setString(1, response.id());
                st.setString(2, response.owner());
                st.setLong(3, response.createdAt().toEpochMilli());
                st.setString(4, model);
                st.setString(5, response.response());
                st.setString(6, response.conversation());
                return st.executeUpdate();
            }
        });
    }

    @Override
    public Optional<StoredResponse> find(String id, String owner) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        return Jdbc.run(dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT created_at, model, response, conversation "
                    + "FROM gb_response WHERE id = ? AND owner = ?")) {
                st.setString(1, id);
                st.setString(2, owner);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new StoredResponse(id, owner, Instant.ofEpochMilli(rs.getLong(1)),
                            rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        });
    }

    @Override
    public boolean delete(String id, String owner) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        return Jdbc.writeLocked(writeLock, dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM gb_response WHERE id = ? AND owner = ?")) {
                st.setString(1, id);
                st.setString(2, owner);
                return st.executeUpdate();
            }
        }) > 0;
    }

    @Override
    public long deleteCreatedBefore(Instant cutoff) {
        return Jdbc.writeLocked(writeLock, dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM gb_response WHERE created_at < ?")) {
                st.setLong(1, cutoff.toEpochMilli());
                return st.executeUpdate();
            }
        });
    }
}
