package io.github.geminibalance.keys;

import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.config.KeySelection;
import io.github.geminibalance.spi.KeyEvent;
import io.github.geminibalance.spi.KeyStateStore;
import io.github.geminibalance.util.LogText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool of Gemini API keys and the health of each, per model.
 *
 * <p>Rules: a key is handed out only when it is usable for the model: not invalid or disabled, fewer
 * than {@code maxFailures} consecutive strikes (transient failures charged to the key), and not cooling
 * down or out of daily quota for that model. Selection is round robin or least-busy over the usable
 * keys. When every key is failing the one that failed longest ago is probed again after {@link
 * #PROBE_AFTER}, so the pool recovers by itself. Thread-safe; state changes are logged once,
 * with the masked key.
 */
public final class KeyPool {

    /** How long a key with {@code maxFailures} consecutive failures rests before it may be probed. */
    public static final Duration PROBE_AFTER = Duration.ofSeconds(60);

    /** Daily Gemini quotas reset at midnight in this zone. */
    public static final ZoneId QUOTA_ZONE = ZoneId.of("America/Los_Angeles");

    private static final Logger log = LoggerFactory.getLogger(KeyPool.class);

    private final List<KeyEntry> entries;
    private final Map<String, KeyEntry> byId;
    private final int maxFailures;
    private final Clock clock;
    private final KeyStateStore store;
    private final KeySelector selector;

    /**
     * Creates a pool.
     *
     * @param keys the raw keys, in rotation order (duplicates are dropped)
     * @param maxFailures consecutive transient failures after which a key is skipped
     * @param selection how to pick among usable keys
     * @param clock the time source for cooldowns
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
     */
    public KeyPool(List<String> keys, int maxFailures, KeySelection selection, Clock clock, KeyStateStore store) {
        Objects.requireNonNull(keys, "keys");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a key pool needs at least one key");
        }
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1");
        }
        Map<String, KeyEntry> ids = new LinkedHashMap<>();
        for (String raw : keys) {
            ApiKey key = new ApiKey(raw);
            ids.putIfAbsent(key.id(), new KeyEntry(key));
        }
        this.entries = List.copyOf(ids.values());
        this.byId = Collections.unmodifiableMap(ids);
        this.maxFailures = maxFailures;
        this.selector = new KeySelector(entries, Objects.requireNonNull(selection, "selection"), maxFailures);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.store = Objects.requireNonNull(store, "store");
        store.attach(List.copyOf(byId.keySet()), this::applyRemote, this::applyRotation, this::localEvents);
    }

    /** The store this pool shares its state through. */
    public KeyStateStore store() {
        return store;
    }

    /** The number of keys. */
    public int size() {
        return entries.size();
    }

    /** The keys, in rotation order. */
    public List<ApiKey> keys() {
        List<ApiKey> keys = new ArrayList<>(entries.size());
        entries.forEach(e -> keys.add(e.key));
        return keys;
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

    private Optional<Lease> select(String model, Set<ApiKey> exclude) {
        Instant now = clock.instant();
        synchronized (this) {
            KeySelector.Choice choice = selector.choose(model, exclude, now);
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
     * key will recover by itself (all invalid or disabled).
     */
    public synchronized Optional<Duration> earliestRecovery(String model) {
        Instant now = clock.instant();
        Instant earliest = null;
        for (KeyEntry e : entries) {
            if (e.state != KeyState.ACTIVE) {
                continue;
            }
            Instant at;
            Instant resting = e.restingUntil(model, now);
            if (resting != null) {
                at = resting;
            } else if (e.failures >= maxFailures) {
                Instant since = e.restingSince();
                at = since == null ? now : since.plus(PROBE_AFTER);
            } else {
                at = now;
            }
            if (earliest == null || at.isBefore(earliest)) {
                earliest = at;
            }
        }
        if (earliest == null) {
            return Optional.empty();
        }
        Duration d = Duration.between(now, earliest);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
    }

    /** Snapshots of every key, in rotation order. */
    public synchronized List<KeyStatus> status() {
        Instant now = clock.instant();
        List<KeyStatus> list = new ArrayList<>(entries.size());
        for (KeyEntry e : entries) {
            list.add(e.status(now, maxFailures));
        }
        return list;
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
        for (KeyEntry e : entries) {
            if (e.state == KeyState.ACTIVE && e.failures < maxFailures) {
                return true;
            }
        }
        return false;
    }

    /** Finds a key by its id. */
    public Optional<ApiKey> find(String id) {
        KeyEntry e = byId.get(id);
        return e == null ? Optional.empty() : Optional.of(e.key);
    }

    /** Returns a key to ACTIVE with no failures and no cooldowns (admin reset, or a passed re-check). */
    public synchronized boolean reset(String id) {
        KeyEntry e = byId.get(id);
        if (e == null) {
            return false;
        }
        KeyState before = e.state(clock.instant(), maxFailures);
        e.state = KeyState.ACTIVE;
        e.failures = 0;
        e.resting.clear();
        if (before != KeyState.ACTIVE) {
            log.info("Key {} reset: {} -> ACTIVE", e.key, before);
        }
        store.publish(new KeyEvent(id, KeyEvent.Type.RESET, null, null, 0, 0, null));
        return true;
    }

    /**
     * A re-check showed the key authenticates (it was merely rate-limited, say): lift INVALID and the
     * failure count, keep any cooldowns.
     */
    public synchronized void clearInvalid(String id) {
        KeyEntry e = byId.get(id);
        if (e == null) {
            return;
        }
        KeyState before = e.state(clock.instant(), maxFailures);
        boolean changed = e.state == KeyState.INVALID || e.failures > 0;
        if (e.state == KeyState.INVALID) {
            e.state = KeyState.ACTIVE;
        }
        e.failures = 0;
        KeyState after = e.state(clock.instant(), maxFailures);
        if (before != after) {
            log.info("Key {} re-checked: {} -> {}", e.key, before, after);
        }
        if (changed) {
            store.publish(new KeyEvent(id, KeyEvent.Type.VALID, null, null, 0, 0, null));
        }
    }

    /** A re-check failed: record its verdict without counting a request in flight. */
    public synchronized void markChecked(String id, Verdict verdict) {
        KeyEntry e = byId.get(id);
        if (e == null) {
            return;
        }
        e.inFlight++;
        record(e, "check", verdict);
    }

    /**
     * Charges a failure to a key after its lease was returned: the retry loop holds a transient
     * failure back until another key served the same request, which shows it was this key's. Counts as
     * a lease completed with {@code verdict} would (a {@link Verdict.Kind#FAILURE} is one strike).
     */
    public synchronized void charge(ApiKey key, String model, Verdict verdict) {
        KeyEntry e = byId.get(key.id());
        if (e == null) {
            return;
        }
        e.inFlight++; // record() counts a call as ended
        record(e, model, verdict);
    }

    /** Takes a key out of the pool until it is reset. */
    public synchronized boolean disable(String id) {
        KeyEntry e = byId.get(id);
        if (e == null) {
            return false;
        }
        if (e.state != KeyState.DISABLED) {
            log.info("Key {} disabled by admin", e.key);
        }
        e.state = KeyState.DISABLED;
        store.publish(new KeyEvent(id, KeyEvent.Type.DISABLED, null, null, 0, 0, "ADMIN"));
        return true;
    }

    /** Keys that a re-validation should test: invalid ones and ones with failures. */
    public synchronized List<ApiKey> keysNeedingCheck() {
        List<ApiKey> keys = new ArrayList<>();
        for (KeyEntry e : entries) {
            if (e.state == KeyState.INVALID || (e.state == KeyState.ACTIVE && e.failures > 0)) {
                keys.add(e.key);
            }
        }
        return keys;
    }

    /** Adds reported tokens to a key's daily count. */
    public synchronized void addTokens(ApiKey key, long tokens) {
        KeyEntry e = byId.get(key.id());
        if (e != null && tokens > 0) {
            e.usage.addTokens(tokens, clock.instant());
        }
    }

    private synchronized void record(KeyEntry e, String model, Verdict verdict) {
        Instant now = clock.instant();
        e.inFlight--;
        KeyState before = e.state(now, maxFailures);
        KeyEvent event = null;
        switch (verdict.kind()) {
            case SUCCESS -> {
                // only a success that changes something is worth telling other instances about
                // a cooldown stays: this call may have been sent before the 429 that set it
                if (e.failures > 0) {
                    event = new KeyEvent(e.key.id(), KeyEvent.Type.SUCCESS, null, null, 0, 200, null);
                }
                e.failures = 0;
            }
            case NEUTRAL -> { }
            case COOLDOWN, EXHAUSTED -> {
                Instant current = e.resting.get(model);
                // never shorten a rest that is already longer
                // (and its kind with it: a per-minute 429 does not turn a daily exhaustion into a cooldown)
                if (current == null || verdict.until().isAfter(current)) {
                    e.resting.put(model, verdict.until());
                    if (verdict.kind() == Verdict.Kind.EXHAUSTED) {
                        e.exhausted.add(model);
                    } else {
                        e.exhausted.remove(model);
                    }
                }
                e.noteError(verdict, now);
                // share the rest now in force (a shorter cooldown leaves an exhaustion as it was)
                event = new KeyEvent(e.key.id(), e.exhausted.contains(model)
                        ? KeyEvent.Type.EXHAUSTED : KeyEvent.Type.COOLDOWN, model, e.resting.get(model), e.failures,
                        verdict.status(), verdict.reason());
            }
            case INVALID -> {
                if (e.state == KeyState.ACTIVE) {
                    e.state = KeyState.INVALID;
                }
                e.noteError(verdict, now);
                event = new KeyEvent(e.key.id(), KeyEvent.Type.INVALID, null, null, e.failures, verdict.status(),
                        verdict.reason());
            }
            case FAILURE -> {
                e.failures++;
                e.noteError(verdict, now);
                event = new KeyEvent(e.key.id(), KeyEvent.Type.FAILURE, null, null, e.failures, verdict.status(),
                        verdict.reason());
            }
        }
        if (event != null) {
            store.publish(event);
        }
        KeyState after = e.state(now, maxFailures);
        if (after != before) {
            if (after == KeyState.COOLING || after == KeyState.EXHAUSTED) {
                log.warn("Key {} {} -> {} for model {} until {} ({} {})", e.key, before, after, LogText.quote(model),
                        verdict.until(), verdict.status(), verdict.reason());
            } else if (after == KeyState.ACTIVE) {
                log.info("Key {} {} -> ACTIVE", e.key, before);
            } else {
                log.warn("Key {} {} -> {} ({} {})", e.key, before, after, verdict.status(), verdict.reason());
            }
        }
    }

    /** Applies a change another instance made (nothing is published back). */
    synchronized void applyRemote(KeyEvent event) {
        KeyEntry e = byId.get(event.keyId());
        if (e == null) {
            return;
        }
        Instant now = clock.instant();
        KeyState before = e.state(now, maxFailures);
        e.apply(event, now);
        KeyState after = e.state(now, maxFailures);
        if (before != after) {
            log.info("Key {} {} -> {} (shared state)", e.key, before, after);
        }
    }

    /** What this pool knows that is still in force, as events, for a store to share again. */
    private synchronized List<KeyEvent> localEvents() {
        Instant now = clock.instant();
        List<KeyEvent> events = new ArrayList<>();
        for (KeyEntry e : entries) {
            e.addEvents(events, now);
        }
        return events;
    }

    /** Follows the shared rotation position. */
    synchronized void applyRotation(long position) {
        selector.applyRotation(position);
    }

    /**
     * One use of a key by one request. Complete it exactly once with the verdict of the attempt; later
     * calls are ignored, so error paths can complete defensively.
     *
     * <p>Who completes it: the attempt's owner. That is the retry loop, unless the attempt
     * {@linkplain #handOver() hands the lease over} to its result (a stream, which gives the key back when
     * it ends); then the result owns it, and the loop only steps in when nobody takes the result.
     */
    public final class Lease {
        private final KeyEntry entry;
        private final String model;
        private final AtomicBoolean done = new AtomicBoolean();
        private final AtomicBoolean handedOver = new AtomicBoolean();
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
                record(entry, model, verdict);
            }
        }

        /** Whether the lease has been completed. */
        public boolean isDone() {
            return done.get();
        }

        /**
         * Gives the lease to the attempt's result, which completes it when it ends (a stream, when its
         * last byte is read, it fails or it is cancelled). Call it before the attempt's future completes.
         *
         * @return this lease
         */
        public Lease handOver() {
            handedOver.set(true);
            return this;
        }

        /** Whether the attempt's result owns the lease ({@link #handOver()}). */
        public boolean handedOver() {
            return handedOver.get();
        }
    }
}
