package io.github.geminibalance.config;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses sizes such as {@code 20971520}, {@code 20MB}, {@code 20MiB} or {@code 512k}. Every unit is a
 * power of 1024 ({@code MB} and {@code MiB} both mean 1024 × 1024 bytes), as in the JVM's {@code -Xmx}.
 */
final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("\\+?([0-9]{1,19})\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)");

    private ByteSizes() {}

    /** The size in bytes, or empty when the text is not a size or it does not fit a long. */
    static OptionalLong parse(String raw) {
        Matcher m = SIZE.matcher(raw.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        int shift = switch (m.group(2).isEmpty() ? 'b' : m.group(2).charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            return n > Long.MAX_VALUE >> shift ? OptionalLong.empty() : OptionalLong.of(n << shift);
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // 19 digits can still overflow
        }
    }

    /** A readable size for messages: {@code 20MiB}, {@code 512KiB} or a number of bytes. */
    static String format(long bytes) {
        if (bytes >= 1 << 30 && bytes % (1 << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + "KiB";
        }
        return bytes + " bytes";
    }
}
