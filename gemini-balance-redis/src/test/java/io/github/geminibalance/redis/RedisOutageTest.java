package io.github.geminibalance.redis;

import io.github.geminibalance.testing.RedisServer;

import static io.github.geminibalance.redis.Pools.await;
import static io.github.geminibalance.redis.Pools.keys;
import static io.github.geminibalance.redis.Pools.status;
import static io.github.geminibalance.redis.Pools.store;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.keys.Verdict;
import io.github.geminibalance.spi.KeyEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis going away and coming back, with its own server per test. */
class RedisOutageTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final Duration PROPAGATION = Duration.ofSeconds(2);
    // Lettuce's reconnect delay is capped at 2 s; the store's own retry runs every second
    private static final Duration RECONNECT = Duration.ofSeconds(15);

    private RedisServer redis;
    private MutableClock clock;
    private Pools pools;

    @BeforeEach
    void setUp() {
        redis = RedisServer.onFreePort();
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        pools = new Pools(redis.url(), clock);
    }

    @AfterEach
    void tearDown() {
        pools.close();
        redis.stop();
    }

    @Test
    void servingGoesOnWithoutRedisAndLocalKnowledgeIsSharedWhenItIsBack() {
        redis.start();
        List<String> keys = keys(3);
        KeyPool a = pools.pool(keys);
        KeyPool b = pools.pool(keys);
        assertThat(store(a).healthy()).isTrue();
        assertThat(store(b).healthy()).isTrue();

        redis.stop();
        await("both stores to notice the outage", RECONNECT, () -> !store(a).healthy() && !store(b).healthy());

        // any call that waited for Redis would take at least the command timeout (500 ms)
        long started = System.nanoTime();
        ApiKey cooled = null;
        for (int i = 0; i < 30; i++) {
            KeyPool.Lease lease = a.acquire(MODEL, Set.of()).orElseThrow();
            if (i == 0) {
                cooled = lease.key();
                lease.complete(new Verdict(Verdict.Kind.COOLDOWN, clock.instant().plusSeconds(120), 429, "RESOURCE_EXHAUSTED"));
            } else {
                assertThat(lease.key()).isNotEqualTo(cooled);
                lease.complete(i % 5 == 0 ? Verdict.failure(503, "UNAVAILABLE") : Verdict.SUCCESS);
            }
            store(b).publish(new KeyEvent(b.keys().get(2).id(), KeyEvent.Type.FAILURE, null, null, 1, 503, null));
            store(b).advance(1);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isLessThan(Duration.ofSeconds(2));
        assertThat(status(b, cooled).restingUntil()).as("B cannot know yet").isEmpty();

        redis.start(); // same port, empty: nothing was saved
        await("both stores to reconnect and reconcile", RECONNECT, () -> store(a).healthy() && store(b).healthy());
        ApiKey key = cooled;
        await("B to learn the cooldown A set during the outage", PROPAGATION,
                () -> status(b, key).restingUntil().containsKey(MODEL));
        for (int i = 0; i < 9; i++) {
            KeyPool.Lease lease = b.acquire(MODEL, Set.of()).orElseThrow();
            assertThat(lease.key()).isNotEqualTo(cooled);
            lease.complete(Verdict.SUCCESS);
        }
        // and a pool started now loads it from the rebuilt shared state
        KeyPool c = pools.pool(keys);
        await("C to load it", PROPAGATION, () -> status(c, key).restingUntil().containsKey(MODEL));
    }

    @Test
    void aStoreCreatedWhileRedisIsDownServesLocallyAndJoinsLater() {
        List<String> keys = keys(2);
        KeyPool a = pools.pool(keys);
        assertThat(store(a).healthy()).isFalse();
        KeyPool.Lease lease = a.acquire(MODEL, Set.of()).orElseThrow();
        ApiKey cooled = lease.key();
        lease.complete(new Verdict(Verdict.Kind.COOLDOWN, clock.instant().plusSeconds(120), 429, "RESOURCE_EXHAUSTED"));
        assertThat(a.acquire(MODEL, Set.of()).orElseThrow().key()).isNotEqualTo(cooled);

        redis.start();
        await("the store to connect", RECONNECT, () -> store(a).healthy());
        KeyPool b = pools.pool(keys);
        await("B to load what A learned before Redis was up", PROPAGATION,
                () -> status(b, cooled).restingUntil().containsKey(MODEL));
    }
}
