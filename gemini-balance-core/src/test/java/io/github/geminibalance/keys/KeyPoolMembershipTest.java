package io.github.geminibalance.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.config.KeySelection;
import io.github.geminibalance.spi.KeyEvent;
import io.github.geminibalance.spi.KeyStateStore;
import io.github.geminibalance.store.InMemoryKeyRepository;
import io.github.geminibalance.store.KeyCounter;
import io.github.geminibalance.store.KeyMark;
import io.github.geminibalance.store.MarkKind;
import io.github.geminibalance.store.StoredKey;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/**
 * Keys added and removed at run time, a pool built from a store's snapshot (marks, counters, timed
 * disables), and what the pool writes to its journal.
 */
class KeyPoolMembershipTest {

    private static final String MODEL = "gemini-2.5-flash";

    private final KeyPoolTest.MutableClock clock = new KeyPoolTest.MutableClock(Instant.parse("2026-06-15T12:00:00Z"));

    static String key(int i) {
        return "AIzaSyMember" + String.format("%027d", i);
    }

    private List<StoredKey> stored(int from, int to) {
        List<StoredKey> keys = new ArrayList<>();
        for (int i = from; i < to; i++) {
            keys.add(StoredKey.of(key(i), clock.instant(), null));
        }
        return keys;
    }

    private KeyPool pool(KeySnapshot snapshot, KeyStateStore store, KeyJournal journal) {
        return new KeyPool(snapshot, List.of(), 3, KeySelection.ROUND_ROBIN, clock, store, journal);
    }

    private KeyPool pool(KeySnapshot snapshot) {
        return pool(snapshot, KeyStateStore.local(), KeyJournal.NONE);
    }

    private static KeyStatus status(KeyPool pool, String raw) {
        return pool.status(new ApiKey(raw).id()).orElseThrow();
    }

    @Test
    void anEmptyPoolHandsOutNothingAndServesTheFirstKeyAddedAtOnce() {
        KeyPool pool = pool(KeySnapshot.of(List.of()));
        assertThat(pool.size()).isZero();
        assertThat(pool.acquire(MODEL, Set.of())).isEmpty();
        assertThat(pool.anyUsable()).isFalse();
        assertThat(pool.earliestRecovery(MODEL)).isEmpty();
        pool.applyRotation(7); // a shared position arriving for an empty pool

        assertThat(pool.add(KeySnapshot.of(stored(0, 1)))).containsExactly(new ApiKey(key(0)).id());
        KeyPool.Lease lease = pool.acquire(MODEL, Set.of()).orElseThrow();
        assertThat(lease.key().value()).isEqualTo(key(0));
        lease.complete(Verdict.SUCCESS);
        assertThat(pool.anyUsable()).isTrue();
    }

