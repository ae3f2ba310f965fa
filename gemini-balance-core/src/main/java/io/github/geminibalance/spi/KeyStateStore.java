package io.github.geminibalance.spi;

import java.util.function.Consumer;

/**
 * Where key state is shared. The core's key pool keeps the state it selects from in memory (selection
 * never waits on I/O) and tells the store about every change it makes; the store tells the pool about
 * changes made elsewhere. The default {@link #local()} store shares nothing. A store backed by Redis
 * (module {@code gemini-balance-redis}) lets several servers in front of one key set rotate as one and
 * never hand out a key another server saw rate-limited.
 *
 * <p>Implementations must never block the caller: {@link #publish} and {@link #advance} are
 * fire-and-forget, and a store that loses its backend keeps the pool serving from local state.
 */
public interface KeyStateStore extends AutoCloseable {

    /**
     * Connects the store to a pool: {@code remote} receives every change made by other instances, and
     * the store's current shared state as events (so a new instance starts with the cooldowns others
     * have set).
     *
     * @param keyIds the ids that name the pool: the keys it was built with (for a pool whose keys live in a
     *     store and change at run time, the configured keys it was seeded with, so that every instance of a
     *     deployment names the same pool whatever keys were added since)
     * @param remote applies a remote change to the pool
     * @param rotation receives the shared rotation position when it moves
     */
    void attach(java.util.List<String> keyIds, Consumer<KeyEvent> remote, java.util.function.LongConsumer rotation);

    /**
     * Like {@link #attach(java.util.List, Consumer, java.util.function.LongConsumer)}, with a way to read
     * what the pool knows right now, so a store that lost its backend can share that knowledge again
     * once the backend is back. The pool calls this one; the default ignores {@code local}.
     *
     * @param keyIds the ids that name the pool (see above)
     * @param remote applies a remote change to the pool
     * @param rotation receives the shared rotation position when it moves
     * @param local the pool's state still in force (cooldowns, INVALID, DISABLED, failure counts) as events
     */
    default void attach(java.util.List<String> keyIds, Consumer<KeyEvent> remote,
            java.util.function.LongConsumer rotation, java.util.function.Supplier<java.util.List<KeyEvent>> local) {
        attach(keyIds, remote, rotation);
    }

    /**
     * The pool took in keys after {@link #attach} (an operator added or restored them): apply what the
     * shared state holds about them to the pool, as {@code attach} did for the first keys. Returns at once;
     * the default does nothing. The pool names itself by the ids given to {@code attach} only, so adding
     * keys never moves it to other shared state.
     *
     * @param keyIds the ids of the keys added
     */
    default void added(java.util.List<String> keyIds) {}

    /** Shares a change this instance made. */
    void publish(KeyEvent event);

    /**
     * This instance handed out a key: advance the shared rotation position by {@code steps} (the
     * handed-out key plus the unusable keys it skipped), so every instance's cursor lands where this
     * one's did.
     */
    void advance(int steps);

    /** Whether the shared backend is reachable right now (true for the local store). */
    default boolean healthy() {
        return true;
    }

    @Override
    default void close() {}

    /** A store that shares nothing: the embedded default. */
    static KeyStateStore local() {
        return new KeyStateStore() {
            @Override
            public void attach(java.util.List<String> keyIds, Consumer<KeyEvent> remote,
                    java.util.function.LongConsumer rotation) {}

            @Override
            public void publish(KeyEvent event) {}

            @Override
            public void advance(int steps) {}
        };
    }
}
