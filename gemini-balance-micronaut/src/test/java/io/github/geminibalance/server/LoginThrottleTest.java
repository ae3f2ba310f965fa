package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link LoginThrottle}: free attempts, doubling waits, forgetting, per-address keys and bounded memory. */
class LoginThrottleTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-06-01T12:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final LoginThrottle throttle = new LoginThrottle(clock);

    private static InetAddress ip(String address) throws Exception {
        return InetAddress.getByName(address);
    }

    @Test
    void waitsDoubleAfterTheFreeAttemptsUpToTheCap() {
        assertThat(LoginThrottle.waitAfter(1)).isZero();
        assertThat(LoginThrottle.waitAfter(LoginThrottle.FREE_FAILURES)).isZero();
        assertThat(LoginThrottle.waitAfter(LoginThrottle.FREE_FAILURES + 1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(LoginThrottle.waitAfter(LoginThrottle.FREE_FAILURES + 2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(LoginThrottle.waitAfter(LoginThrottle.FREE_FAILURES + 8)).isEqualTo(Duration.ofSeconds(256));
        assertThat(LoginThrottle.waitAfter(LoginThrottle.FREE_FAILURES + 9)).isEqualTo(LoginThrottle.MAX_WAIT);
        assertThat(LoginThrottle.waitAfter(Integer.MAX_VALUE)).isEqualTo(LoginThrottle.MAX_WAIT);
    }

    @Test
    void anAddressWaitsAndOthersDoNot() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertThat(throttle.failed(a)).isZero();
            assertThat(throttle.waitFor(a)).isZero();
        }
        assertThat(throttle.failed(a)).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.waitFor(a)).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.waitFor(ip("192.0.2.2"))).isZero();

        now.set(now.get().plusSeconds(1));
        assertThat(throttle.waitFor(a)).isEqualTo(Duration.ofSeconds(1));
        now.set(now.get().plusSeconds(1));
        assertThat(throttle.waitFor(a)).isZero();
        assertThat(throttle.failed(a)).isEqualTo(Duration.ofSeconds(4));

        throttle.succeeded(a);
        assertThat(throttle.waitFor(a)).isZero();
        assertThat(throttle.failed(a)).as("starts over").isZero();
    }

    @Test
    void failuresAreForgottenAfterAWhile() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < LoginThrottle.FREE_FAILURES + 1; i++) {
            throttle.failed(a);
        }
        now.set(now.get().plus(LoginThrottle.FORGET_AFTER).plusSeconds(1));
        assertThat(throttle.waitFor(a)).isZero();
        assertThat(throttle.failed(a)).as("counted from one again").isZero();
    }

    @Test
    void ipv6IsCountedPerSlash64() throws Exception {
        for (int i = 1; i <= LoginThrottle.FREE_FAILURES + 1; i++) {
            throttle.failed(ip("2001:db8:1:2::" + Integer.toHexString(i)));
        }
        assertThat(throttle.waitFor(ip("2001:db8:1:2::ffff"))).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.waitFor(ip("2001:db8:1:3::1"))).isZero();
    }

    @Test
    void memoryIsBounded() throws Exception {
        for (int i = 0; i < LoginThrottle.MAX_ADDRESSES + 100; i++) {
            throttle.failed(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
        }
        assertThat(throttle.size()).isEqualTo(LoginThrottle.MAX_ADDRESSES);
        throttle.failed(null);
        assertThat(throttle.size()).isEqualTo(LoginThrottle.MAX_ADDRESSES);
    }
}
