package io.github.geminibalance.keys;

import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.config.KeySelection;
import io.github.geminibalance.spi.KeyEvent;
import io.github.geminibalance.spi.KeyStateStore;
import io.github.geminibalance.store.KeyCounter;
import io.github.geminibalance.store.StoredKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool of Gemini API keys: who is in it, which key the next attempt leases, and sharing what happens
 * to the keys. The rules of a key's health live in {@link KeyHealth}, the choice among usable keys in
 * {@link KeySelector}, the daily counts in {@link KeyUsage}; the pool holds them together under one lock.
 *
 * <p>Rules: a key is handed out only when it is usable for the model: not invalid or disabled, fewer
 * than {@code maxFailures} consecutive strikes (transient failures charged to the key), and not cooling
 * down or out of daily quota for that model. Selection is round robin or least-busy over the usable
 * keys. When every key is failing the one that failed longest ago is probed again after {@link
 * #PROBE_AFTER}, so the pool recovers by itself. A key disabled until a time comes back by itself then.
 *
 * <p>Keys come and go at run time ({@link #add}, {@link #remove}). The list is copy-on-write: a change is
 * prepared beside the pool and published by swapping one reference, so it never holds up a selection, and
 * a lease of a removed key completes without effect. The pool may be empty. Every state change is shared
 * through the {@link KeyStateStore} and written to the {@link KeyJournal} after the lock is released
 * (neither blocks); nothing under the lock does I/O. Thread-safe; state changes are logged once, with the
 * masked key.
 */
public final class KeyPool {

    /** How long a key with {@code maxFailures} consecutive failures rests before it may be probed. */
    public static final Duration PROBE_AFTER = Duration.ofSeconds(60);

    /** Daily Gemini quotas reset at midnight in this zone. */
    public static final ZoneId QUOTA_ZONE = ZoneId.of("America/Los_Angeles");

    private static final Logger log = LoggerFactory.getLogger(KeyPool.class);

    // replaced, never changed: selection reads it under the pool's lock, add and remove swap it
    private volatile KeyMembers members;
    // serializes add and remove (never taken by selection; taken before the pool's lock, never after)
    private final Object membership = new Object();
    private final KeyHealth health;
    private final Clock clock;
    private final KeyStateStore store;
    private final KeyJournal journal;
    private final KeySelector selector;

    /**
     * Creates a pool.
     *
     * @param keys the raw keys, in rotation order (duplicates are dropped)
     * @param maxFailures consecutive transient failures after which a key is skipped
     * @param selection how to pick among usable keys
     * @param clock the time source for cooldowns
     * @throws IllegalArgumentException if {@code keys} is empty
     */
    public KeyPool(List<String> keys, int maxFailures, KeySelection selection, Clock clock) {
        this(keys, maxFailures, selection, clock, KeyStateStore.local());
    }

    /**
     * Creates a pool that shares its state through a store.
     *
     * @param keys the raw keys, in rotation order (duplicates are dropped)
     * @param maxFailures consecutive transient failures after which a key is skipped
     * @param selection how to pick among usable keys
     * @param clock the time source for cooldowns
     * @param store where state is shared with other instances
     * @throws IllegalArgumentException if {@code keys} is empty
     */
    public KeyPool(List<String> keys, int maxFailures, KeySelection selection, Clock clock, KeyStateStore store) {
        this(snapshotOf(keys, clock), idsOf(keys), maxFailures, selection, clock, store, KeyJournal.NONE);
    }

    /**
     * Creates a pool from stored keys, with their marks and counters, that shares its state through a
     * store and writes what must outlive it to a journal. The pool may start empty.
     *
     * @param keys the keys, in rotation order (duplicates are dropped), with their marks and counters
     * @param poolIds the ids that name the pool in the shared state store (see {@link KeyStateStore#attach})
     * @param maxFailures consecutive transient failures after which a key is skipped
     * @param selection how to pick among usable keys
     * @param clock the time source for cooldowns
     * @param store where state is shared with other instances
     * @param journal where state changes and counters are written to outlive the pool
     */
    public KeyPool(KeySnapshot keys, List<String> poolIds, int maxFailures, KeySelection selection, Clock clock,
            KeyStateStore store, KeyJournal journal) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(poolIds, "poolIds");
        this.health = new KeyHealth(maxFailures);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.selector = new KeySelector(Objects.requireNonNull(selection, "selection"), health);
        this.store = Objects.requireNonNull(store, "store");
        this.journal = Objects.requireNonNull(journal, "journal");
        this.members = KeyMembers.of(keys.entries(clock.instant()));
        store.attach(List.copyOf(poolIds), this::applyRemote, this::applyRotation, this::localEvents);
    }

    /**
     * Takes a new failure limit and selection strategy for the next selections (run-time settings); keys
     * and their failures stay as they are, so a lower limit may skip a failing key at once.
     *
     * @param maxFailures consecutive transient failures after which a key is skipped, at least 1
     * @param selection how to pick among usable keys
     */
    public synchronized void reconfigure(int maxFailures, KeySelection selection) {
        Objects.requireNonNull(selection, "selection");
        health.maxFailures(maxFailures);
        selector.selection(selection);
    }

    private static KeySnapshot snapshotOf(List<String> keys, Clock clock) {
        Objects.requireNonNull(keys, "keys");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a key pool needs at least one key");
        }
        Instant now = clock.instant();
        List<StoredKey> stored = new ArrayList<>(keys.size());
        for (String raw : keys) {
            stored.add(StoredKey.of(raw, now, null));
        }
        return KeySnapshot.of(stored);
    }

    private static List<String> idsOf(List<String> keys) {
        Set<String> ids = new LinkedHashSet<>();
        keys.forEach(raw -> ids.add(new ApiKey(raw).id()));
        return List.copyOf(ids);
    }

    /** The store this pool shares its state through. */
    public KeyStateStore store() {
        return store;
    }

    /** The number of keys. */
    public int size() {
        return members.list().size();
    }

    /**
     * The raw keys, in rotation order, for an adapter that masks them in what Gemini sends back. The same
     * list instance is returned until keys are added or removed, so a caller can keep what it derived from
     * it and compare by identity. Never show them.
     */
    public List<String> values() {
        return members.values();
    }

    /** The keys, in rotation order. */
    public List<ApiKey> keys() {
        List<KeyEntry> list = members.list();
        List<ApiKey> keys = new ArrayList<>(list.size());
        list.forEach(e -> keys.add(e.key));
        return keys;
    }

    /**
     * Takes keys into the pool, at the end of the rotation, with the state their marks say. Keys already
     * in the pool are left as they are. What the snapshot says about the new keys is shared through the
     * store, and the store is asked for what it knows about them.
     *
     * @param keys the keys, with their marks and counters
     * @return the ids of the keys taken in, in order
     */
    public List<String> add(KeySnapshot keys) {
        Objects.requireNonNull(keys, "keys");
        Instant now = clock.instant();
        List<KeyEntry> fresh = keys.entries(now);
        List<KeyEntry> added = new ArrayList<>(fresh.size());
        List<KeyEvent> events = new ArrayList<>();
        int total;
        synchronized (membership) {
            KeyMembers current = members;
            for (KeyEntry e : fresh) {
                if (!current.byId().containsKey(e.key.id())) {
                    added.add(e);
                    e.addEvents(events, now); // not visible to other threads yet
                }
            }
            if (added.isEmpty()) {
                return List.of();
            }
            KeyMembers next = current.plus(added);
            members = next;
            total = next.list().size();
        }
        List<String> ids = new ArrayList<>(added.size());
        added.forEach(e -> ids.add(e.key.id()));
        events.forEach(store::publish);
        store.added(List.copyOf(ids));
        log.info("{} key(s) added to the pool ({} in all)", ids.size(), total);
        return ids;
    }

    /**
     * Takes keys out of the pool. Leases of a removed key still out complete without effect; its counts
     * since the last {@link #flushCounts()} are written.
     *
     * @param ids the ids of the keys to remove (unknown ids are ignored)
     * @return the ids of the keys removed, in rotation order
     */
    public List<String> remove(Collection<String> ids) {
        Set<String> wanted = new HashSet<>(ids);
        List<String> removed = new ArrayList<>();
        List<KeyCounter> counts = new ArrayList<>();
        int total;
        synchronized (membership) {
            KeyMembers current = members;
            List<KeyEntry> gone = new ArrayList<>();
            for (KeyEntry e : current.list()) {
                if (wanted.contains(e.key.id())) {
                    gone.add(e);
                }
            }
            if (gone.isEmpty()) {
                return List.of();
            }
            KeyMembers next = current.minus(wanted);
            synchronized (this) {
                members = next;
                for (KeyEntry e : gone) {
                    e.removed = true;
                    e.usage.drain(e.key.id(), counts);
                    removed.add(e.key.id());
                }
            }
            total = next.list().size();
        }
        counts.forEach(journal::counted);
        log.info("{} key(s) removed from the pool ({} left)", removed.size(), total);
        return removed;
    }

    /**
     * Leases the next usable key for a model, skipping {@code exclude} (keys this request already
     * tried). The lease must be {@linkplain Lease#complete(Verdict) completed} exactly once.
     *
     * @return a lease, or empty when no key can serve the model now
     */
    public Optional<Lease> acquire(String model, Set<ApiKey> exclude) {
        Optional<Lease> lease = select(model, exclude);
        if (lease.isPresent() && lease.get().steps > 0) {
            store.advance(lease.get().steps);
        }
        return lease;
    }

    /**
     * Leases one given key for a model, when it is in the pool and not invalid, disabled or resting for that
     * model (a FAILING key is leased: it is the only one that can serve), for a resource (an uploaded
     * file) that only this key can see. No other key is ever chosen, and the rotation does not
     * move.
     *
     * @param id the key's id
     * @param model the model the call is for
     * @return a lease, or empty when the key is not in the pool or cannot serve the model now
     */
    public Optional<Lease> acquire(String id, String model) {
        Instant now = clock.instant();
        synchronized (this) {
            KeyEntry e = members.byId().get(id);
            // a FAILING key is still tried: no other key can serve this call
            if (e == null || e.baseState(now) != KeyState.ACTIVE || e.restingUntil(model, now) != null) {
                return Optional.empty();
            }
            e.inFlight++;
            e.usage.countRequest(now);
            return Optional.of(new Lease(e, model, 0));
        }
    }

    private Optional<Lease> select(String model, Set<ApiKey> exclude) {
        Instant now = clock.instant();
        synchronized (this) {
            KeySelector.Choice choice = selector.choose(members.list(), model, exclude, now);
            if (choice == null) {
                return Optional.empty();
            }
            KeyEntry chosen = choice.entry();
            if (choice.probe()) {
                log.info("Probing failing key {} ({} consecutive failures)", chosen.key, chosen.failures);
            }
            chosen.inFlight++;
            chosen.usage.countRequest(now);
            return Optional.of(new Lease(chosen, model, choice.steps()));
        }
    }

    /**
     * When the earliest key becomes usable for a model, for a {@code Retry-After} header; empty if no
     * key will recover by itself (all invalid or disabled, or no key at all).
     */
    public synchronized Optional<Duration> earliestRecovery(String model) {
        return health.earliestRecovery(members.list(), model, clock.instant());
    }

    /** Snapshots of every key, in rotation order. */
    public synchronized List<KeyStatus> status() {
        Instant now = clock.instant();
        List<KeyEntry> list = members.list();
        List<KeyStatus> statuses = new ArrayList<>(list.size());
        for (KeyEntry e : list) {
            statuses.add(e.status(now, health.maxFailures()));
        }
        return statuses;
    }

    /** The snapshot of one key, or empty when no key of the pool has this id. */
    public synchronized Optional<KeyStatus> status(String id) {
        KeyEntry e = members.byId().get(id);
        return e == null ? Optional.empty() : Optional.of(e.status(clock.instant(), health.maxFailures()));
    }

    /** The number of keys in each state. */
    public Map<KeyState, Integer> stateCounts() {
        Map<KeyState, Integer> counts = new LinkedHashMap<>();
        for (KeyState s : KeyState.values()) {
            counts.put(s, 0);
        }
        for (KeyStatus s : status()) {
            counts.merge(s.state(), 1, Integer::sum);
        }
        return counts;
    }

    /** Whether at least one key could serve some model right now (for health checks). */
    public synchronized boolean anyUsable() {
        return health.anyUsable(members.list(), clock.instant());
    }

    /** Finds a key by its id. */
    public Optional<ApiKey> find(String id) {
        KeyEntry e = members.byId().get(id);
        return e == null ? Optional.empty() : Optional.of(e.key);
    }

    /**
     * Returns a key to ACTIVE with no failures and no cooldowns (admin reset, or a passed re-check); lifts
     * a disable too.
     */
    public boolean reset(String id) {
        return change(id, (e, now) -> health.reset(e, now));
    }

    /**
     * A re-check showed the key authenticates (it was merely rate-limited, say): lift INVALID and the
     * failure count, keep any cooldowns.
     */
    public void clearInvalid(String id) {
        change(id, (e, now) -> health.clearInvalid(e, now));
    }

    /**
     * A re-check passed: the key served {@code model}. INVALID and its failures are lifted, and its rest for
     * that model ends; its rests for other models stay (a daily quota on one model is not disproved by a call
     * to another), and so does an admin's disable (a check never re-enables a key).
     */
    public void checkPassed(String id, String model) {
        Instant now = clock.instant();
        KeyEvent valid;
        KeyEvent served = null;
        synchronized (this) {
            KeyEntry e = members.byId().get(id);
            if (e == null) {
                return;
            }
            valid = health.clearInvalid(e, now);
            if (e.resting.remove(model) != null) {
                e.exhausted.remove(model);
                served = new KeyEvent(id, KeyEvent.Type.SUCCESS, model, null, 0, 200, null);
            }
        }
        if (valid != null) {
            emit(valid, now);
        }
        if (served != null) {
            emit(served, now);
        }
    }

    /** A re-check failed: record its verdict without counting a request in flight. */
    public void markChecked(String id, Verdict verdict) {
        KeyEntry e = members.byId().get(id);
        if (e != null) {
            record(e, "check", verdict, false);
        }
    }

    /**
     * Charges a failure to a key after its lease was returned: the retry loop holds a transient
     * failure back until another key served the same request, which shows it was this key's. Counts as
     * a lease completed with {@code verdict} would (a {@link Verdict.Kind#FAILURE} is one strike).
     */
    public void charge(ApiKey key, String model, Verdict verdict) {
        KeyEntry e = members.byId().get(key.id());
        if (e != null) {
            record(e, model, verdict, false);
        }
    }

    /** Takes a key out of rotation until it is enabled or reset. */
    public boolean disable(String id) {
        return disable(id, null);
    }

    /**
     * Takes a key out of rotation until {@code until} (it comes back by itself then), or until it is
     * enabled or reset when {@code until} is null.
     *
     * @return false when no key has this id
     */
    public boolean disable(String id, Instant until) {
        return change(id, (e, now) -> health.disable(e, until, now));
    }

    /**
     * Lifts an admin's disable: the key serves again (cooldowns stay; an INVALID the disable replaced is
     * forgotten: the next call tells).
     *
     * @return false when no key has this id
     */
    public boolean enable(String id) {
        return change(id, (e, now) -> health.enable(e, now));
    }

    // Applies an operator's change to one key under the lock, then shares what it says after releasing it.
    private boolean change(String id, BiFunction<KeyEntry, Instant, KeyEvent> action) {
        Instant now = clock.instant();
        KeyEvent event;
        synchronized (this) {
            KeyEntry e = members.byId().get(id);
            if (e == null) {
                return false;
            }
            event = action.apply(e, now);
        }
        if (event != null) {
            emit(event, now);
        }
        return true;
    }

    /**
     * Sets a key's note (null clears it).
     *
     * @return false when no key has this id
     */
    public synchronized boolean note(String id, String note) {
        KeyEntry e = members.byId().get(id);
        if (e == null) {
            return false;
        }
        e.note = note;
        return true;
    }

    /** Keys that a re-validation should test: invalid ones and ones with failures. */
    public synchronized List<ApiKey> keysNeedingCheck() {
        return health.needingCheck(members.list(), clock.instant());
    }

    /** Adds reported tokens to a key's daily count. */
    public synchronized void addTokens(ApiKey key, long tokens) {
        KeyEntry e = members.byId().get(key.id());
        if (e != null && tokens > 0) {
            e.usage.addTokens(tokens, clock.instant());
        }
    }

    /**
     * Writes the requests and tokens counted since the last call to the journal (a few additions per key
     * and day, however many requests). Call it now and then, and before closing.
     */
    public void flushCounts() {
        List<KeyCounter> counts = new ArrayList<>();
        synchronized (this) {
            for (KeyEntry e : members.list()) {
                e.usage.drain(e.key.id(), counts);
            }
        }
        counts.forEach(journal::counted);
    }

    // Completes one call with a key: its verdict changes the key's state, under the lock; the change is
    // shared and journaled after it. A call of a removed key changes nothing.
    private void record(KeyEntry e, String model, Verdict verdict, boolean leased) {
        Instant now = clock.instant();
        KeyEvent event;
        synchronized (this) {
            if (leased) {
                e.inFlight--;
            }
            if (e.removed) {
                return;
            }
            event = health.judge(e, model, verdict, now);
        }
        if (event != null) {
            emit(event, now);
        }
    }

    // Never under the pool's lock: neither the store nor the journal blocks, but both take locks of their own.
    private void emit(KeyEvent event, Instant at) {
        store.publish(event);
        journal.changed(event, at);
    }

    /** Applies a change another instance made (nothing is published back). */
    synchronized void applyRemote(KeyEvent event) {
        KeyEntry e = members.byId().get(event.keyId());
        if (e == null) {
            return;
        }
        health.applyRemote(e, event, clock.instant());
    }

    /** What this pool knows that is still in force, as events, for a store to share again. */
    private synchronized List<KeyEvent> localEvents() {
        Instant now = clock.instant();
        List<KeyEvent> events = new ArrayList<>();
        for (KeyEntry e : members.list()) {
            e.addEvents(events, now);
        }
        return events;
    }

    /** Follows the shared rotation position. */
    synchronized void applyRotation(long position) {
        selector.applyRotation(position, members.list().size());
    }

    /**
     * One use of a key by one request. Complete it exactly once with the verdict of the attempt; later
     * calls are ignored, so error paths can complete defensively. The retry loop wraps each lease in an
     * attempt that decides who completes it and with which verdict.
     */
    public final class Lease {
        private final KeyEntry entry;
        private final String model;
        private final AtomicBoolean done = new AtomicBoolean();
        // how far this selection moved the rotation (skipped keys included), for a shared store
        private final int steps;

        private Lease(KeyEntry entry, String model, int steps) {
            this.entry = entry;
            this.model = model;
            this.steps = steps;
        }

        /** The leased key. */
        public ApiKey key() {
            return entry.key;
        }

        /** The model the key was leased for. */
        public String model() {
            return model;
        }

        /** Returns the key to the pool with what the attempt says about it. */
        public void complete(Verdict verdict) {
            if (done.compareAndSet(false, true)) {
                record(entry, model, verdict, true);
            }
        }

        /** Whether the lease has been completed. */
        public boolean isDone() {
            return done.get();
        }
    }
}
