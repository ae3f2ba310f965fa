package io.github.geminibalance.store;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Images in memory, for {@code DATABASE_TYPE=none} and embedders. Bounded by total bytes: beyond
 * {@code maxBytes} the oldest kept is forgotten first (its URL then answers 404 before it expires).
 * Thread-safe.
 */
public final class InMemoryImageRepository implements ImageRepository {

    /** The bytes the memory store keeps by default: 256 MiB. */
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

    private final long maxBytes;
    private final Map<String, StoredImage> images = new LinkedHashMap<>();
    private long bytes;

    /**
     * An empty repository.
     *
     * @param maxBytes the most image bytes kept, at least 1
     * @throws IllegalArgumentException when {@code maxBytes} is below 1
     */
    public InMemoryImageRepository(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1");
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public synchronized void save(StoredImage image) {
        Objects.requireNonNull(image, "image");
        StoredImage earlier = images.remove(image.id());
        if (earlier != null) {
            bytes -= earlier.bytes().length;
        }
        images.put(image.id(), image);
        bytes += image.bytes().length;
        Iterator<StoredImage> oldest = images.values().iterator();
        while (bytes > maxBytes && oldest.hasNext()) {
            bytes -= oldest.next().bytes().length;
            oldest.remove();
        }
    }

    @Override
    public synchronized Optional<StoredImage> find(String id, Instant now) {
        StoredImage image = images.get(Objects.requireNonNull(id, "id"));
        return image == null || image.expiredAt(now) ? Optional.empty() : Optional.of(image);
    }

    @Override
    public synchronized long deleteExpired(Instant now) {
        long deleted = 0;
        for (Iterator<StoredImage> it = images.values().iterator(); it.hasNext(); ) {
            StoredImage image = it.next();
            if (image.expiredAt(now)) {
                bytes -= image.bytes().length;
                it.remove();
                deleted++;
            }
        }
        return deleted;
    }
}
