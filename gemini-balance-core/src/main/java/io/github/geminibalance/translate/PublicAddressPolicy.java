package io.github.geminibalance.translate;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The address policy of remote media fetches: an address may be contacted only when it is globally
 * reachable and is not one of this host's own addresses, so a client cannot make the server probe its
 * own networks or itself.
 *
 * <p>"Globally reachable" follows the IANA IPv4 and IPv6 special-purpose address registries, rounded
 * towards refusing: IPv4 {@code 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24,
 * 192.0.2/24, 192.88.99/24, 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24}, multicast
 * {@code 224/4} and {@code 240/4} (with {@code 255.255.255.255}) are refused. For IPv6 only global
 * unicast {@code 2000::/3} may pass, less {@code 2001::/23} (Teredo, benchmarking, ORCHID...),
 * {@code 2001:db8::/32} and {@code 3fff::/20} (documentation); that refuses {@code ::}, {@code ::1},
 * {@code 100::/64}, {@code 64:ff9b:1::/48}, {@code fc00::/7}, {@code fe80::/10}, {@code fec0::/10},
 * {@code ff00::/8} and everything else unassigned. Addresses that embed an IPv4 address (IPv4-mapped
 * {@code ::ffff:0:0/96}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are judged by that
 * IPv4 address.
 *
 * <p>The host's own addresses come from {@link NetworkInterface}; they are read again when older
 * than {@link #REFRESH}, since addresses change (DHCP, container networks). Thread-safe.
 */
public final class PublicAddressPolicy implements Predicate<InetAddress> {

    private static final Logger log = LoggerFactory.getLogger(PublicAddressPolicy.class);

    /** How long the host's own addresses are cached. */
    public static final Duration REFRESH = Duration.ofSeconds(30);

    /** IPv4 ranges that are not globally reachable: network, prefix length. */
    private static final int[][] IPV4_REFUSED = {
        {v4(0, 0, 0, 0), 8}, {v4(10, 0, 0, 0), 8}, {v4(100, 64, 0, 0), 10}, {v4(127, 0, 0, 0), 8},
        {v4(169, 254, 0, 0), 16}, {v4(172, 16, 0, 0), 12}, {v4(192, 0, 0, 0), 24}, {v4(192, 0, 2, 0), 24},
        {v4(192, 88, 99, 0), 24}, {v4(192, 168, 0, 0), 16}, {v4(198, 18, 0, 0), 15},
        {v4(198, 51, 100, 0), 24}, {v4(203, 0, 113, 0), 24}, {v4(224, 0, 0, 0), 4}, {v4(240, 0, 0, 0), 4},
    };

    private final Clock clock;
    private final Supplier<Collection<InetAddress>> ownAddresses;
    private volatile Snapshot own;

    private record Snapshot(Set<ByteBuffer> addresses, Instant readAt) {}

    /** A policy that reads this host's network interfaces. */
    public PublicAddressPolicy() {
        this(Clock.systemUTC(), PublicAddressPolicy::interfaceAddresses);
    }

    /**
     * A policy with its own clock and source of the host's addresses (tests).
     *
     * @param ownAddresses called again when the cached answer is older than {@link #REFRESH}
     */
    PublicAddressPolicy(Clock clock, Supplier<Collection<InetAddress>> ownAddresses) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ownAddresses = Objects.requireNonNull(ownAddresses, "ownAddresses");
    }

    /** Whether the address may be contacted: globally reachable and not this host's own. */
    @Override
    public boolean test(InetAddress address) {
        if (!isGlobal(address)) {
            return false;
        }
        Set<ByteBuffer> mine = ownAddresses();
        byte[] embedded = address instanceof Inet6Address ? embeddedIpv4(address.getAddress()) : null;
        return !mine.contains(ByteBuffer.wrap(address.getAddress()))
                && (embedded == null || !mine.contains(ByteBuffer.wrap(embedded)));
    }

    /** Whether an address is globally reachable by the IANA special-purpose registries (see the class). */
    public static boolean isGlobal(InetAddress address) {
        byte[] raw = address.getAddress();
        if (address instanceof Inet4Address) {
            return isGlobalIpv4(raw);
        }
        byte[] embedded = embeddedIpv4(raw);
        if (embedded != null) {
            return isGlobalIpv4(embedded);
        }
        int first16 = (raw[0] & 0xff) << 8 | raw[1] & 0xff;
        int second16 = (raw[2] & 0xff) << 8 | raw[3] & 0xff;
        if ((first16 & 0xe000) != 0x2000) {
            return false; // outside global unicast 2000::/3
        }
        boolean ietfProtocols = first16 == 0x2001 && second16 < 0x0200; // 2001::/23
        boolean documentation = first16 == 0x2001 && second16 == 0x0db8 || first16 == 0x3fff && second16 < 0x1000;
        return !ietfProtocols && !documentation;
    }

    private static boolean isGlobalIpv4(byte[] raw) {
        int value = ByteBuffer.wrap(raw).getInt();
        for (int[] range : IPV4_REFUSED) {
            int mask = -1 << (32 - range[1]);
            if ((value & mask) == range[0]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The IPv4 address inside an IPv4-mapped ({@code ::ffff:0:0/96}), NAT64 ({@code 64:ff9b::/96}) or
     * 6to4 ({@code 2002::/16}) address, else null.
     */
    static byte[] embeddedIpv4(byte[] raw) {
        if (raw.length != 16) {
            return null;
        }
        boolean mapped = isZero(raw, 0, 10) && (raw[10] & 0xff) == 0xff && (raw[11] & 0xff) == 0xff;
        boolean nat64 = raw[0] == 0 && raw[1] == 0x64 && (raw[2] & 0xff) == 0xff && (raw[3] & 0xff) == 0x9b
                && isZero(raw, 4, 12);
        if (mapped || nat64) {
            return Arrays.copyOfRange(raw, 12, 16);
        }
        if (raw[0] == 0x20 && raw[1] == 0x02) {
            return Arrays.copyOfRange(raw, 2, 6);
        }
        return null;
    }

    private static boolean isZero(byte[] raw, int from, int to) {
        for (int i = from; i < to; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private Set<ByteBuffer> ownAddresses() {
        Snapshot current = own;
        Instant now = clock.instant();
        if (current != null && now.isBefore(current.readAt().plus(REFRESH))) {
            return current.addresses();
        }
        synchronized (this) {
            if (own != null && now.isBefore(own.readAt().plus(REFRESH))) {
                return own.addresses();
            }
            Set<ByteBuffer> read = ownAddresses.get().stream()
                    .map(a -> ByteBuffer.wrap(a.getAddress()))
                    .collect(Collectors.toUnmodifiableSet());
            own = new Snapshot(read, now);
            return read;
        }
    }

    private static Collection<InetAddress> interfaceAddresses() {
        try {
            Set<InetAddress> all = new HashSet<>();
            NetworkInterface.networkInterfaces().forEach(nic -> nic.inetAddresses().forEach(all::add));
            return all;
        } catch (SocketException | RuntimeException e) {
            // Without the list the global-address check still holds; a public address of this host is
            // then not recognised until the next refresh.
            log.warn("Could not list this host's network addresses: {}", e.toString());
            return Set.of();
        }
    }

    private static int v4(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }
}
