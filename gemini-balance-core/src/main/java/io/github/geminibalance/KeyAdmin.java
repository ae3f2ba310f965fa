package io.github.geminibalance;

import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.keys.KeyChecker;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.keys.KeySnapshot;
import io.github.geminibalance.keys.Verdict;
import io.github.geminibalance.store.KeyAddition;
import io.github.geminibalance.store.KeyMark;
import io.github.geminibalance.store.KeyRepository;
import io.github.geminibalance.store.StoreException;
import io.github.geminibalance.store.StoredKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's keys for an operator ({@link GeminiBalance#keys()}): adds, deletes, restores, disables,
 * enables, resets and notes keys at run time. Each change is written to the store's {@link KeyRepository}
 * first and then applied to the running pool, so it survives a restart and a key deleted here stays
 * deleted even while {@code API_KEYS} still lists it.
 *
 * <p>Changes run one at a time on a thread of their own ({@code gemini-balance-keys}), never on the
 * caller's: every method returns at once with a future, which completes once the change is stored and in
 * force. A store that cannot be written fails the future with a {@link GeminiBalanceException} (503,
 * {@code store_unavailable}) and leaves the pool as it was. Nothing here ever returns or logs a full key:
 * keys are named by id ({@code k-3f9a1c07}) and shown masked.
 */
public final class KeyAdmin {

    /** The most keys one {@link #add} takes. */
    public static final int MAX_KEYS_PER_ADD = 10_000;

    /** The longest note, in characters. */
    public static final int MAX_NOTE_LENGTH = 500;

    private static final Logger log = LoggerFactory.getLogger(KeyAdmin.class);
    private static final Pattern KEY = Pattern.compile("AIza[A-Za-z0-9_-]{35}");
    private static final Pattern KEY_CHARS = Pattern.compile("[A-Za-z0-9_-]+");

    private final KeyPool pool;
    private final KeyRepository repository;
    private final KeyChecker checker;
    private final Clock clock;
    private final ExecutorService executor;
    // keys stored by add() and being checked, not in the pool yet: sync() leaves them out (executor thread only)
    private final Set<String> checking = new HashSet<>();

