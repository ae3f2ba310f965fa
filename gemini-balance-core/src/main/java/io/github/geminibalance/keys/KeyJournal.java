package io.github.geminibalance.keys;

import io.github.geminibalance.spi.KeyEvent;
import io.github.geminibalance.store.KeyCounter;
import io.github.geminibalance.store.KeyRepository;
import java.time.Instant;
import java.util.Objects;

/**
 * Where the pool writes what must survive a restart: every state change it makes ({@link KeyEvent}s,
 * which become durable marks) and its usage counters. Called outside the pool's lock; implementations
 * must not block (a {@link KeyRepository}'s marks and counters are queued).
 */
public interface KeyJournal {

    /** A journal that keeps nothing. */
    KeyJournal NONE = new KeyJournal() {
        @Override
        public void changed(KeyEvent event, Instant at) {}

        @Override
        public void counted(KeyCounter counter) {}
    };

    /**
     * The pool changed a key's state.
     *
     * @param event the change, as it is shared with other instances
     * @param at when it happened
     */
    void changed(KeyEvent event, Instant at);

    /**
     * Requests and tokens counted for a key since the last call, to add to the stored counters.
     *
     * @param counter the counts to add, for their quota day
     */
    void counted(KeyCounter counter);

    /**
     * A journal writing into a repository: INVALID, EXHAUSTED and COOLDOWN become marks (the rest now in
     * force for the model replaces the other kind), a passed re-check or an enable clears INVALID, a reset
     * clears every mark, counters are added. Operator decisions (disable, delete, notes) are not journaled:
     * they are written to the repository by whoever makes them, before the pool applies them.
     *
     * @param repository the repository; its mark and count methods must not block
     * @return the journal
     */
    static KeyJournal of(KeyRepository repository) {
        return new RepositoryJournal(Objects.requireNonNull(repository, "repository"));
    }
}
