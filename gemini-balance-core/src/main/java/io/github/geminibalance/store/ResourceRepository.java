package io.github.geminibalance.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The Gemini resources that live with one key ({@link StoredResource}: uploaded files, cached contents,
 * batches, uploads under way), so that every later request naming one is sent with that key, and each
 * client lists only its own. Names are unique across kinds (the kind is the name's first segment).
 *
 * <p>Implementations are thread-safe. Calls may block on a database: never call them on an event loop.
 *
 * @see Store#resources()
 */
public interface ResourceRepository {

    /**
     * Whether this repository keeps resources at all ({@link #none()} does not).
     *
     * @return true when {@link #save} keeps what it is given
     */
    default boolean keeps() {
        return true;
    }

    /**
     * Stores a resource, replacing one of the same name.
     *
     * @param resource the resource
     * @throws StoreException when the store cannot be written
     */
    void save(StoredResource resource);

    /**
     * A resource that has not expired.
     *
     * @param name the resource's name ({@code kind/id})
     * @param now the current time
     * @return the resource, or empty when it is unknown or expired
     * @throws StoreException when the store cannot be read
     */
    Optional<StoredResource> find(String name, Instant now);

    /**
     * The resources of one kind not expired, by name, after {@code after}.
     *
     * @param kind the kind ({@code files}, {@code cachedContents}, ...): names starting {@code kind/}
     * @param owner only this owner's, or {@code null} for everybody's
     * @param now the current time
     * @param after the last name of the previous page, or {@code null} for the first page
     * @param limit the most resources returned
     * @return the resources, ordered by name
     * @throws StoreException when the store cannot be read
     */
    List<StoredResource> list(String kind, String owner, Instant now, String after, int limit);

    /**
     * Deletes a resource.
     *
     * @param name the resource's name
     * @return false when there was no such resource
     * @throws StoreException when the store cannot be written
     */
    boolean delete(String name);

    /**
     * Deletes the resources expired at {@code now}.
     *
     * @param now the current time
     * @return how many were deleted
     * @throws StoreException when the store cannot be written
     */
    long deleteExpired(Instant now);

    /**
     * A repository that keeps nothing: the default of a {@link Store} that keeps no resources (the facade
     * then keeps them in memory).
     *
     * @return the empty repository
     */
    static ResourceRepository none() {
        return NoResources.INSTANCE;
    }
}