    KeyAdmin(KeyPool pool, KeyRepository repository, KeyChecker checker, Clock clock) {
        this.pool = pool;
        this.repository = repository;
        this.checker = checker;
        this.clock = clock;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gemini-balance-keys");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * What {@link #add} did.
     *
     * @param added the ids of the keys now in the pool that were not before (new keys, and deleted keys
     *     restored), in the order given
     * @param existing the ids of keys that were in the pool already (left as they were)
     * @param rejected the entries that are not plausible Gemini API keys, or repeat an earlier entry
     * @param checked with {@code check}: the test call's outcome for each added key; else empty
     */
    public record AddResult(List<String> added, List<String> existing, List<Rejected> rejected,
            List<KeyCheckResult> checked) {

        /** Copies the lists. */
        public AddResult {
            added = List.copyOf(added);
            existing = List.copyOf(existing);
            rejected = List.copyOf(rejected);
            checked = List.copyOf(checked);
        }
    }

    /**
     * An entry {@link #add} refused.
     *
     * @param index its position in the list given (from 0)
     * @param reason why, without the entry itself
     */
    public record Rejected(int index, String reason) {}

    /**
     * What a bulk delete did.
     *
     * @param deleted the ids of the keys deleted now, in the order given
     * @param notFound for a delete by ids: the positions (from 0) of the ids that named no key of the pool
     *     (unknown, or deleted before); empty for a delete by state
     */
    public record DeleteResult(List<String> deleted, List<Integer> notFound) {

        /** Copies the lists. */
        public DeleteResult {
            deleted = List.copyOf(deleted);
            notFound = List.copyOf(notFound);
        }
    }

    /**
     * A deleted key as {@link #deleted()} lists it. Contains no secret.
     *
     * @param id the key's id
     * @param masked the masked key
     * @param addedAt when it was first stored
     * @param deletedAt when it was deleted
     * @param note its note, or null
     */
    public record DeletedKey(String id, String masked, Instant addedAt, Instant deletedAt, String note) {

        static DeletedKey of(StoredKey key) {
            return new DeletedKey(key.id(), key.masked(), key.addedAt(), key.deletedAt(), key.note());
        }
    }

    /**
     * Why a pasted entry is not a plausible Gemini API key ({@code AIza} and 35 letters, digits, {@code -}
     * or {@code _}; surrounding whitespace is ignored), or null when it is one. Never quotes the entry.
     *
     * @param entry the entry, or null (an entry that is not a string)
     * @return the reason, or null
     */
    public static String formatProblem(String entry) {
        if (entry == null) {
            return "not a string";
        }
        if (entry.isBlank()) {
            return "empty";
        }
        String key = entry.strip();
        if (KEY.matcher(key).matches()) {
            return null;
        }
        if (key.chars().anyMatch(Character::isWhitespace)) {
            return "contains whitespace (one key per entry)";
        }
        if (!KEY_CHARS.matcher(key).matches()) {
            return "contains a character other than a letter, a digit, '-' or '_'";
        }
        if (!key.startsWith("AIza")) {
            return "does not start with AIza, as Gemini API keys do";
        }
        return "has " + key.length() + " characters; a Gemini API key has 39 (AIza and 35 more)";
    }

    /**
     * Adds keys to the store and the pool. Entries are stripped; one that is not a plausible key (see
     * {@link #formatProblem}) or repeats an earlier entry is rejected by itself, the others are added in
     * one batch. A deleted key given again is restored. With {@code check}, every key added is first
     * tested against Gemini (a one-token call to {@code TEST_MODEL}, a few keys at a time): one that Gemini
     * rejects enters the pool INVALID and never serves; the future completes when all are tested.
     *
     * @param keys the raw keys, at most {@value #MAX_KEYS_PER_ADD}
     * @param check whether to test the added keys before they serve
     * @return what was added, what was there already, what was rejected
     * @throws IllegalArgumentException (at once) for more than {@value #MAX_KEYS_PER_ADD} entries
     */
    public CompletableFuture<AddResult> add(List<String> keys, boolean check) {
        Objects.requireNonNull(keys, "keys");
        if (keys.size() > MAX_KEYS_PER_ADD) {
            throw new IllegalArgumentException("at most " + MAX_KEYS_PER_ADD + " keys can be added at once");
        }
        List<String> entries = new ArrayList<>(keys);
        return run(() -> store(entries, check)).thenCompose(stored -> {
            if (!check || stored.fresh.isEmpty()) {
                return CompletableFuture.completedFuture(stored.withProbes(Map.of()));
            }
            return probe(stored.fresh).thenApply(stored::withProbes);
        }).thenCompose(probed -> run(() -> enter(probed)));
    }

    // Step 1: validate, write the batch. Keys are stored but not in the pool yet.
    private Stored store(List<String> entries, boolean check) {
        List<Rejected> rejected = new ArrayList<>();
        Map<String, Integer> firstIndex = new HashMap<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String problem = formatProblem(entries.get(i));
            if (problem != null) {
                rejected.add(new Rejected(i, problem));
                continue;
            }
            String value = entries.get(i).strip();
            Integer earlier = firstIndex.putIfAbsent(new ApiKey(value).id(), i);
            if (earlier != null) {
                rejected.add(new Rejected(i, "the same key as entry " + earlier));
                continue;
            }
            values.add(value);
        }
        List<KeyAddition> additions = values.isEmpty() ? List.of() : repository.addAll(values);
        List<StoredKey> fresh = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        for (KeyAddition a : additions) {
            if (a.existing() && pool.find(a.key().id()).isPresent()) {
                existing.add(a.key().id());
            } else {
                fresh.add(a.key()); // new, restored, or stored by another instance and not in this pool yet
            }
        }
        if (check) {
            fresh.forEach(k -> checking.add(k.id()));
        }
        return new Stored(fresh, existing, rejected, Map.of());
    }

