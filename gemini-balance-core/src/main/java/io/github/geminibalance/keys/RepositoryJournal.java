package io.github.geminibalance.keys;

import io.github.geminibalance.spi.KeyEvent;
import io.github.geminibalance.store.KeyCounter;
import io.github.geminibalance.store.KeyMark;
import io.github.geminibalance.store.KeyRepository;
import io.github.geminibalance.store.MarkKind;
import java.time.Instant;

/** {@link KeyJournal#of(KeyRepository)}: the pool's state changes as durable marks. */
final class RepositoryJournal implements KeyJournal {

    private final KeyRepository repository;

    RepositoryJournal(KeyRepository repository) {
        this.repository = repository;
    }

    @Override
    public void changed(KeyEvent event, Instant at) {
        String id = event.keyId();
        switch (event.type()) {
            case COOLDOWN, EXHAUSTED -> {
                MarkKind kind = event.type() == KeyEvent.Type.EXHAUSTED ? MarkKind.EXHAUSTED : MarkKind.COOLDOWN;
                MarkKind other = kind == MarkKind.EXHAUSTED ? MarkKind.COOLDOWN : MarkKind.EXHAUSTED;
                repository.mark(new KeyMark(id, kind, event.model(), event.until(), event.reason(), at));
                repository.clearMark(id, other, event.model());
            }
            case INVALID -> repository.mark(KeyMark.invalid(id, event.reason(), at));
            case VALID, ENABLED -> repository.clearMark(id, MarkKind.INVALID, KeyMark.ALL_MODELS);
            case RESET -> repository.clearMarks(id);
            case SUCCESS -> {
                if (event.model() != null) { // a passed check ended the rest for that model
                    repository.clearMark(id, MarkKind.COOLDOWN, event.model());
                    repository.clearMark(id, MarkKind.EXHAUSTED, event.model());
                }
            }
            case DISABLED, FAILURE -> {
                // operator decisions are stored by the admin; strikes do not outlive a restart
            }
        }
    }

    @Override
    public void counted(KeyCounter counter) {
        repository.count(counter.keyId(), counter.day(), counter.requests(), counter.tokens());
    }
}
