package io.github.geminibalance.redis;

import io.github.geminibalance.testing.RedisServer;

import static io.github.geminibalance.redis.Pools.await;
import static io.github.geminibalance.redis.Pools.keys;
import static io.github.geminibalance.redis.Pools.status;
import static io.github.geminibalance.redis.Pools.store;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.KeyState;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.keys.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two or more pools, each with its own store, on one real Redis. */
class RedisKeyStateStoreTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String OTHER_MODEL = "gemini-2.5-pro";
    private static final Duration PROPAGATION = Duration.ofSeconds(2);

    private static RedisServer redis;

    private MutableClock clock;
    private Pools pools;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.started();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.stop();
        }
    }

    @BeforeEach
    void setUp() {
        // whole milliseconds: Redis keeps cooldown ends in epoch millis
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        pools = new Pools(redis.url(), clock);
    }

    @AfterEach
    void tearDown() {
        pools.close();
    }

    @Test
    void aCooldownSetByOnePoolIsHonouredByTheOtherAndLoadedByALaterOne() {
        List<String> keys = keys(3);
        KeyPool a = pools.pool(keys);
        KeyPool b = pools.pool(keys);
        assertThat(store(a).healthy()).isTrue();
        assertThat(store(b).healthy()).isTrue();

        KeyPool.Lease lease = a.acquire(MODEL, Set.of()).orElseThrow();
        ApiKey cooled = lease.key();
        Instant until = clock.instant().plusSeconds(60);
        lease.complete(new Verdict(Verdict.Kind.COOLDOWN, until, 429, "RESOURCE_EXHAUSTED"));

        await("B to learn the cooldown", PROPAGATION, () -> status(b, cooled).restingUntil().containsKey(MODEL));
        assertThat(status(b, cooled).restingUntil()).containsEntry(MODEL, until);
        for (int i = 0; i < 30; i++) {
            KeyPool.Lease l = b.acquire(MODEL, Set.of()).orElseThrow();
            assertThat(l.key()).isNotEqualTo(cooled);
            l.complete(Verdict.SUCCESS);
        }
        assertThat(handsOut(b, OTHER_MODEL, cooled)).as("the cooldown is for one model only").isTrue();

        KeyPool c = pools.pool(keys);
        await("C to load the cooldown", PROPAGATION, () -> status(c, cooled).restingUntil().containsKey(MODEL));
        assertThat(status(c, cooled).restingUntil()).containsEntry(MODEL, until);
        for (int i = 0; i < 30; i++) {
            KeyPool.Lease l = c.acquire(MODEL, Set.of()).orElseThrow();
            assertThat(l.key()).isNotEqualTo(cooled);
            l.complete(Verdict.SUCCESS);
        }

        // once over, the entry must not come back to a pool that attaches later
        clock.advance(Duration.ofSeconds(61));
        KeyPool d = pools.pool(keys);
        await("D to synchronise", PROPAGATION, () -> store(d).healthy());
        assertThat(status(d, cooled).restingUntil()).isEmpty();
        assertThat(status(d, cooled).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(handsOut(d, MODEL, cooled)).isTrue();
    }

    @Test
    void rotationIsFairAcrossTwoPools() {
        List<String> keys = keys(3);
        KeyPool a = pools.pool(keys);
        KeyPool b = pools.pool(keys);
        Map<ApiKey, Integer> uses = new HashMap<>();
        ApiKey previous = null;
        int repeats = 0;
        for (int i = 1; i <= 300; i++) {
            KeyPool pool = i % 2 == 1 ? a : b;
            KeyPool.Lease lease = pool.acquire(MODEL, Set.of()).orElseThrow();
            lease.complete(Verdict.SUCCESS);
            uses.merge(lease.key(), 1, Integer::sum);
            if (lease.key().equals(previous)) {
                repeats++;
            }
            previous = lease.key();
            // requests take far longer than a Redis round trip: let the position reach both pools
            long expected = i;
            await("both pools at rotation position " + expected, PROPAGATION,
                    () -> store(a).position() >= expected && store(b).position() >= expected);
        }
        assertThat(uses).hasSize(3);
        assertThat(uses.values()).allSatisfy(n -> assertThat(n).isBetween(97, 103));
        // two unshared pools alternating would repeat every second time (150 of 300)
        assertThat(repeats).as("the same key twice in a row").isLessThanOrEqualTo(3);
    }

    @Test
    void invalidDisabledResetAndValidPropagate() {
        List<String> keys = keys(3);
        KeyPool a = pools.pool(keys);
        KeyPool b = pools.pool(keys);
        List<ApiKey> k = a.keys();

        KeyPool.Lease lease = a.acquire(MODEL, Set.of()).orElseThrow();
        assertThat(lease.key()).isEqualTo(k.get(0));
        lease.complete(new Verdict(Verdict.Kind.INVALID, null, 400, "API_KEY_INVALID"));
        a.disable(k.get(1).id());

        await("B to see INVALID and DISABLED", PROPAGATION,
                () -> status(b, k.get(0)).state() == KeyState.INVALID && status(b, k.get(1)).state() == KeyState.DISABLED);
        for (int i = 0; i < 6; i++) {
            KeyPool.Lease l = b.acquire(MODEL, Set.of()).orElseThrow();
            assertThat(l.key()).isEqualTo(k.get(2));
            l.complete(Verdict.SUCCESS);
        }

        KeyPool c = pools.pool(keys);
        await("C to load INVALID and DISABLED", PROPAGATION,
                () -> status(c, k.get(0)).state() == KeyState.INVALID && status(c, k.get(1)).state() == KeyState.DISABLED);

        a.reset(k.get(0).id());
        a.reset(k.get(1).id());
        await("B and C to see the resets", PROPAGATION, () -> List.of(b, c).stream().allMatch(
                p -> status(p, k.get(0)).state() == KeyState.ACTIVE && status(p, k.get(1)).state() == KeyState.ACTIVE));

        // a passed re-check on one instance lifts INVALID everywhere, and in Redis
        b.markChecked(k.get(2).id(), new Verdict(Verdict.Kind.INVALID, null, 403, "PERMISSION_DENIED"));
        await("A to see INVALID", PROPAGATION, () -> status(a, k.get(2)).state() == KeyState.INVALID);
        b.clearInvalid(k.get(2).id());
        await("A to see the passed re-check", PROPAGATION, () -> status(a, k.get(2)).state() == KeyState.ACTIVE);
        KeyPool d = pools.pool(keys);
        await("D to synchronise", PROPAGATION, () -> store(d).healthy());
        assertThat(d.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(KeyState.ACTIVE));
    }

    @Test
    void failureCountsAddUpAcrossPools() {
        List<String> keys = keys(1);
        KeyPool a = pools.pool(keys);
        KeyPool b = pools.pool(keys);
        ApiKey key = a.keys().get(0);

        a.acquire(MODEL, Set.of()).orElseThrow().complete(Verdict.failure(503, "UNAVAILABLE"));
        await("B to count A's failure", PROPAGATION, () -> status(b, key).consecutiveFailures() == 1);
        b.acquire(MODEL, Set.of()).orElseThrow().complete(Verdict.failure(503, "UNAVAILABLE"));
        await("A to count B's failure", PROPAGATION, () -> status(a, key).consecutiveFailures() == 2);
        a.acquire(MODEL, Set.of()).orElseThrow().complete(Verdict.failure(500, "INTERNAL"));

        // three failures in all reach maxFailures (3) on both, though each pool saw fewer itself
        await("B to see the key failing", PROPAGATION, () -> status(b, key).state() == KeyState.FAILING);
        KeyPool c = pools.pool(keys);
        await("C to load the failure count", PROPAGATION, () -> status(c, key).consecutiveFailures() == 3);
    }

    @Test
    void poolsWithDifferentKeysDoNotShareState() {
        List<String> keysP = keys(2);
        List<String> keysQ = List.of(keysP.get(0), keys(1).get(0));
        KeyPool p1 = pools.pool(keysP);
        KeyPool p2 = pools.pool(keysP);
        KeyPool q = pools.pool(keysQ);
        ApiKey shared = p1.keys().get(0);

        KeyPool.Lease lease = p1.acquire(MODEL, Set.of()).orElseThrow();
        assertThat(lease.key()).isEqualTo(shared);
        lease.complete(new Verdict(Verdict.Kind.COOLDOWN, clock.instant().plusSeconds(60), 429, "RESOURCE_EXHAUSTED"));
        p1.disable(p1.keys().get(1).id());
        await("the other pool over the same keys to learn both", PROPAGATION,
                () -> status(p2, shared).restingUntil().containsKey(MODEL)
                        && status(p2, p1.keys().get(1)).state() == KeyState.DISABLED);
        await("P2 at rotation position 1", PROPAGATION, () -> store(p2).position() == 1);

        assertThat(status(q, shared).restingUntil()).isEmpty();
        assertThat(store(q).position()).isZero();
        KeyPool q2 = pools.pool(keysQ);
        await("Q2 to synchronise", PROPAGATION, () -> store(q2).healthy());
        assertThat(status(q2, shared).restingUntil()).isEmpty();
        assertThat(q2.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(KeyState.ACTIVE));
    }

    /** Whether the pool hands out {@code key} for {@code model} within one round. */
    private static boolean handsOut(KeyPool pool, String model, ApiKey key) {
        for (int i = 0; i < pool.size(); i++) {
            KeyPool.Lease l = pool.acquire(model, Set.of()).orElseThrow();
            l.complete(Verdict.SUCCESS);
            if (l.key().equals(key)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aKeyAddedAtRunTimeGetsItsSharedStateAndSharesItsChanges() {
        List<String> configured = keys(2);
        String added = keys(1).get(0);
        List<String> all = List.of(configured.get(0), configured.get(1), added);
        // A took the third key in first (an operator added it through A); B still runs with the first two
        KeyPool a = pools.storedPool(configured, all);
        KeyPool b = pools.storedPool(configured, configured);
        KeyPool witness = pools.storedPool(configured, all);
        ApiKey third = new ApiKey(added);
        Instant until = clock.instant().plusSeconds(120);
        a.charge(third, MODEL, new Verdict(Verdict.Kind.EXHAUSTED, until, 429, "RESOURCE_EXHAUSTED"));
        await("Redis to hold the exhaustion", PROPAGATION,
                () -> status(witness, third).restingUntil().containsKey(MODEL));
        assertThat(b.find(third.id())).as("B does not have the key yet").isEmpty();

        assertThat(b.add(pools.snapshot(List.of(added)))).containsExactly(third.id());
        await("B to load the added key's shared state", PROPAGATION,
                () -> status(b, third).restingUntil().containsKey(MODEL));
        assertThat(status(b, third).state()).isEqualTo(KeyState.EXHAUSTED);
        assertThat(status(b, third).restingUntil()).containsEntry(MODEL, until);

        // and its changes reach the other pool as any key's do
        b.disable(third.id(), clock.instant().plusSeconds(3600));
        await("A to learn the timed disable", PROPAGATION, () -> status(a, third).state() == KeyState.DISABLED);
        assertThat(status(a, third).disabledUntil()).isEqualTo(clock.instant().plusSeconds(3600));
        b.enable(third.id());
        await("A to learn the enable", PROPAGATION, () -> status(a, third).state() != KeyState.DISABLED);
        assertThat(status(a, third).state()).as("the exhaustion stays").isEqualTo(KeyState.EXHAUSTED);
    }

    @Test
    void aTimedDisableIsLoadedWithItsEndAndIgnoredOnceOver() {
        List<String> keys = keys(2);
        KeyPool a = pools.pool(keys);
        ApiKey first = a.keys().get(0);
        Instant end = clock.instant().plusSeconds(600);
        KeyPool witness = pools.pool(keys);
        a.disable(first.id(), end);
        await("Redis to hold the disable", PROPAGATION, () -> status(witness, first).state() == KeyState.DISABLED);

        KeyPool later = pools.pool(keys);
        await("a later pool to load the disable", PROPAGATION, () -> status(later, first).state() == KeyState.DISABLED);
        assertThat(status(later, first).disabledUntil()).isEqualTo(end);

        clock.advance(Duration.ofSeconds(601));
        assertThat(status(later, first).state()).as("back by itself").isEqualTo(KeyState.ACTIVE);
        KeyPool after = pools.pool(keys);
        await("the last pool to synchronise", PROPAGATION, () -> store(after).healthy());
        assertThat(status(after, first).state()).isEqualTo(KeyState.ACTIVE);
    }
}
