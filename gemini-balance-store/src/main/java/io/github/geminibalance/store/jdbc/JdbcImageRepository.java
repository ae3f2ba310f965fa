package io.github.geminibalance.store.jdbc;

import io.github.geminibalance.store.ImageRepository;
import io.github.geminibalance.store.StoredImage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/**
 * Generated images in table {@code gb_image} (schema 5), served while they have not expired. Reads run on
 * the caller's thread; writes take the store's write lock, so SQLite sees one writer at a time.
 */
final class JdbcImageRepository implements ImageRepository {

    private static final int MIME_LENGTH = 100;

    private final DataSource dataSource;
    private final Lock writeLock;
    private final String insert;

    JdbcImageRepository(DataSource dataSource, Dialect dialect, Lock writeLock) {
        this.dataSource = dataSource;
        this.writeLock = writeLock;
        this.insert = dialect.insertIgnore("gb_image", List.of("id", "mime", "bytes", "created_at", "expires_at"));
    }

    @Override
    public void save(StoredImage image) {
        Objects.requireNonNull(image, "image");
        String mime = image.mimeType().length() > MIME_LENGTH ? image.mimeType().substring(0, MIME_LENGTH)
                : image.mimeType();
        Jdbc.writeLocked(writeLock, dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement(insert)) {
                st.setString(1, image.id());
                st.setString(2, mime);
                st.setBytes(3, image.bytes());
                st.setLong(4, image.createdAt().toEpochMilli());
                st.setLong(5, image.expiresAt().toEpochMilli());
                return st.executeUpdate();
            }
        });
    }

    @Override
    public Optional<StoredImage> find(String id, Instant now) {
        Objects.requireNonNull(id, "id");
        return Jdbc.run(dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT mime, bytes, created_at, expires_at FROM gb_image WHERE id = ? AND expires_at > ?")) {
                st.setString(1, id);
                st.setLong(2, now.toEpochMilli());
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new StoredImage(id, rs.getString(1), rs.getBytes(2),
                            Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4))));
                }
            }
        });
    }

    @Override
    public long deleteExpired(Instant now) {
        return Jdbc.writeLocked(writeLock, dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM gb_image WHERE expires_at <= ?")) {
                st.setLong(1, now.toEpochMilli());
                return st.executeUpdate();
            }
        });
    }
}
