package io.github.geminibalance.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Where stored responses of {@code POST /v1/responses} are kept ({@code store} not false), for
 * {@code GET} and {@code DELETE /v1/responses/{id}} and {@code previous_response_id}. A response is seen
 * only by its owner (the label of the client token that created it): the other owners are told it does
 * not exist.
 *
 * <p>Implementations are thread-safe. Calls may block on a database: never call them on an event loop.
 *
 * @see Store#responses()
 */
public interface ResponseRepository {

    /**
     * Whether this repository keeps responses at all ({@link #none()} does not).
     *
     * @return true when {@link #save} keeps what it is given
     */
    default boolean keeps() {
        return true;
    }

    /**
     * Stores a response, replacing one of the same id and owner.
     *
     * @param response the response
     * @throws StoreException when the store cannot be written
     */
    void save(StoredResponse response);

    /**
     * A stored response of this owner.
     *
     * @param id the response's id
     * @param owner the owner asking
     * @return the response, or empty when it is unknown, expired or another owner's
     * @throws StoreException when the store cannot be read
     */
    Optional<StoredResponse> find(String id, String owner);

    /**
     * Deletes a stored response of this owner.
     *
     * @param id the response's id
     * @param owner the owner asking
     * @return false when there was no such response of this owner
     * @throws StoreException when the store cannot be written
     */
    boolean delete(String id, String owner);

    /**
     * Deletes the responses stored before {@code cutoff} (the retention of request records).
     *
     * @param cutoff the oldest creation time kept
     * @return how many were deleted
     * @throws StoreException when the store cannot be written
     */
    long deleteCreatedBefore(Instant cutoff);

    /**
     * A repository that keeps nothing: the default of a {@link Store} that keeps no responses.
     *
     * @return the empty repository
     */
    static ResponseRepository none() {
        return NoResponses.INSTANCE;
    }
}
