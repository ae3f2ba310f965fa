package io.github.geminibalance.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.config.KeySelection;
import io.github.geminibalance.spi.KeyEvent;
import io.github.geminibalance.spi.KeyStateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyPoolTest {

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    // 39 characters, the length of a real Google API key
    static final String K1 = "AIzaSyA-k1aaaaaaaaaaaaaaaaaaaaaaaaaa0001";
    static final String K2 = "AIzaSyB-k2bbbbbbbbbbbbbbbbbbbbbbbbbb0002";
    static final String K3 = "AIzaSyC-k3cccccccccccccccccccccccccc0003";
    static final String MODEL = "gemini-2.5-flash";
    static final String OTHER_MODEL = "gemini-2.5-pro";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-15T12:00:00Z"));

    private KeyPool pool(int maxFailures, KeySelection selection, String... keys) {
        return new KeyPool(List.of(keys), maxFailures, selection, clock);
    }

    private KeyPool pool3() {
        return pool(3, KeySelection.ROUND_ROBIN, K1, K2, K3);
    }

    private static String raw(Optional<KeyPool.Lease> lease) {
        assertThat(lease).as("a key is leased").isPresent();
        return lease.get().key().value();
    }

    /** Leases a key for MODEL, completes it with {@code verdict} and returns the raw key. */
    private static String use(KeyPool pool, Verdict verdict) {
        return use(pool, MODEL, verdict);
    }

    private static String use(KeyPool pool, String model, Verdict verdict) {
        Optional<KeyPool.Lease> lease = pool.acquire(model, Set.of());
        String key = raw(lease);
        lease.get().complete(verdict);
        return key;
    }

    /** Fails {@code key} once (the pool must hand it out next). */
    private static void fail(KeyPool pool, String key, Verdict verdict) {
        for (int i = 0; i < pool.size(); i++) {
            Optional<KeyPool.Lease> lease = pool.acquire(MODEL, Set.of());
            if (raw(lease).equals(key)) {
                lease.get().complete(verdict);
                return;
            }
            lease.get().complete(Verdict.NEUTRAL);
        }
        throw new AssertionError("key not handed out");
    }

    private static KeyStatus status(KeyPool pool, String key) {
        String id = new ApiKey(key).id();
        return pool.status().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    private static List<String> rotate(KeyPool pool, int times) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            keys.add(use(pool, Verdict.SUCCESS));
        }
        return keys;
    }

    private Verdict cooldown(Duration d) {
        return new Verdict(Verdict.Kind.COOLDOWN, clock.instant().plus(d), 429, "RESOURCE_EXHAUSTED");
    }

    private static Verdict invalid() {
        return new Verdict(Verdict.Kind.INVALID, null, 400, "API_KEY_INVALID");
    }

    @Test
    void roundRobinOverThreeKeys() {
        KeyPool pool = pool3();

        assertThat(rotate(pool, 7)).containsExactly(K1, K2, K3, K1, K2, K3, K1);
    }

    @Test
    void roundRobinDoesNotWaitForCompletion() {
        KeyPool pool = pool3();

        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            keys.add(raw(pool.acquire(MODEL, Set.of())));
        }

        assertThat(keys).containsExactly(K1, K2, K3, K1);
        assertThat(status(pool, K1).inFlight()).isEqualTo(2);
    }

    @Test
    void failureCountsAndSuccessResets() {
        KeyPool pool = pool(3, KeySelection.ROUND_ROBIN, K1);

        use(pool, Verdict.failure(503, "UNAVAILABLE"));
        use(pool, Verdict.failure(500, "INTERNAL"));
        KeyStatus afterFailures = status(pool, K1);
        assertThat(afterFailures.consecutiveFailures()).isEqualTo(2);
        assertThat(afterFailures.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(afterFailures.lastErrorStatus()).isEqualTo(500);
        assertThat(afterFailures.lastErrorReason()).isEqualTo("INTERNAL");
        assertThat(afterFailures.lastErrorAt()).isEqualTo(clock.instant());

        use(pool, Verdict.SUCCESS);
        assertThat(status(pool, K1).consecutiveFailures()).isZero();
        assertThat(status(pool, K1).state()).isEqualTo(KeyState.ACTIVE);
    }

    @Test
    void neutralVerdictChangesNothing() {
        KeyPool pool = pool(2, KeySelection.ROUND_ROBIN, K1);
        use(pool, Verdict.failure(503, "UNAVAILABLE"));

        use(pool, Verdict.NEUTRAL);

        assertThat(status(pool, K1).consecutiveFailures()).isEqualTo(1);
        assertThat(status(pool, K1).state()).isEqualTo(KeyState.ACTIVE);
    }

    @Test
    void maxFailuresConsecutiveFailuresMakeAKeyFailingAndSkipped() {
        KeyPool pool = pool(2, KeySelection.ROUND_ROBIN, K1, K2, K3);
        fail(pool, K1, Verdict.failure(503, "UNAVAILABLE"));
        assertThat(status(pool, K1).state()).isEqualTo(KeyState.ACTIVE);
        fail(pool, K1, Verdict.failure(503, "UNAVAILABLE"));

        assertThat(status(pool, K1).state()).isEqualTo(KeyState.FAILING);
        clock.advance(KeyPool.PROBE_AFTER.multipliedBy(3)); // others usable: no probe even after the rest
        assertThat(rotate(pool, 6)).doesNotContain(K1).contains(K2, K3);
        assertThat(pool.anyUsable()).isTrue();
    }

    @Test
    void maxFailuresChangedAtRunTimeAppliesToTheNextSelection() {
        KeyPool pool = pool(3, KeySelection.ROUND_ROBIN, K1, K2);
        fail(pool, K1, Verdict.failure(503, "UNAVAILABLE"));
        fail(pool, K1, Verdict.failure(503, "UNAVAILABLE"));
        assertThat(status(pool, K1).state()).isEqualTo(KeyState.ACTIVE);

        pool.reconfigure(2, KeySelection.ROUND_ROBIN); // the key's two strikes now reach the limit

        assertThat(status(pool, K1).state()).isEqualTo(KeyState.FAILING);
        assertThat(rotate(pool, 4)).containsOnly(K2);
        pool.reconfigure(5, KeySelection.ROUND_ROBIN); // and a higher limit takes it back into rotation
        assertThat(status(pool, K1).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(rotate(pool, 4)).contains(K1, K2);
        assertThatThrownBy(() -> pool.reconfigure(0, KeySelection.ROUND_ROBIN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidAndDisabledKeysAreSkippedUntilReset() {
        KeyPool pool = pool3();
        fail(pool, K1, invalid());
        assertThat(pool.disable(new ApiKey(K2).id())).isTrue();

        assertThat(status(pool, K1).state()).isEqualTo(KeyState.INVALID);
        assertThat(status(pool, K2).state()).isEqualTo(KeyState.DISABLED);
        clock.advance(Duration.ofDays(2)); // neither comes back by itself
        assertThat(rotate(pool, 4)).containsOnly(K3);

        assertThat(pool.reset(new ApiKey(K1).id())).isTrue();
        assertThat(pool.reset(new ApiKey(K2).id())).isTrue();
        assertThat(status(pool, K1).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(status(pool, K2).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(rotate(pool, 6)).contains(K1, K2, K3);
    }

    @Test
    void invalidVerdictDoesNotOverrideDisabled() {
        KeyPool pool = pool(3, KeySelection.ROUND_ROBIN, K1);
        KeyPool.Lease lease = pool.acquire(MODEL, Set.of()).orElseThrow();
        pool.disable(lease.key().id());

        lease.complete(invalid());

        assertThat(status(pool, K1).state()).isEqualTo(KeyState.DISABLED);
    }

    @Test
    void resetClearsFailuresAndCooldowns() {
        KeyPool pool = pool(1, KeySelection.ROUND_ROBIN, K1, K2);
        fail(pool, K1, Verdict.failure(500, "INTERNAL"));
        fail(pool, K2, cooldown(Duration.ofMinutes(5)));

        pool.reset(new ApiKey(K1).id());
        pool.reset(new ApiKey(K2).id());

        assertThat(pool.status()).allSatisfy(s -> {
            assertThat(s.state()).isEqualTo(KeyState.ACTIVE);
            assertThat(s.consecutiveFailures()).isZero();
            assertThat(s.restingUntil()).isEmpty();
        });
        assertThat(pool.reset("k-00000000")).isFalse();
        assertThat(pool.disable("k-00000000")).isFalse();
    }

    @Test
    void cooldownForOneModelDoesNotAffectAnotherAndEndsAtTheGivenTime() {
        KeyPool pool = pool3();
        Instant until = clock.instant().plusSeconds(38);
        fail(pool, K1, new Verdict(Verdict.Kind.COOLDOWN, until, 429, "RESOURCE_EXHAUSTED"));

        KeyStatus s = status(pool, K1);
        assertThat(s.state()).isEqualTo(KeyState.COOLING);
        assertThat(s.restingUntil()).containsExactly(Map.entry(MODEL, until));
        assertThat(rotate(pool, 4)).doesNotContain(K1);
        List<String> other = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            other.add(use(pool, OTHER_MODEL, Verdict.SUCCESS));
        }
        assertThat(other).contains(K1);

        clock.set(until.minusMillis(1));
        assertThat(rotate(pool, 4)).doesNotContain(K1);
        clock.set(until);
        assertThat(rotate(pool, 3)).contains(K1);
        assertThat(status(pool, K1).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(status(pool, K1).restingUntil()).isEmpty();
    }

    @Test
    void exhaustedUntilTheGivenTime() {
        KeyPool pool = pool(3, KeySelection.ROUND_ROBIN, K1, K2);
        Instant midnight = Instant.parse("2026-06-16T07:00:00Z"); // midnight in Los Angeles (PDT)
        fail(pool, K1, new Verdict(Verdict.Kind.EXHAUSTED, midnight, 429, "DAILY_QUOTA"));

        assertThat(status(pool, K1).state()).isEqualTo(KeyState.EXHAUSTED);
        assertThat(status(pool, K1).restingUntil()).containsEntry(MODEL, midnight);
        clock.set(midnight.minusSeconds(1));
        assertThat(rotate(pool, 3)).containsOnly(K2);
        assertThat(status(pool, K1).state()).isEqualTo(KeyState.EXHAUSTED);

        clock.set(midnight);
        assertThat(status(pool, K1).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(rotate(pool, 2)).contains(K1);
    }

    @Test
    void shorterCooldownNeverShortensALongerOne() {
        KeyPool pool = pool(3, KeySelection.ROUND_ROBIN, K1, K2);
        KeyPool.Lease first = pool.acquire(MODEL, Set.of()).orElseThrow();
        KeyPool.Lease concurrent = pool.acquire(MODEL, Set.of(new ApiKey(K2))).orElseThrow();
        assertThat(concurrent.key()).isEqualTo(first.key());
        Instant longEnd = clock.instant().plusSeconds(60);

        first.complete(new Verdict(Verdict.Kind.COOLDOWN, longEnd, 429, "RESOURCE_EXHAUSTED"));
        concurrent.complete(cooldown(Duration.ofSeconds(10)));

        assertThat(status(pool, K1).restingUntil()).containsEntry(MODEL, longEnd);
        clock.advance(Duration.ofSeconds(30));
        assertThat(rotate(pool, 3)).containsOnly(K2);
    }

    @Test
    void laterCooldownExtendsTheRest() {
        KeyPool pool = pool(3, KeySelection.ROUND_ROBIN, K1);
        use(pool, cooldown(Duration.ofSeconds(10)));
        clock.advance(Duration.ofSeconds(10));

        Instant later = clock.instant().plusSeconds(40);
        use(pool, new Verdict(Verdict.Kind.COOLDOWN, later, 429, "RESOURCE_EXHAUSTED"));

        assertThat(status(pool, K1).restingUntil()).containsEntry(MODEL, later);
    }

    @Test
    void shortCooldownAfterExhaustionKeepsTheKeyExhausted() {
        // a request that was in flight when the daily quota ran out comes back with a per-minute 429
        KeyPool pool = pool(3, KeySelection.ROUND_ROBIN, K1, K2);
        KeyPool.Lease first = pool.acquire(MODEL, Set.of()).orElseThrow();
        KeyPool.Lease concurrent = pool.acquire(MODEL, Set.of(new ApiKey(K2))).orElseThrow();
        Instant midnight = Instant.parse("2026-06-16T07:00:00Z");

        first.complete(new Verdict(Verdict.Kind.EXHAUSTED, midnight, 429, "DAILY_QUOTA"));
        concurrent.complete(cooldown(Duration.ofSeconds(20)));

        KeyStatus s = status(pool, K1);
        assertThat(s.restingUntil()).containsEntry(MODEL, midnight);
        assertThat(s.state()).isEqualTo(KeyState.EXHAUSTED);
    }

    @Test
    void sharedStateTellsOtherInstancesTheRestInForce() {
        List<KeyEvent> published = new CopyOnWriteArrayList<>();
        KeyStateStore recording = new KeyStateStore() {
            @Override
            public void attach(List<String> keyIds, java.util.function.Consumer<KeyEvent> remote,
                    java.util.function.LongConsumer rotation) {}

            @Override
            public void publish(KeyEvent event) {
                published.add(event);
            }

            @Override
            public void advance(int steps) {}
        };
        KeyPool pool = new KeyPool(List.of(K1), 3, KeySelection.ROUND_ROBIN, clock, recording);
        KeyPool.Lease first = pool.acquire(MODEL, Set.of()).orElseThrow();
        KeyPool.Lease concurrent = pool.acquire(MODEL, Set.of()).orElseThrow();
        Instant midnight = Instant.parse("2026-06-16T07:00:00Z");

        first.complete(new Verdict(Verdict.Kind.EXHAUSTED, midnight, 429, "DAILY_QUOTA"));
        concurrent.complete(cooldown(Duration.ofSeconds(20)));

        assertThat(published).hasSize(2).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo(KeyEvent.Type.EXHAUSTED);
            assertThat(e.until()).isEqualTo(midnight);
            assertThat(e.model()).isEqualTo(MODEL);
        });
    }

    @Test
    void successClearsTheFailureCountOnly() {
        KeyPool pool = pool(3, KeySelection.ROUND_ROBIN, K1);
        use(pool, Verdict.failure(503, "UNAVAILABLE"));

        use(pool, Verdict.SUCCESS);

        KeyStatus s = status(pool, K1);
        assertThat(s.consecutiveFailures()).isZero();
        assertThat(s.lastErrorStatus()).as("the last error stays visible").isEqualTo(503);
    }

    @Test
    void excludeSetIsHonoured() {
        KeyPool pool = pool3();
        Set<ApiKey> tried = Set.of(new ApiKey(K1), new ApiKey(K3));

        for (int i = 0; i < 4; i++) {
            KeyPool.Lease lease = pool.acquire(MODEL, tried).orElseThrow();
            assertThat(lease.key().value()).isEqualTo(K2);
            lease.complete(Verdict.SUCCESS);
        }
        assertThat(pool.acquire(MODEL, Set.of(new ApiKey(K1), new ApiKey(K2), new ApiKey(K3)))).isEmpty();
    }

    @Test
    void allKeysCoolingLeavesNothingToAcquireAndReportsTheSoonestRecovery() {
        KeyPool pool = pool3();
        fail(pool, K1, cooldown(Duration.ofSeconds(30)));
        fail(pool, K2, cooldown(Duration.ofSeconds(10)));
        fail(pool, K3, cooldown(Duration.ofSeconds(50)));

        assertThat(pool.acquire(MODEL, Set.of())).isEmpty();
        assertThat(pool.earliestRecovery(MODEL)).contains(Duration.ofSeconds(10));
        assertThat(pool.earliestRecovery(OTHER_MODEL)).contains(Duration.ZERO);

        clock.advance(Duration.ofSeconds(4));
        assertThat(pool.earliestRecovery(MODEL)).contains(Duration.ofSeconds(6));
        clock.advance(Duration.ofSeconds(6));
        assertThat(raw(pool.acquire(MODEL, Set.of()))).isEqualTo(K2);
    }

    @Test
    void earliestRecoveryIsZeroWhileAKeyIsUsable() {
        KeyPool pool = pool3();
        fail(pool, K1, cooldown(Duration.ofSeconds(30)));

        assertThat(pool.earliestRecovery(MODEL)).contains(Duration.ZERO);
    }

    @Test
    void allInvalidOrDisabledMeansNoRecovery() {
        KeyPool pool = pool3();
        fail(pool, K1, invalid());
        fail(pool, K2, new Verdict(Verdict.Kind.INVALID, null, 403, "CONSUMER_SUSPENDED"));
        pool.disable(new ApiKey(K3).id());

        assertThat(pool.acquire(MODEL, Set.of())).isEmpty();
        assertThat(pool.earliestRecovery(MODEL)).isEmpty();
        assertThat(pool.anyUsable()).isFalse();
    }

    @Test
    void failingKeysAreProbedAfterTheRestWhenNothingElseIsUsable() {
        KeyPool pool = pool(1, KeySelection.ROUND_ROBIN, K1, K2);
        fail(pool, K1, Verdict.failure(503, "UNAVAILABLE"));
        clock.advance(Duration.ofSeconds(5));
        fail(pool, K2, Verdict.failure(503, "UNAVAILABLE"));

        assertThat(pool.acquire(MODEL, Set.of())).as("both failing, not rested yet").isEmpty();
        assertThat(pool.earliestRecovery(MODEL)).contains(KeyPool.PROBE_AFTER.minusSeconds(5));
        assertThat(pool.anyUsable()).isFalse();

        clock.advance(KeyPool.PROBE_AFTER.minusSeconds(5)); // K1 failed PROBE_AFTER ago, K2 55 s ago
        KeyPool.Lease probe = pool.acquire(MODEL, Set.of()).orElseThrow();
        assertThat(probe.key().value()).as("the key that failed longest ago").isEqualTo(K1);
        assertThat(pool.acquire(MODEL, Set.of())).as("one probe at a time; K2 still resting").isEmpty();

        probe.complete(Verdict.SUCCESS);
        assertThat(status(pool, K1).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(status(pool, K2).state()).isEqualTo(KeyState.FAILING);
        assertThat(rotate(pool, 3)).containsOnly(K1);
    }

    @Test
    void failedProbeRestsAgain() {
        KeyPool pool = pool(2, KeySelection.ROUND_ROBIN, K1);
        use(pool, Verdict.failure(503, "UNAVAILABLE"));
        use(pool, Verdict.failure(503, "UNAVAILABLE"));
        clock.advance(KeyPool.PROBE_AFTER);

        use(pool, Verdict.failure(503, "UNAVAILABLE")); // the probe fails

        assertThat(status(pool, K1).consecutiveFailures()).isEqualTo(3);
        assertThat(pool.acquire(MODEL, Set.of())).isEmpty();
        assertThat(pool.earliestRecovery(MODEL)).contains(KeyPool.PROBE_AFTER);
    }

    @Test
    void leastBusyPicksTheKeyWithFewestLeasesInFlight() {
        KeyPool pool = pool(3, KeySelection.LEAST_BUSY, K1, K2, K3);
        List<KeyPool.Lease> held = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            held.add(pool.acquire(MODEL, Set.of()).orElseThrow());
        }
        assertThat(pool.status()).allSatisfy(s -> assertThat(s.inFlight()).isEqualTo(2));

        held.stream().filter(l -> l.key().value().equals(K3)).forEach(l -> l.complete(Verdict.SUCCESS));
        held.stream().filter(l -> l.key().value().equals(K2)).findFirst().orElseThrow().complete(Verdict.SUCCESS);
        // in flight now: K1 2, K2 1, K3 0
        assertThat(raw(pool.acquire(MODEL, Set.of()))).isEqualTo(K3);
        assertThat(raw(pool.acquire(MODEL, Set.of()))).as("K2 1, K3 1: rotation breaks the tie").isIn(K2, K3);
        assertThat(status(pool, K1).inFlight()).isEqualTo(2);
    }

    @Test
    void leastBusyRotatesWhenIdle() {
        KeyPool pool = pool(3, KeySelection.LEAST_BUSY, K1, K2, K3);

        assertThat(rotate(pool, 6)).containsExactly(K1, K2, K3, K1, K2, K3);
    }

    @Test
    void leaseCompleteIsIdempotent() {
        KeyPool pool = pool(3, KeySelection.ROUND_ROBIN, K1);
        KeyPool.Lease lease = pool.acquire(MODEL, Set.of()).orElseThrow();
        assertThat(lease.isDone()).isFalse();
        assertThat(lease.model()).isEqualTo(MODEL);

        lease.complete(Verdict.failure(503, "UNAVAILABLE"));
        lease.complete(Verdict.failure(503, "UNAVAILABLE"));
        lease.complete(Verdict.SUCCESS);

        assertThat(lease.isDone()).isTrue();
        KeyStatus s = status(pool, K1);
        assertThat(s.inFlight()).isZero();
        assertThat(s.consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void statusNeverContainsTheRawKey() {
        KeyPool pool = pool3();
        fail(pool, K1, invalid());
        fail(pool, K2, cooldown(Duration.ofSeconds(30)));
        pool.acquire(MODEL, Set.of());

        List<KeyStatus> status = pool.status();

        assertThat(status).hasSize(3);
        for (KeyStatus s : status) {
            for (String raw : List.of(K1, K2, K3)) {
                assertThat(s.toString()).doesNotContain(raw).doesNotContain(raw.substring(4, 35));
            }
            assertThat(s.id()).matches("k-[0-9a-f]{8}");
        }
        assertThat(status).extracting(KeyStatus::masked).containsExactly("AIza...0001", "AIza...0002", "AIza...0003");
        assertThat(pool.keys().toString()).doesNotContain(K1, K2, K3);
    }

    @Test
    void requestsAreCountedPerDayInLosAngeles() {
        KeyPool pool = pool(3, KeySelection.ROUND_ROBIN, K1);
        clock.set(Instant.parse("2026-06-14T23:58:00Z")); // 16:58 in Los Angeles
        rotate(pool, 2);
        clock.set(Instant.parse("2026-06-15T00:02:00Z")); // UTC midnight passed, LA midnight not
        rotate(pool, 1);
        pool.addTokens(new ApiKey(K1), 120);
        pool.addTokens(new ApiKey(K1), -5); // ignored
        assertThat(status(pool, K1).requestsToday()).isEqualTo(3);
        assertThat(status(pool, K1).tokensToday()).isEqualTo(120);

        clock.set(Instant.parse("2026-06-15T06:59:59Z")); // 23:59:59 PDT
        assertThat(status(pool, K1).requestsToday()).isEqualTo(3);
        clock.set(Instant.parse("2026-06-15T07:00:00Z")); // midnight PDT
        assertThat(status(pool, K1).requestsToday()).isZero();
        assertThat(status(pool, K1).tokensToday()).isZero();
        rotate(pool, 1);
        assertThat(status(pool, K1).requestsToday()).isEqualTo(1);
    }

    @Test
    void stateCountsCoverEveryState() {
        String k4 = "AIzaSyD-k4dddddddddddddddddddddddddd0004";
        String k5 = "AIzaSyE-k5eeeeeeeeeeeeeeeeeeeeeeeeee0005";
        String k6 = "AIzaSyF-k6ffffffffffffffffffffffffff0006";
        KeyPool pool = pool(1, KeySelection.ROUND_ROBIN, K1, K2, K3, k4, k5, k6);
        fail(pool, K2, cooldown(Duration.ofSeconds(30)));
        fail(pool, K3, new Verdict(Verdict.Kind.EXHAUSTED, clock.instant().plusSeconds(3600), 429, "DAILY_QUOTA"));
        fail(pool, k4, Verdict.failure(500, "INTERNAL"));
        fail(pool, k5, invalid());
        pool.disable(new ApiKey(k6).id());

        Map<KeyState, Integer> counts = pool.stateCounts();

        assertThat(counts).containsExactly(
                Map.entry(KeyState.ACTIVE, 1), Map.entry(KeyState.COOLING, 1), Map.entry(KeyState.EXHAUSTED, 1),
                Map.entry(KeyState.FAILING, 1), Map.entry(KeyState.INVALID, 1), Map.entry(KeyState.DISABLED, 1));
        assertThat(pool.keysNeedingCheck()).extracting(ApiKey::value).containsExactlyInAnyOrder(k4, k5);
    }

    @Test
    void duplicatesAreDroppedAndKeysAreFoundById() {
        KeyPool pool = pool(3, KeySelection.ROUND_ROBIN, K1, K2, K1);

        assertThat(pool.size()).isEqualTo(2);
        assertThat(pool.keys()).extracting(ApiKey::value).containsExactly(K1, K2);
        assertThat(pool.find(new ApiKey(K2).id())).map(ApiKey::value).contains(K2);
        assertThat(pool.find("k-deadbeef")).isEmpty();
    }

    @Test
    void constructorRejectsBadArguments() {
        assertThatThrownBy(() -> new KeyPool(List.of(), 3, KeySelection.ROUND_ROBIN, clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KeyPool(List.of(K1), 0, KeySelection.ROUND_ROBIN, clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void verdictNeedsAnEndTimeForRests() {
        assertThatThrownBy(() -> new Verdict(Verdict.Kind.COOLDOWN, null, 429, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Verdict(Verdict.Kind.EXHAUSTED, null, 429, "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void apiKeyMasking() {
        String key39 = "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqx9Q4";
        assertThat(key39).hasSize(39);

        assertThat(ApiKey.mask(key39)).isEqualTo("AIza...x9Q4");
        assertThat(ApiKey.mask("short")).isEqualTo("***");
        assertThat(ApiKey.mask("elevenchars")).isEqualTo("***");
        assertThat(ApiKey.mask("twelve-chars")).isEqualTo("twel...hars");
        assertThat(ApiKey.mask("")).isEqualTo("***");
        assertThat(ApiKey.mask(null)).isEqualTo("null");

        ApiKey apiKey = new ApiKey(key39);
        assertThat(apiKey.masked()).isEqualTo("AIza...x9Q4");
        assertThat(apiKey).hasToString("AIza...x9Q4");
        assertThat(apiKey.value()).isEqualTo(key39);
    }

    @Test
    void apiKeyIdIsStableAndDistinct() {
        ApiKey a = new ApiKey(K1);
        ApiKey sameAgain = new ApiKey(K1);
        ApiKey b = new ApiKey(K2);

        assertThat(a.id()).matches("k-[0-9a-f]{8}").isEqualTo(sameAgain.id()).isNotEqualTo(b.id());
        assertThat(a).isEqualTo(sameAgain).hasSameHashCodeAs(sameAgain).isNotEqualTo(b);
        assertThat(a.id()).doesNotContain(K1.substring(0, 8));
        // a fixed value, so ids in logs and the admin API survive restarts and upgrades
        assertThat(new ApiKey("test-key").id()).isEqualTo("k-62af8704");
    }

    @Test
    void concurrentAcquireAndCompleteKeepCountsConsistent() throws Exception {
        KeyPool pool = pool(1_000_000, KeySelection.LEAST_BUSY, K1, K2, K3);
        int threads = 8;
        int perThread = 10_000;
        AtomicLong acquired = new AtomicLong();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        Optional<KeyPool.Lease> lease = pool.acquire(MODEL, Set.of());
                        if (lease.isEmpty()) {
                            continue;
                        }
                        acquired.incrementAndGet();
                        Verdict v = switch ((i + seed) % 4) {
                            case 0 -> Verdict.failure(503, "UNAVAILABLE");
                            case 1 -> Verdict.NEUTRAL;
                            default -> Verdict.SUCCESS;
                        };
                        lease.get().complete(v);
                        lease.get().complete(Verdict.SUCCESS); // ignored
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(60_000);
        }

        assertThat(errors).isEmpty();
        assertThat(acquired.get()).isEqualTo((long) threads * perThread);
        assertThat(pool.status()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
        assertThat(pool.status().stream().mapToLong(KeyStatus::requestsToday).sum()).isEqualTo(acquired.get());
    }

    @Test
    void aLateSuccessDoesNotLiftACooldownSetAfterItWasSent() {
        KeyPool pool = pool(3, KeySelection.ROUND_ROBIN, K1);
        KeyPool.Lease slow = pool.acquire(MODEL, Set.of()).orElseThrow();
        KeyPool.Lease limited = pool.acquire(MODEL, Set.of()).orElseThrow();
        limited.complete(cooldown(Duration.ofSeconds(30)));
        slow.complete(Verdict.SUCCESS);

        assertThat(status(pool, K1).restingUntil()).containsKey(MODEL);
        assertThat(pool.acquire(MODEL, Set.of())).isEmpty();
        clock.advance(Duration.ofSeconds(31));
        assertThat(pool.acquire(MODEL, Set.of())).isPresent();
    }

    /** A store that shares only the rotation counter, synchronously, between the pools attached to it. */
    static final class SharedRotation implements KeyStateStore {
        final java.util.concurrent.atomic.AtomicLong counter;
        final List<java.util.function.LongConsumer> followers;

        SharedRotation(java.util.concurrent.atomic.AtomicLong counter, List<java.util.function.LongConsumer> followers) {
            this.counter = counter;
            this.followers = followers;
        }

        @Override
        public void attach(List<String> keyIds, java.util.function.Consumer<KeyEvent> remote,
                java.util.function.LongConsumer rotation) {
            followers.add(rotation);
        }

        @Override
        public void publish(KeyEvent event) {}

        @Override
        public void advance(int steps) {
            long position = counter.addAndGet(steps);
            followers.forEach(f -> f.accept(position));
        }
    }

    @Test
    void twoPoolsSharingTheRotationDoNotRepeatTheKeyAfterAResting() {
        java.util.concurrent.atomic.AtomicLong counter = new java.util.concurrent.atomic.AtomicLong();
        List<java.util.function.LongConsumer> followers = new ArrayList<>();
        KeyPool a = new KeyPool(List.of(K1, K2, K3), 3, KeySelection.ROUND_ROBIN, clock,
                new SharedRotation(counter, followers));
        KeyPool b = new KeyPool(List.of(K1, K2, K3), 3, KeySelection.ROUND_ROBIN, clock,
                new SharedRotation(counter, followers));
        // K2 rests in both (as a shared store would tell both)
        for (KeyPool pool : List.of(a, b)) {
            fail(pool, K2, cooldown(Duration.ofMinutes(5)));
        }
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            order.add(use(i % 2 == 0 ? a : b, Verdict.SUCCESS));
        }
        assertThat(order).doesNotContain(K2);
        for (int i = 1; i < order.size(); i++) {
            assertThat(order.get(i)).as("acquire %d repeats the previous key", i).isNotEqualTo(order.get(i - 1));
        }
    }
}
