package io.github.geminibalance.redis;

import io.github.geminibalance.testing.RedisServer;

import static org.assertj.core.api.Assertions.fail;

import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.config.KeySelection;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.keys.KeyJournal;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.keys.KeySnapshot;
import io.github.geminibalance.store.StoredKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** Pools sharing state through Redis, closed together at the end of a test. */
final class Pools implements AutoCloseable {

    static final String NAMESPACE = "gemini-balance-test";

    private final String url;
    private final Clock clock;
    private final List<RedisKeyStateStore> stores = new ArrayList<>();

    Pools(String url, Clock clock) {
        this.url = url;
        this.clock = clock;
    }

    /** A pool over {@code keys} with its own store on the shared Redis. */
    KeyPool pool(List<String> keys) {
        RedisKeyStateStore store = RedisKeyStateStore.connect(url, NAMESPACE, clock);
        stores.add(store);
        return new KeyPool(keys, 3, KeySelection.ROUND_ROBIN, clock, store);
    }

    /**
     * A pool named by {@code poolKeys} (as every instance of a deployment names its pool by its configured
     * keys) that starts with {@code keys} only, as a pool whose keys live in a database and change at run
     * time does.
     */
    KeyPool storedPool(List<String> poolKeys, List<String> keys) {
        RedisKeyStateStore store = RedisKeyStateStore.connect(url, NAMESPACE, clock);
        stores.add(store);
        return new KeyPool(snapshot(keys), poolKeys.stream().map(k -> new ApiKey(k).id()).toList(), 3,
                KeySelection.ROUND_ROBIN, clock, store, KeyJournal.NONE);
    }

    /** Keys as a store would hand them over, without marks or counters. */
    KeySnapshot snapshot(List<String> keys) {
        return KeySnapshot.of(keys.stream().map(k -> StoredKey.of(k, clock.instant(), null)).toList());
    }

    /** Fresh raw keys, so each test has its own pool in Redis. */
    static List<String> keys(int n) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add("AIzaSyTest" + UUID.randomUUID().toString().replace("-", ""));
        }
        return keys;
    }

    static RedisKeyStateStore store(KeyPool pool) {
        return (RedisKeyStateStore) pool.store();
    }

    static KeyStatus status(KeyPool pool, ApiKey key) {
        return pool.status().stream().filter(s -> s.id().equals(key.id())).findFirst().orElseThrow();
    }

    /** Polls until {@code condition} holds, failing after {@code max}. */
    static void await(String what, Duration max, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + max.toMillis() + " ms waiting for " + what);
            }
            RedisServer.sleep(5);
        }
    }

    @Override
    public void close() {
        stores.forEach(RedisKeyStateStore::close);
    }
}
