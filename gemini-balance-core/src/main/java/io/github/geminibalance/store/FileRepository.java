package io.github.geminibalance.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The files uploaded through the Files API and the key that owns each ({@link StoredFile}), so that every
 * later request naming a file is sent with that key, and each client lists only its own files.
 *
 * <p>Implementations are thread-safe. Calls may block on a database: never call them on an event loop.
 *
 * @see Store#files()
 */
public interface FileRepository {

    /**
     * Whether this repository keeps files at all ({@link #none()} does not).
     *
     * @return true when {@link #save} keeps what it is given
     */
    default boolean keeps() {
        return true;
    }

    /**
     * Stores a file, replacing one of the same name.
     *
     * @param file the file
     * @throws StoreException when the store cannot be written
     */
    void save(StoredFile file);

    /**
     * A file that has not expired.
     *
     * @param name the file's name ({@code files/{id}})
     * @param now the current time
     * @return the file, or empty when it is unknown or expired
     * @throws StoreException when the store cannot be read
     */
    Optional<StoredFile> find(String name, Instant now);

    /**
     * The files not expired, by name, after {@code after}.
     *
     * @param owner only this owner's files, or {@code null} for everybody's
     * @param now the current time
     * @param after the last name of the previous page, or {@code null} for the first page
     * @param limit the most files returned
     * @return the files, ordered by name
     * @throws StoreException when the store cannot be read
     */
    List<StoredFile> list(String owner, Instant now, String after, int limit);

    /**
     * Deletes a file.
     *
     * @param name the file's name
     * @return false when there was no such file
     * @throws StoreException when the store cannot be written
     */
    boolean delete(String name);

    /**
     * Deletes the files expired at {@code now}.
     *
     * @param now the current time
     * @return how many were deleted
     * @throws StoreException when the store cannot be written
     */
    long deleteExpired(Instant now);

    /**
     * A repository that keeps nothing: the default of a {@link Store} that keeps no files (the facade
     * then keeps them in memory).
     *
     * @return the empty repository
     */
    static FileRepository none() {
        return NoFiles.INSTANCE;
    }
}
