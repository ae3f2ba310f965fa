package io.github.geminibalance.server;

import io.micronaut.core.annotation.Nullable;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Slows down guessing of {@code AUTH_TOKEN} through the login form, per client address. The first
 * {@value #FREE_FAILURES} wrong logins cost nothing; after the n-th one the address must wait
 * 2<sup>n-{@value #FREE_FAILURES}</sup> seconds, at most {@link #MAX_WAIT}, before it may try again
 * (an attempt during the wait is refused without looking at the token, and does not count). A right
 * login forgets the address's failures; so does {@link #FORGET_AFTER} without a failure.
 *
 * <p>Memory is bounded: at most {@value #MAX_ADDRESSES} addresses are remembered, the least recently
 * failing one forgotten first. IPv6 clients are counted per /64 network (one host usually has a whole
 * /64). The address is the TCP peer's: behind a reverse proxy every client shares the proxy's address,
 * and the throttle then slows everyone down together ({@code X-Forwarded-For} is not trusted, since
 * anyone can send it). Thread-safe.
 */
final class LoginThrottle {

    /** Wrong logins an address may make before it has to wait. */
    static final int FREE_FAILURES = 3;
    /** The longest wait between two attempts. */
    static final Duration MAX_WAIT = Duration.ofMinutes(5);
    /** Failures older than this are forgotten. */
    static final Duration FORGET_AFTER = Duration.ofMinutes(30);
    /** Addresses remembered at most. */
    static final int MAX_ADDRESSES = 10_000;

    private final Clock clock;
    /** Address key to its failures; access order, so the least recently failing address is evicted. */
    private final LinkedHashMap<String, Failures> failures = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    LoginThrottle(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private static final class Failures {
        int count;
        Instant last;
        Instant blockedUntil;
    }

    /** How long this address must wait before its next attempt; zero when it may try now. */
    Duration waitFor(@Nullable InetAddress address) {
        Instant now = clock.instant();
        synchronized (failures) {
            Failures f = current(keyOf(address), now);
            if (f == null || f.blockedUntil == null || !f.blockedUntil.isAfter(now)) {
                return Duration.ZERO;
            }
            return Duration.between(now, f.blockedUntil);
        }
    }

    /** Records a wrong login; answers how long the address must now wait. */
    Duration failed(@Nullable InetAddress address) {
        Instant now = clock.instant();
        String key = keyOf(address);
        synchronized (failures) {
            Failures f = current(key, now);
            if (f == null) {
                f = new Failures();
                failures.put(key, f);
            }
            f.count++;
            f.last = now;
            Duration wait = waitAfter(f.count);
            f.blockedUntil = wait.isZero() ? null : now.plus(wait);
            return wait;
        }
    }

    /** Records a right login: the address starts over. */
    void succeeded(@Nullable InetAddress address) {
        synchronized (failures) {
            failures.remove(keyOf(address));
        }
    }

    /** Addresses remembered now, for tests. */
    int size() {
        synchronized (failures) {
            return failures.size();
        }
    }

    /** The wait after the n-th consecutive failure. */
    static Duration waitAfter(int count) {
        if (count <= FREE_FAILURES) {
            return Duration.ZERO;
        }
        int exponent = Math.min(count - FREE_FAILURES, 20);
        Duration wait = Duration.ofSeconds(1L << exponent);
        return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    }

    @Nullable
    private Failures current(String key, Instant now) {
        Failures f = failures.get(key);
        if (f != null && f.last.plus(FORGET_AFTER).isBefore(now)) {
            failures.remove(key);
            return null;
        }
        return f;
    }

    /** The address, or its /64 network for IPv6; one shared key when unknown. */
    static String keyOf(@Nullable InetAddress address) {
        if (address == null) {
            return "unknown";
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            return "6:" + Arrays.toString(Arrays.copyOf(bytes, 8));
        }
        return address.getHostAddress();
    }
}