    // Step 2 (with check): one test call per added key, a few at a time.
    private CompletableFuture<Map<String, KeyChecker.Probe>> probe(List<StoredKey> keys) {
        List<ApiKey> apiKeys = keys.stream().map(k -> new ApiKey(k.value())).toList();
        return checker.probe(apiKeys).thenApply(probes -> {
            Map<String, KeyChecker.Probe> byId = new HashMap<>();
            probes.forEach(p -> byId.put(p.result().id(), p));
            return byId;
        });
    }

    // Step 3: the keys enter the pool, INVALID when the check said so.
    private AddResult enter(Stored stored) {
        Instant now = clock.instant();
        stored.fresh.forEach(k -> checking.remove(k.id()));
        List<KeyMark> invalid = new ArrayList<>();
        List<KeyCheckResult> checked = new ArrayList<>();
        for (StoredKey key : stored.fresh) {
            KeyChecker.Probe p = stored.probes.get(key.id());
            if (p == null) {
                continue;
            }
            KeyChecker.Result r = p.result();
            checked.add(new KeyCheckResult(r.id(), r.masked(), r.valid(), r.status(), r.reason()));
            if (p.verdict() != null && p.verdict().kind() == Verdict.Kind.INVALID) {
                KeyMark mark = KeyMark.invalid(key.id(), p.verdict().reason(), now);
                repository.mark(mark);
                invalid.add(mark);
            }
        }
        KeySnapshot read = KeySnapshot.read(repository, stored.fresh, now);
        List<KeyMark> marks = new ArrayList<>(read.marks());
        marks.addAll(invalid);
        List<String> added = pool.add(new KeySnapshot(read.keys(), marks, read.counters()));
        for (StoredKey key : stored.fresh) {
            KeyChecker.Probe p = stored.probes.get(key.id());
            if (p != null && p.verdict() != null && p.verdict().kind() == Verdict.Kind.FAILURE) {
                pool.markChecked(key.id(), p.verdict()); // one strike, as a scheduled check gives
            }
        }
        List<String> existing = new ArrayList<>(stored.existing);
        Set<String> addedIds = new HashSet<>(added);
        for (StoredKey key : stored.fresh) {
            if (!addedIds.contains(key.id())) {
                existing.add(key.id()); // entered the pool meanwhile
            }
        }
        if (!stored.rejected.isEmpty()) {
            log.info("Adding keys: {} entries rejected", stored.rejected.size());
        }
        return new AddResult(added, existing, stored.rejected, checked);
    }

    /** What step 1 stored, and (with check) what the test calls said. */
    private record Stored(List<StoredKey> fresh, List<String> existing, List<Rejected> rejected,
            Map<String, KeyChecker.Probe> probes) {

        Stored withProbes(Map<String, KeyChecker.Probe> results) {
            return new Stored(fresh, existing, rejected, results);
        }
    }

    /**
     * Deletes a key: it leaves the pool now (requests using it finish) and stays deleted across restarts,
     * even while {@code API_KEYS} lists it. Deleting a deleted key changes nothing.
     *
     * @param id the key's id
     * @return the deleted key, or empty when no key has this id
     */
    public CompletableFuture<Optional<DeletedKey>> delete(String id) {
        return run(() -> {
            Optional<StoredKey> key = repository.find(id);
            if (key.isEmpty()) {
                return Optional.empty();
            }
            if (!key.get().deleted()) {
                repository.delete(id);
                key = repository.find(id);
            }
            pool.remove(List.of(id));
            return key.map(DeletedKey::of);
        });
    }

