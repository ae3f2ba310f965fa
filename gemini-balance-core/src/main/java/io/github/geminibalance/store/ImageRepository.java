package io.github.geminibalance.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Where generated images are kept while their URLs are served ({@code IMAGE_URL_TTL_HOURS}). Anyone who
 * knows an image's id may fetch it: the id is the secret.
 *
 * <p>Implementations are thread-safe. Calls may block on a database: never call them on an event loop.
 *
 * @see Store#images()
 */
public interface ImageRepository {

    /**
     * Whether this repository keeps images at all ({@link #none()} does not).
     *
     * @return true when {@link #save} keeps what it is given
     */
    default boolean keeps() {
        return true;
    }

    /**
     * Keeps an image.
     *
     * @param image the image
     * @throws StoreException when the store cannot be written
     */
    void save(StoredImage image);

    /**
     * An image that has not expired at {@code now}.
     *
     * @param id its id
     * @param now the time of the request
     * @return the image, or empty when unknown or expired
     * @throws StoreException when the store cannot be read
     */
    Optional<StoredImage> find(String id, Instant now);

    /**
     * Deletes the images expired at {@code now}.
     *
     * @param now the time of the clean-up
     * @return how many were deleted
     * @throws StoreException when the store cannot be written
     */
    long deleteExpired(Instant now);

    /**
     * A repository that keeps nothing: the default of a {@link Store} that keeps no images.
     *
     * @return the empty repository
     */
    static ImageRepository none() {
        return NoImages.INSTANCE;
    }
}
