package io.github.geminibalance.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The remote media address policy, range by range: first and last address of each, and neighbours. */
class PublicAddressPolicyTest {

    @ParameterizedTest(name = "{0} global={1}")
    @CsvSource({
            // IPv4 "this network" 0/8
            "0.0.0.0, false", "0.255.255.255, false", "1.0.0.0, true",
            // private 10/8
            "9.255.255.255, true", "10.0.0.0, false", "10.255.255.255, false", "11.0.0.0, true",
            // shared address space 100.64/10
            "100.63.255.255, true", "100.64.0.0, false", "100.127.255.255, false", "100.128.0.0, true",
            // loopback 127/8
            "126.255.255.255, true", "127.0.0.1, false", "127.255.255.255, false", "128.0.0.0, true",
            // link-local 169.254/16 (cloud metadata)
            "169.253.255.255, true", "169.254.0.0, false", "169.254.169.254, false", "169.255.0.0, true",
            // private 172.16/12
            "172.15.255.255, true", "172.16.0.0, false", "172.31.255.255, false", "172.32.0.0, true",
            // IETF protocol assignments 192.0.0/24, documentation 192.0.2/24
            "191.255.255.255, true", "192.0.0.0, false", "192.0.0.9, false", "192.0.0.255, false",
            "192.0.1.1, true", "192.0.2.0, false", "192.0.2.255, false", "192.0.3.0, true",
            // 6to4 relay anycast 192.88.99/24
            "192.88.98.255, true", "192.88.99.1, false", "192.88.100.0, true",
            // private 192.168/16
            "192.167.255.255, true", "192.168.0.0, false", "192.168.255.255, false", "192.169.0.0, true",
            // benchmarking 198.18/15
            "198.17.255.255, true", "198.18.0.0, false", "198.19.255.255, false", "198.20.0.0, true",
            // documentation 198.51.100/24, 203.0.113/24
            "198.51.99.255, true", "198.51.100.7, false", "198.51.101.0, true",
            "203.0.112.255, true", "203.0.113.0, false", "203.0.113.255, false", "203.0.114.0, true",
            // multicast 224/4, reserved 240/4, broadcast
            "223.255.255.255, true", "224.0.0.1, false", "239.255.255.255, false",
            "240.0.0.0, false", "250.1.2.3, false", "255.255.255.255, false",
            // public IPv4
            "8.8.8.8, true", "142.250.74.110, true", "192.31.196.1, true",
            // IPv6 unspecified, loopback, IPv4-compatible
            "::, false", "::1, false", "::2, false", "::8.8.8.8, false",
            // IPv4-mapped: judged by the IPv4 address
            "::ffff:127.0.0.1, false", "::ffff:10.0.0.1, false", "::ffff:8.8.8.8, true",
            // IPv4-translated (SIIT) ::ffff:0:0:0/96
            "::ffff:0:8.8.8.8, false",
            // NAT64 well-known prefix: judged by the IPv4 address; local-use 64:ff9b:1::/48 refused
            "64:ff9b::8.8.8.8, true", "64:ff9b::127.0.0.1, false", "64:ff9b::a9fe:a9fe, false",
            "64:ff9b::c612:1, false", "64:ff9b:1::8.8.8.8, false", "64:ff9b:1:ffff::1, false",
            // discard-only 100::/64 and dummy prefix
            "100::, false", "100::ffff:ffff:ffff:ffff, false", "100:0:0:1::1, false",
            // IETF protocol assignments 2001::/23: Teredo, benchmarking, ORCHID, AMT, end of range
            "2001::, false", "2001:0:4136:e378:8000:63bf:3fff:fdd2, false", "2001:2::1, false",
            "2001:10::1, false", "2001:20::1, false", "2001:3::1, false", "2001:1ff:ffff::1, false",
            "2001:200::1, true",
            // documentation 2001:db8::/32 and 3fff::/20
            "2001:db7:ffff::1, true", "2001:db8::, false", "2001:db8:ffff:ffff::1, false", "2001:db9::1, true",
            "3fff::1, false", "3fff:fff:ffff::1, false", "3fff:1000::1, true", "3ffe:ffff::1, true",
            // 6to4: judged by the embedded IPv4 address
            "2002:c0a8:101::1, false", "2002:7f00:1::1, false", "2002:a00:1::1, false", "2002:c612::1, false",
            "2002:808:808::1, true",
            // unique-local, link-local, site-local, multicast, SRv6 SIDs
            "fc00::1, false", "fd12:3456::1, false", "fdff:ffff::1, false", "fe80::1, false",
            "febf:ffff::1, false", "fec0::1, false", "feff::1, false", "ff02::1, false", "ff0e::1, false",
            "5f00::1, false", "4000::1, false", "1fff:ffff::1, false",
            // public IPv6
            "2001:4860:4860::8888, true", "2606:4700:4700::1111, true", "2a00:1450:4001::1, true",
            "2620:4f:8000::1, true"})
    void globalAddressesFollowTheIanaRegistries(String literal, boolean global) throws UnknownHostException {
        InetAddress address = InetAddress.getByName(literal);

        assertThat(PublicAddressPolicy.isGlobal(address)).isEqualTo(global);
        assertThat(policy(List::of).test(address)).isEqualTo(global);
    }