    /**
     * Deletes many keys in one go.
     *
     * @param ids the keys' ids
     * @return the ids deleted, and the positions of the ids that named no key of the pool
     */
    public CompletableFuture<DeleteResult> delete(List<String> ids) {
        List<String> wanted = List.copyOf(ids);
        return run(() -> {
            List<String> deleted = repository.deleteAll(wanted);
            pool.remove(deleted);
            Set<String> done = new HashSet<>(deleted);
            List<Integer> notFound = new ArrayList<>();
            for (int i = 0; i < wanted.size(); i++) {
                if (!done.contains(wanted.get(i))) {
                    notFound.add(i);
                }
            }
            return new DeleteResult(deleted, notFound);
        });
    }

    /**
     * Deletes every key of the pool that is in {@code state} now (every INVALID key, say).
     *
     * @param state the state
     * @return the ids deleted
     */
    public CompletableFuture<DeleteResult> deleteInState(KeyState state) {
        Objects.requireNonNull(state, "state");
        return run(() -> {
            List<String> ids = new ArrayList<>();
            for (KeyStatus s : pool.status()) {
                if (s.state() == state) {
                    ids.add(s.id());
                }
            }
            List<String> deleted = ids.isEmpty() ? List.of() : repository.deleteAll(ids);
            pool.remove(deleted);
            return new DeleteResult(deleted, List.of());
        });
    }

    /**
     * The deleted keys, most recently deleted first.
     *
     * @return the keys, masked
     */
    public CompletableFuture<List<DeletedKey>> deleted() {
        return run(() -> repository.deleted().stream().map(DeletedKey::of).toList());
    }

    /**
     * Undoes a delete: the key is back in the pool, at the end of the rotation, with its marks (an INVALID
     * key is still INVALID) and today's counters. Restoring a key that is not deleted changes nothing.
     *
     * @param id the key's id
     * @return the key's state, or empty when no key has this id
     */
    public CompletableFuture<Optional<KeyStatus>> restore(String id) {
        return run(() -> {
            Optional<StoredKey> key = repository.find(id);
            if (key.isEmpty()) {
                return Optional.empty();
            }
            if (key.get().deleted()) {
                repository.restore(id);
                key = repository.find(id);
            }
            if (pool.find(id).isEmpty()) {
                pool.add(KeySnapshot.read(repository, List.of(key.get()), clock.instant()));
            }
            return pool.status(id);
        });
    }

    /**
     * Takes a key out of rotation (and out of re-checks) until {@code until}, when it comes back by
     * itself, or until it is enabled or reset when {@code until} is null. Survives restarts.
     *
     * @param id the key's id
     * @param until the end, or null for none; must be in the future
     * @return the key's state, or empty when no key of the pool has this id
     */
    public CompletableFuture<Optional<KeyStatus>> disable(String id, Instant until) {
        if (until != null && !until.isAfter(clock.instant())) {
            return CompletableFuture.failedFuture(new InvalidRequestException("until",
                    "The end of a disable must be in the future."));
        }
        return inPool(id, () -> {
            repository.disable(id, until);
            pool.disable(id, until);
        });
    }

    /**
     * Lifts a disable: the key serves again at once (its cooldowns stay).
     *
     * @param id the key's id
     * @return the key's state, or empty when no key of the pool has this id
     */
    public CompletableFuture<Optional<KeyStatus>> enable(String id) {
        return inPool(id, () -> {
            repository.enable(id);
            pool.enable(id);
        });
    }

    /**
     * Puts a key back into rotation from any state: no failures, no cooldowns, no marks, not disabled.
     *
     * @param id the key's id
     * @return the key's state, or empty when no key of the pool has this id
     */
    public CompletableFuture<Optional<KeyStatus>> reset(String id) {
        return inPool(id, () -> {
            repository.enable(id);
            pool.reset(id); // clears the marks through the pool's journal
        });
    }

