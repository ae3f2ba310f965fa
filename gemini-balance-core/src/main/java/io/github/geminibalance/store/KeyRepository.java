package io.github.geminibalance.store;

import io.github.geminibalance.keys.ApiKey;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The durable list of keys and what the pool learned about them: operator actions (delete, disable,
 * note), marks (INVALID, EXHAUSTED per model, cooldowns per model) and today's counters. A restart
 * reads it back instead of starting every key afresh.
 *
 * <p>Two kinds of method. Key management ({@link #seed}, {@link #add}, {@link #addAll}, {@link #delete},
 * {@link #deleteAll}, {@link #restore}, {@link #disable}, {@link #enable}, {@link #note}) is synchronous: it runs at start-up or for an
 * operator, and its result is stored when the method returns. Marks and counters ({@link #mark},
 * {@link #clearMark}, {@link #clearMarks}, {@link #count}) are called by the pool on the request path:
 * they never block, implementations backed by a database queue them and write them in order on their
 * own thread. Reads see the queued writes once written.
 */
public interface KeyRepository {

    /**
     * Adds the keys of the configuration ({@code API_KEYS}) that are not stored yet. A listed key an
     * operator deleted stays deleted; a disabled key stays disabled; marks are kept. Blank entries and
     * duplicates are ignored.
     *
     * @param apiKeys the configured raw keys, in order
     * @return what was added, what stayed deleted, and every usable key
     */
    SeedResult seed(List<String> apiKeys);

    /**
     * Adds a key for an operator. A key stored before is returned as it is, except that a deleted one is
     * restored and a non-null {@code note} replaces the old one.
     *
     * @param value the raw key
     * @param note a note, or null
     * @return the stored key
     */
    StoredKey add(String value, String note);

    /**
     * Adds many keys for an operator in one go (a pasted list of thousands; a database does it in one
     * transaction). Each is handled as {@link #add} without a note: a key stored before is left as it is,
     * a deleted one is restored. The default calls {@link #find} and {@link #add} for each.
     *
     * @param values the raw keys, stripped, without duplicates
     * @return per value, in order: the stored key and whether it was already stored and not deleted
     */
    default List<KeyAddition> addAll(List<String> values) {
        List<KeyAddition> additions = new ArrayList<>(values.size());
        for (String value : values) {
            Optional<StoredKey> before = find(new ApiKey(value.strip()).id());
            StoredKey key = add(value, null);
            additions.add(new KeyAddition(key, before.isPresent() && !before.get().deleted()));
        }
        return additions;
    }

    /** Every key that is not deleted, in the order they were added. */
    List<StoredKey> list();

    /** Every deleted key, most recently deleted first. */
    List<StoredKey> deleted();

    /** The key with this id, deleted or not. */
    Optional<StoredKey> find(String id);

    /**
     * Marks a key deleted (it survives restarts even while {@code API_KEYS} lists it); false if unknown. A
     * key deleted before keeps its deletion time.
     */
    boolean delete(String id);

    /**
     * Marks many keys deleted in one go (a database does it in one transaction). The default calls
     * {@link #find} and {@link #delete} for each.
     *
     * @param ids the ids of the keys
     * @return the ids that were stored and not deleted, now deleted, in the order given; unknown ids and
     *     keys deleted before are left out
     */
    default List<String> deleteAll(Collection<String> ids) {
        List<String> deleted = new ArrayList<>();
        for (String id : ids) {
            Optional<StoredKey> key = find(id);
            if (key.isPresent() && !key.get().deleted() && delete(id)) {
                deleted.add(id);
            }
        }
        return deleted;
    }

    /** Undoes {@link #delete}; false if unknown or not deleted. */
    boolean restore(String id);

    /**
     * Disables a key until {@code until}, or until {@link #enable} when {@code until} is null; false if
     * unknown.
     */
    boolean disable(String id, Instant until);

    /** Enables a disabled key; false if unknown. */
    boolean enable(String id);

    /** Replaces a key's note (null clears it); false if unknown. */
    boolean note(String id, String note);

    /** Sets a mark, replacing the one of the same key, kind and model. Never blocks. */
    void mark(KeyMark mark);

    /** Removes the mark of this key, kind and model ({@link KeyMark#ALL_MODELS} for key-wide). Never blocks. */
    void clearMark(String keyId, MarkKind kind, String model);

    /** Removes every mark of a key (an operator reset it, or a re-check passed). Never blocks. */
    void clearMarks(String keyId);

    /** The marks still in force at {@code now}, of keys that are not deleted. */
    List<KeyMark> marks(Instant now);

    /** Adds to a key's counters for a quota day. Never blocks. */
    void count(String keyId, LocalDate day, long requests, long tokens);

    /** Every key's counters for a quota day. */
    List<KeyCounter> counters(LocalDate day);
}
