package io.github.geminibalance.upstream;

import io.github.geminibalance.spi.HttpTransport.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.zip.CRC32;

/**
 * Picks the proxy each upstream attempt leaves through ({@code PROXIES}) and keeps the proxies' health.
 * With {@code byKey} a key always starts at the same proxy (a CRC-32 of its id: stable across restarts and
 * instances); otherwise the starting proxy rotates. A proxy that failed rests for the {@linkplain #COOLDOWN
 * cooldown}: the proxies after it are tried first, and it is tried again once it has rested (or when
 * every proxy rests, last).
 */
public final class ProxyRouter {

    /** How long a proxy that failed is passed over. */
    public static final Duration COOLDOWN = Duration.ofSeconds(60);

    private static final ProxyRouter NONE = new ProxyRouter(List.of(), true, Clock.systemUTC());

    private final List<Proxy> proxies;
    private final boolean byKey;
    private final Clock clock;
    private final AtomicInteger turn = new AtomicInteger();
    private final AtomicLongArray restingUntil; // epoch millis, 0 = healthy
    private final AtomicLongArray failures;

    /**
     * Creates a router.
     *
     * @param proxies the proxies, in configured order
     * @param byKey whether a key always starts at the same proxy
     * @param clock the time source of the cooldowns
     */
    public ProxyRouter(List<Proxy> proxies, boolean byKey, Clock clock) {
        this.proxies = List.copyOf(proxies);
        this.byKey = byKey;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.restingUntil = new AtomicLongArray(this.proxies.size());
        this.failures = new AtomicLongArray(this.proxies.size());
    }

    /** A router without proxies: every call connects directly. */
    public static ProxyRouter none() {
        return NONE;
    }

    /** Whether there are no proxies. */
    public boolean isEmpty() {
        return proxies.isEmpty();
    }

    /**
     * The proxies one attempt tries, in order: from the key's own proxy (or the next in turn) round the
     * list, the rested ones first, then the resting ones, soonest rested first.
     *
     * @param keyId the id of the key the attempt uses
     * @return the proxies to try; empty when there are none
     */
    public List<Proxy> order(String keyId) {
        int n = proxies.size();
        if (n == 0) {
            return List.of();
        }
        int start = byKey ? (int) (hash(keyId) % n) : Math.floorMod(turn.getAndIncrement(), n);
        long now = clock.millis();
        List<Integer> healthy = new ArrayList<>(n);
        List<Integer> resting = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = (start + i) % n;
            (restingUntil.get(index) > now ? resting : healthy).add(index);
        }
        resting.sort((a, b) -> Long.compare(restingUntil.get(a), restingUntil.get(b)));
        List<Proxy> order = new ArrayList<>(n);
        healthy.forEach(i -> order.add(proxies.get(i)));
        resting.forEach(i -> order.add(proxies.get(i)));
        return order;
    }

    /** The stable start index's hash: CRC-32 of the key id, the same in every process. */
    static long hash(String keyId) {
        CRC32 crc = new CRC32();
        crc.update(keyId.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /** A call through {@code proxy} could not get through it: it rests for the cooldown. */
    public void failed(Proxy proxy) {
        int i = proxies.indexOf(proxy);
        if (i >= 0) {
            restingUntil.set(i, clock.millis() + COOLDOWN.toMillis());
            failures.incrementAndGet(i);
        }
    }

    /** A call got through {@code proxy}: it no longer rests. */
    public void succeeded(Proxy proxy) {
        int i = proxies.indexOf(proxy);
        if (i >= 0 && restingUntil.get(i) != 0) {
            restingUntil.set(i, 0);
        }
    }

    /**
     * Each proxy's state, in configured order.
     *
     * @return the states
     */
    public List<State> states() {
        long now = clock.millis();
        List<State> states = new ArrayList<>(proxies.size());
        for (int i = 0; i < proxies.size(); i++) {
            long until = restingUntil.get(i);
            states.add(new State(proxies.get(i), until > now ? Instant.ofEpochMilli(until) : null, failures.get(i)));
        }
        return states;
    }

    /**
     * One proxy's state.
     *
     * @param proxy the proxy
     * @param restingUntil when it will be tried again, or {@code null} when it is healthy
     * @param failures how many calls could not get through it since start-up
     */
    public record State(Proxy proxy, Instant restingUntil, long failures) {}
}