    /**
     * Re-validates one key now with the test call, as the scheduled check does (a disabled key is checked
     * too, and stays disabled: a check never re-enables a key).
     *
     * @param id the key's id
     * @return the check's result, or empty when no key of the pool has this id
     */
    public CompletableFuture<Optional<KeyCheckResult>> check(String id) {
        Optional<ApiKey> key = pool.find(id);
        if (key.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return checker.check(List.of(key.get())).thenApply(results -> results.stream().findFirst()
                .map(r -> new KeyCheckResult(r.id(), r.masked(), r.valid(), r.status(), r.reason())));
    }

    /**
     * Sets a key's note, shown by the admin API. A note may not hold an API key.
     *
     * @param id the key's id
     * @param note the note, at most {@value #MAX_NOTE_LENGTH} characters; null or blank clears it
     * @return the key's state, or empty when no key of the pool has this id
     */
    public CompletableFuture<Optional<KeyStatus>> note(String id, String note) {
        String text = note == null || note.isBlank() ? null : note.strip();
        if (text != null && text.length() > MAX_NOTE_LENGTH) {
            return CompletableFuture.failedFuture(new InvalidRequestException("note",
                    "A note has at most " + MAX_NOTE_LENGTH + " characters."));
        }
        if (text != null && KEY.matcher(text).find()) {
            return CompletableFuture.failedFuture(new InvalidRequestException("note",
                    "A note must not contain an API key."));
        }
        return inPool(id, () -> {
            repository.note(id, text);
            pool.note(id, text);
        });
    }

    /**
     * Brings the pool in line with the store: keys another instance sharing the database added, deleted,
     * disabled, enabled or noted since are added, removed or changed here. {@link GeminiBalance} runs it
     * every minute; a change made through this instance is in force at once and needs no sync.
     *
     * @return how many keys changed
     */
    public CompletableFuture<Integer> sync() {
        return run(() -> {
            Instant now = clock.instant();
            Map<String, StoredKey> stored = new java.util.LinkedHashMap<>();
            repository.list().forEach(k -> stored.put(k.id(), k));
            Map<String, KeyStatus> pooled = new HashMap<>();
            pool.status().forEach(s -> pooled.put(s.id(), s));
            List<String> gone = new ArrayList<>();
            for (String id : pooled.keySet()) {
                if (!stored.containsKey(id)) {
                    gone.add(id);
                }
            }
            int changed = pool.remove(gone).size();
            List<StoredKey> missing = new ArrayList<>();
            for (StoredKey key : stored.values()) {
                KeyStatus status = pooled.get(key.id());
                if (status == null) {
                    if (!checking.contains(key.id())) {
                        missing.add(key);
                    }
                    continue;
                }
                boolean disabled = key.disabledAt(now);
                if (disabled && (status.state() != KeyState.DISABLED
                        || !Objects.equals(status.disabledUntil(), key.disabledUntil()))) {
                    pool.disable(key.id(), key.disabledUntil());
                    changed++;
                } else if (!disabled && status.state() == KeyState.DISABLED) {
                    pool.enable(key.id());
                    changed++;
                }
                if (!Objects.equals(status.note(), key.note())) {
                    pool.note(key.id(), key.note());
                    changed++;
                }
            }
            if (!missing.isEmpty()) {
                changed += pool.add(KeySnapshot.read(repository, missing, now)).size();
            }
            return changed;
        });
    }

    // A change to a key of the pool: stored first, then applied.
    private CompletableFuture<Optional<KeyStatus>> inPool(String id, Runnable change) {
        return run(() -> {
            if (pool.find(id).isEmpty()) {
                return Optional.empty();
            }
            change.run();
            return pool.status(id);
        });
    }

    private <T> CompletableFuture<T> run(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return work.get();
                } catch (StoreException e) {
                    log.warn("Key change not made, the store failed: {}", e.getMessage());
                    throw new CompletionException(new GeminiBalanceException(503, "server_error", "store_unavailable",
                            null, null, "the key store could not be read or written; nothing was changed", null));
                }
            }, executor);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new GeminiBalanceException(503, "server_error", "shutting_down",
                    null, null, "the server is shutting down", null));
        }
    }

    /** Lets the changes under way finish (up to 5 seconds) and stops the thread. */
    void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