    @Test
    void mappedAddressesAreJudgedByTheirIpv4EvenWhenTheJdkKeepsThemAsIpv6() throws UnknownHostException {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 127;
        mapped[15] = 1;
        InetAddress v6 = java.net.Inet6Address.getByAddress(null, mapped, -1);

        assertThat(PublicAddressPolicy.isGlobal(v6)).isFalse();
    }

    @Test
    void refusesTheHostsOwnAddressesIncludingEmbeddedOnes() throws UnknownHostException {
        List<InetAddress> own = List.of(addr("203.0.114.5"), addr("2a00:1450::5"));
        PublicAddressPolicy policy = policy(() -> own);

        assertThat(policy.test(addr("203.0.114.5"))).isFalse();
        assertThat(policy.test(addr("2a00:1450::5"))).isFalse();
        assertThat(policy.test(addr("64:ff9b::203.0.114.5"))).isFalse();
        assertThat(policy.test(addr("2002:cb00:7205::1"))).isFalse();
        assertThat(policy.test(addr("203.0.114.6"))).isTrue();
    }

    @Test
    void rereadsTheHostsAddressesOnlyAfterTheRefreshInterval() throws UnknownHostException {
        MutableClock clock = new MutableClock();
        List<InetAddress> current = new ArrayList<>(List.of(addr("203.0.114.5")));
        AtomicInteger reads = new AtomicInteger();
        PublicAddressPolicy policy = new PublicAddressPolicy(clock, () -> {
            reads.incrementAndGet();
            return List.copyOf(current);
        });

        assertThat(policy.test(addr("203.0.114.5"))).isFalse();
        current.set(0, addr("203.0.114.9")); // the host got a new address
        clock.advance(PublicAddressPolicy.REFRESH.minusSeconds(1));
        assertThat(policy.test(addr("203.0.114.9"))).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(policy.test(addr("203.0.114.9"))).isFalse();
        assertThat(policy.test(addr("203.0.114.5"))).isTrue();
        assertThat(reads).hasValue(2);
    }

    @Test
    void theRealInterfaceListIncludesLoopbackAndIsRefused() throws UnknownHostException {
        PublicAddressPolicy policy = new PublicAddressPolicy();

        assertThat(policy.test(addr("127.0.0.1"))).isFalse();
        assertThat(policy.test(addr("8.8.8.8"))).isTrue();
    }

    private static PublicAddressPolicy policy(Supplier<Collection<InetAddress>> own) {
        return new PublicAddressPolicy(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), own);
    }

    private static InetAddress addr(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.EPOCH;

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