    @Test
    void addedKeysJoinTheEndOfTheRotationAndKnownOnesAreLeftAsTheyAre() {
        KeyPool pool = pool(KeySnapshot.of(stored(0, 2)));
        List<String> before = pool.values();
        assertThat(pool.add(KeySnapshot.of(stored(1, 4)))).as("key 1 is there already")
                .containsExactly(new ApiKey(key(2)).id(), new ApiKey(key(3)).id());
        assertThat(pool.values()).containsExactly(key(0), key(1), key(2), key(3));
        assertThat(pool.values()).as("a new list when the keys change").isNotSameAs(before);
        assertThat(pool.values()).as("the same list while they do not").isSameAs(pool.values());
        List<String> handed = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            KeyPool.Lease lease = pool.acquire(MODEL, Set.of()).orElseThrow();
            handed.add(lease.key().value());
            lease.complete(Verdict.SUCCESS);
        }
        assertThat(handed).containsExactly(key(0), key(1), key(2), key(3), key(0), key(1), key(2), key(3));
        assertThat(pool.add(KeySnapshot.of(stored(0, 2)))).isEmpty();
    }

    @Test
    void aRemovedKeyIsNeverHandedOutAgainAndItsLeaseCompletesHarmlessly() {
        List<KeyEvent> published = new CopyOnWriteArrayList<>();
        List<KeyEvent> journaled = new CopyOnWriteArrayList<>();
        KeyPool pool = pool(KeySnapshot.of(stored(0, 3)), recording(published), journal(journaled, new ArrayList<>()));
        KeyPool.Lease lease = pool.acquire(MODEL, Set.of()).orElseThrow();
        String removedId = lease.key().id();

        assertThat(pool.remove(List.of(removedId, "k-unknown0"))).containsExactly(removedId);
        assertThat(pool.find(removedId)).isEmpty();
        assertThat(pool.size()).isEqualTo(2);
        lease.complete(new Verdict(Verdict.Kind.INVALID, null, 400, "API_KEY_INVALID"));
        pool.charge(lease.key(), MODEL, Verdict.failure(500, "INTERNAL"));
        assertThat(published).as("nothing shared about a removed key").isEmpty();
        assertThat(journaled).isEmpty();
        for (int i = 0; i < 6; i++) {
            KeyPool.Lease next = pool.acquire(MODEL, Set.of()).orElseThrow();
            assertThat(next.key().id()).isNotEqualTo(removedId);
            next.complete(Verdict.SUCCESS);
        }
        assertThat(pool.status()).extracting(KeyStatus::inFlight).containsOnly(0);
        assertThat(pool.remove(List.of(removedId))).isEmpty();
    }

    @Test
    void selectionGoesOnWhileKeysAreAddedAndRemovedAndNoLeaseIsLost() throws Exception {
        KeyPool pool = pool(KeySnapshot.of(stored(0, 50)));
        Set<String> removedForGood = ConcurrentHashMap.newKeySet();
        // when each removal returned, on a counter: a key removed before an acquire began must not come out of it
        ConcurrentHashMap<String, Long> removedAt = new ConcurrentHashMap<>();
        AtomicInteger removals = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            workers.add(threads.submit(() -> {
                go.await();
                while (!stop.get()) {
                    long before = removals.get();
                    Optional<KeyPool.Lease> lease = pool.acquire(MODEL, Set.of());
                    if (lease.isPresent()) {
                        String id = lease.get().key().id();
                        Long removed = removedAt.get(id);
                        if (removed != null && removed <= before) {
                            errors.add(new AssertionError("handed out " + id + " after its removal returned"));
                        }
                        served.incrementAndGet();
                        lease.get().complete(served.get() % 7 == 0 ? Verdict.NEUTRAL : Verdict.SUCCESS);
                    }
                }
                return null;
            }));
        }
        // keys 0-49 are there; the membership thread adds 50-449 in batches and removes older ones
        workers.add(threads.submit(() -> {
            go.await();
            for (int round = 0; round < 40; round++) {
                pool.add(KeySnapshot.of(stored(50 + round * 10, 60 + round * 10)));
                List<String> gone = new ArrayList<>();
                for (int i = round * 5; i < round * 5 + 5; i++) {
                    gone.add(new ApiKey(key(i)).id());
                }
                pool.remove(gone);
                removedForGood.addAll(gone);
                long seq = removals.incrementAndGet();
                gone.forEach(id -> removedAt.put(id, seq));
                Thread.sleep(2);
            }
            return null;
        }));
        go.countDown();
        workers.get(4).get(30, TimeUnit.SECONDS);
        stop.set(true);
        for (Future<?> f : workers) {
            f.get(30, TimeUnit.SECONDS);
        }
        threads.shutdown();

        assertThat(errors).isEmpty();
        assertThat(served.get()).isGreaterThan(100);
        assertThat(pool.size()).isEqualTo(50 + 400 - 200);
        assertThat(pool.status()).extracting(KeyStatus::inFlight).containsOnly(0);
        Set<String> ids = new HashSet<>();
        pool.status().forEach(s -> ids.add(s.id()));
        assertThat(ids).hasSize(250).doesNotContainAnyElementsOf(removedForGood);
        assertThat(pool.values()).hasSize(250);
    }

    @Test
    void aSnapshotBringsBackMarksDisablesNotesAndTodaysCounters() {
        List<StoredKey> keys = stored(0, 4);
        Instant now = clock.instant();
        StoredKey disabled = keys.get(2);
        keys.set(2, new StoredKey(disabled.id(), disabled.value(), disabled.masked(), disabled.addedAt(), "on hold",
                false, null, true, now.plus(Duration.ofHours(2))));
        StoredKey ended = keys.get(3);
        keys.set(3, new StoredKey(ended.id(), ended.value(), ended.masked(), ended.addedAt(), null, false, null, true,
                now.minusSeconds(1)));
        LocalDate today = LocalDate.ofInstant(now, KeyPool.QUOTA_ZONE);
        KeySnapshot snapshot = new KeySnapshot(keys, List.of(
                KeyMark.invalid(keys.get(0).id(), "API_KEY_INVALID", now.minusSeconds(30)),
                new KeyMark(keys.get(1).id(), MarkKind.EXHAUSTED, MODEL, now.plus(Duration.ofHours(5)), "RESOURCE_EXHAUSTED",
                        now),
                new KeyMark(keys.get(1).id(), MarkKind.COOLDOWN, "other", now.plusSeconds(40), "429", now),
                new KeyMark(keys.get(3).id(), MarkKind.COOLDOWN, MODEL, now.minusSeconds(1), "429", now)),
                List.of(new KeyCounter(keys.get(1).id(), today, 12, 3400),
                        new KeyCounter(keys.get(0).id(), today.minusDays(1), 99, 99)));
        KeyPool pool = pool(snapshot);

        assertThat(status(pool, key(0)).state()).isEqualTo(KeyState.INVALID);
        assertThat(status(pool, key(0)).lastErrorReason()).isEqualTo("API_KEY_INVALID");
        assertThat(status(pool, key(0)).requestsToday()).as("yesterday's counters").isZero();
        KeyStatus exhausted = status(pool, key(1));
        assertThat(exhausted.state()).isEqualTo(KeyState.EXHAUSTED);
        assertThat(exhausted.restingUntil()).containsEntry(MODEL, now.plus(Duration.ofHours(5)))
                .containsEntry("other", now.plusSeconds(40));
        assertThat(exhausted.requestsToday()).isEqualTo(12);
        assertThat(exhausted.tokensToday()).isEqualTo(3400);
        KeyStatus onHold = status(pool, key(2));
        assertThat(onHold.state()).isEqualTo(KeyState.DISABLED);
        assertThat(onHold.disabledUntil()).isEqualTo(now.plus(Duration.ofHours(2)));
        assertThat(onHold.note()).isEqualTo("on hold");
        assertThat(onHold.addedAt()).isEqualTo(now);
        assertThat(status(pool, key(3)).state()).as("a disable that ended, a cooldown that ended").isEqualTo(KeyState.ACTIVE);

        // only key 3 serves; key 2 comes back by itself when its disable ends
        for (int i = 0; i < 3; i++) {
            KeyPool.Lease lease = pool.acquire(MODEL, Set.of()).orElseThrow();
            assertThat(lease.key().value()).isEqualTo(key(3));
            lease.complete(Verdict.SUCCESS);
        }
        clock.advance(Duration.ofHours(2));
        assertThat(status(pool, key(2)).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(status(pool, key(2)).disabledUntil()).isNull();
        Set<String> handed = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            KeyPool.Lease lease = pool.acquire(MODEL, Set.of()).orElseThrow();
            handed.add(lease.key().value());
            lease.complete(Verdict.SUCCESS);
        }
        assertThat(handed).containsExactlyInAnyOrder(key(2), key(3));
    }

    @Test
    void stateChangesAreJournaledAsMarksAndCountsAreFlushedInBatches() {
        InMemoryKeyRepository repository = new InMemoryKeyRepository(clock);
        List<StoredKey> keys = repository.seed(List.of(key(0), key(1), key(2))).usable();
        KeyPool pool = pool(KeySnapshot.of(keys), KeyStateStore.local(), KeyJournal.of(repository));
        String a = keys.get(0).id();
        String b = keys.get(1).id();
        String c = keys.get(2).id();
        Instant now = clock.instant();

        pool.charge(new ApiKey(key(0)), MODEL, new Verdict(Verdict.Kind.INVALID, null, 400, "API_KEY_INVALID"));
        pool.charge(new ApiKey(key(1)), MODEL, new Verdict(Verdict.Kind.COOLDOWN, now.plusSeconds(30), 429, "RATE"));
        pool.charge(new ApiKey(key(1)), MODEL, new Verdict(Verdict.Kind.EXHAUSTED, now.plusSeconds(3600), 429, "QUOTA"));
        pool.charge(new ApiKey(key(2)), MODEL, Verdict.failure(500, "INTERNAL"));
        assertThat(repository.marks(now)).extracting(m -> m.keyId() + " " + m.kind() + " " + m.model() + " " + m.until())
                .containsExactlyInAnyOrder(a + " INVALID  null", b + " EXHAUSTED " + MODEL + " " + now.plusSeconds(3600));

        pool.clearInvalid(a);
        assertThat(repository.marks(now)).extracting(KeyMark::keyId).containsExactly(b);
        pool.reset(b);
        assertThat(repository.marks(now)).isEmpty();

        for (int i = 0; i < 5; i++) {
            KeyPool.Lease lease = pool.acquire(MODEL, Set.of()).orElseThrow();
            pool.addTokens(lease.key(), 10);
            lease.complete(Verdict.SUCCESS);
        }
        LocalDate today = LocalDate.ofInstant(now, KeyPool.QUOTA_ZONE);
        assertThat(repository.counters(today)).as("nothing written before a flush").isEmpty();
        pool.flushCounts();
        assertThat(repository.counters(today)).extracting(KeyCounter::requests).containsOnly(2L, 2L, 1L);
        assertThat(repository.counters(today).stream().mapToLong(KeyCounter::tokens).sum()).isEqualTo(50);
        pool.flushCounts();
        assertThat(repository.counters(today).stream().mapToLong(KeyCounter::requests).sum())
                .as("a second flush adds nothing").isEqualTo(5);

        // a count made before midnight Pacific is written for its own day, even when flushed after
        KeyPool.Lease late = pool.acquire(MODEL, Set.of()).orElseThrow();
        late.complete(Verdict.SUCCESS);
        clock.set(today.plusDays(1).atStartOfDay(KeyPool.QUOTA_ZONE).toInstant().plusSeconds(1));
        KeyPool.Lease early = pool.acquire(MODEL, Set.of()).orElseThrow();
        early.complete(Verdict.SUCCESS);
        pool.flushCounts();
        assertThat(repository.counters(today).stream().mapToLong(KeyCounter::requests).sum()).isEqualTo(6);
        assertThat(repository.counters(today.plusDays(1))).extracting(KeyCounter::requests).containsExactly(1L);
    }

    @Test
    void aTimedDisableIsSharedWithItsEndAndEnableLiftsIt() {
        List<KeyEvent> published = new CopyOnWriteArrayList<>();
        KeyPool pool = pool(KeySnapshot.of(stored(0, 2)), recording(published), KeyJournal.NONE);
        String id = new ApiKey(key(0)).id();
        Instant until = clock.instant().plusSeconds(3600);
        assertThat(pool.disable(id, until)).isTrue();
        assertThat(published).containsExactly(new KeyEvent(id, KeyEvent.Type.DISABLED, null, until, 0, 0, "ADMIN"));
        assertThat(pool.earliestRecovery(MODEL)).contains(Duration.ZERO); // the other key serves
        pool.charge(new ApiKey(key(0)), MODEL, new Verdict(Verdict.Kind.COOLDOWN, clock.instant().plusSeconds(60), 429, "R"));
        assertThat(pool.enable(id)).isTrue();
        assertThat(status(pool, key(0)).state()).as("its cooldown stays").isEqualTo(KeyState.COOLING);
        assertThat(published.get(published.size() - 1).type()).isEqualTo(KeyEvent.Type.ENABLED);
        assertThat(pool.enable("k-unknown0")).isFalse();
        assertThat(pool.disable("k-unknown0", null)).isFalse();
        assertThat(pool.note(id, "team B")).isTrue();
        assertThat(status(pool, key(0)).note()).isEqualTo("team B");
    }

    @Test
    void aPassedCheckEndsTheRestOfTheModelItServedOnly() {
        List<KeyEvent> published = new CopyOnWriteArrayList<>();
        KeyPool pool = pool(KeySnapshot.of(stored(0, 1)), recording(published), KeyJournal.NONE);
        ApiKey key = new ApiKey(key(0));
        Instant tomorrow = clock.instant().plus(Duration.ofHours(20));
        pool.charge(key, MODEL, new Verdict(Verdict.Kind.COOLDOWN, clock.instant().plusSeconds(60), 429, "R"));
        pool.charge(key, "gemini-2.5-pro", new Verdict(Verdict.Kind.EXHAUSTED, tomorrow, 429, "QUOTA"));
        published.clear();

        pool.checkPassed(key.id(), MODEL);

        assertThat(pool.status(key.id()).orElseThrow().restingUntil()).as("the other model's quota stays spent")
                .containsOnlyKeys("gemini-2.5-pro");
        assertThat(published).containsExactly(new KeyEvent(key.id(), KeyEvent.Type.SUCCESS, MODEL, null, 0, 200, null));
        assertThat(pool.acquire(MODEL, Set.of())).isPresent();
        assertThat(pool.acquire("gemini-2.5-pro", Set.of())).isEmpty();
    }

    @Test
    void aPassedCheckNeverReEnablesADisabledKey() {
        KeyPool pool = pool(KeySnapshot.of(stored(0, 1)));
        String id = new ApiKey(key(0)).id();
        pool.disable(id);
        pool.checkPassed(id, MODEL);
        assertThat(status(pool, key(0)).state()).isEqualTo(KeyState.DISABLED);
        pool.enable(id);
        pool.charge(new ApiKey(key(0)), MODEL, new Verdict(Verdict.Kind.INVALID, null, 400, "API_KEY_INVALID"));
        pool.checkPassed(id, MODEL);
        assertThat(status(pool, key(0)).state()).isEqualTo(KeyState.ACTIVE);
    }

    @Test
    void addedKeysAreAnnouncedToTheSharedStateStoreWithWhatTheirMarksSay() {
        List<KeyEvent> published = new CopyOnWriteArrayList<>();
        List<List<String>> added = new CopyOnWriteArrayList<>();
        KeyStateStore store = new KeyStateStore() {
            @Override
            public void attach(List<String> keyIds, Consumer<KeyEvent> remote, LongConsumer rotation) {}

            @Override
            public void added(List<String> keyIds) {
                added.add(keyIds);
            }

            @Override
            public void publish(KeyEvent event) {
                published.add(event);
            }

            @Override
            public void advance(int steps) {}
        };
        KeyPool pool = pool(KeySnapshot.of(List.of()), store, KeyJournal.NONE);
        List<StoredKey> keys = stored(0, 2);
        pool.add(new KeySnapshot(keys, List.of(KeyMark.invalid(keys.get(1).id(), "API_KEY_INVALID", clock.instant())),
                List.of()));
        assertThat(added).containsExactly(List.of(keys.get(0).id(), keys.get(1).id()));
        assertThat(published).extracting(KeyEvent::keyId, KeyEvent::type)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(keys.get(1).id(), KeyEvent.Type.INVALID));
    }

    private static KeyStateStore recording(List<KeyEvent> events) {
        return new KeyStateStore() {
            @Override
            public void attach(List<String> keyIds, Consumer<KeyEvent> remote, LongConsumer rotation) {}

            @Override
            public void publish(KeyEvent event) {
                events.add(event);
            }

            @Override
            public void advance(int steps) {}
        };
    }

    private static KeyJournal journal(List<KeyEvent> events, List<KeyCounter> counters) {
        return new KeyJournal() {
            @Override
            public void changed(KeyEvent event, Instant at) {
                events.add(event);
            }

            @Override
            public void counted(KeyCounter counter) {
                counters.add(counter);
            }
        };
    }
}
