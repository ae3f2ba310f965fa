package io.github.geminibalance.server;

import io.github.geminibalance.util.Secrets;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces the pool's API keys in bytes Gemini sent back (a successful answer can echo one, in a file
 * URI's {@code ?key=} for instance) with their masked form ({@code AIza...x9Q4}). Only the pool's own
 * keys are replaced, not everything that looks like a Google key: a model's answer may legitimately
 * quote such a string, and it is the client's content.
 *
 * <p>Cheap on the hot path: one byte search per distinct four-byte key prefix (real keys all start
 * with {@code AIza}, so usually one search), and a full comparison only where that prefix occurs; an
 * answer without it is returned as is, not copied. Thread-safe and immutable.
 */
final class KeyScrubber {

    private static final int PREFIX = 4;
    private static final int MIN_LENGTH = 12;

    private final byte[][] keys; // longest first, so a key that extends another wins
    private final byte[][] masks;
    private final byte[][] prefixes;
    private final String[] textPrefixes;
    private final int longest;

    KeyScrubber(List<String> poolKeys) {
        // Shorter values are not Google keys (tests use names like "key-a"), and masking them in
        // answers would garble ordinary text.
        List<String> sorted = new ArrayList<>(poolKeys.stream().filter(k -> k.length() >= MIN_LENGTH).toList());
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        keys = new byte[sorted.size()][];
        masks = new byte[sorted.size()][];
        Set<String> starts = new LinkedHashSet<>();
        int max = 0;
        for (int i = 0; i < sorted.size(); i++) {
            keys[i] = sorted.get(i).getBytes(StandardCharsets.UTF_8);
            masks[i] = Secrets.mask(sorted.get(i)).getBytes(StandardCharsets.UTF_8);
            starts.add(new String(keys[i], 0, Math.min(PREFIX, keys[i].length), StandardCharsets.ISO_8859_1));
            max = Math.max(max, keys[i].length);
        }
        prefixes = starts.stream().filter(s -> !s.isEmpty())
                .map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).toArray(byte[][]::new);
        textPrefixes = Arrays.stream(prefixes).map(p -> new String(p, StandardCharsets.ISO_8859_1)).toArray(String[]::new);
        longest = max;
    }

    /** Whether there is any key to look for. */
    boolean isEmpty() {
        return keys.length == 0;
    }

    /** The text with every pool key masked; {@code text} itself when there is none. */
    String scrub(String text) {
        for (String prefix : textPrefixes) {
            if (text.contains(prefix)) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                byte[] scrubbed = scrub(bytes);
                return scrubbed == bytes ? text : new String(scrubbed, StandardCharsets.UTF_8);
            }
        }
        return text;
    }

    /** The bytes with every pool key masked; {@code bytes} itself when there is none. */
    byte[] scrub(byte[] bytes) {
        return scrub(bytes, bytes.length);
    }

    /** {@code bytes[0, end)} with every pool key masked; {@code bytes} itself when it is all and holds none. */
    byte[] scrub(byte[] bytes, int end) {
        ByteArrayOutputStream out = null;
        int copied = 0;
        int at = nextCandidate(bytes, 0, end);
        while (at >= 0) {
            int key = keyAt(bytes, at, end);
            if (key >= 0) {
                if (out == null) {
                    out = new ByteArrayOutputStream(end + 16);
                }
                out.write(bytes, copied, at - copied);
                out.write(masks[key], 0, masks[key].length);
                copied = at + keys[key].length;
                at = nextCandidate(bytes, copied, end);
            } else {
                at = nextCandidate(bytes, at + 1, end);
            }
        }
        if (out == null) {
            return end == bytes.length ? bytes : Arrays.copyOf(bytes, end);
        }
        out.write(bytes, copied, end - copied);
        return out.toByteArray();
    }

    /**
     * Where a key may start in {@code bytes[0, end)} without being complete yet: the start of the
     * shortest tail that is a proper prefix of a key, or {@code end} when there is none. A stream
     * relay holds such a tail back until the next piece shows whether it is a key.
     */
    int partialKeyStart(byte[] bytes, int end) {
        for (int p = Math.max(0, end - longest + 1); p < end; p++) {
            for (byte[] key : keys) {
                int n = end - p;
                if (n < key.length && Arrays.equals(bytes, p, end, key, 0, n)) {
                    return p;
                }
            }
        }
        return end;
    }

    private int nextCandidate(byte[] bytes, int from, int end) {
        int best = -1;
        for (byte[] prefix : prefixes) {
            int i = indexOf(bytes, prefix, from, best < 0 ? end : Math.min(end, best + prefix.length));
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    private int keyAt(byte[] bytes, int at, int end) {
        for (int k = 0; k < keys.length; k++) {
            byte[] key = keys[k];
            if (at + key.length <= end && Arrays.equals(bytes, at, at + key.length, key, 0, key.length)) {
                return k;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] bytes, byte[] needle, int from, int end) {
        byte first = needle[0];
        for (int i = from, last = end - needle.length; i <= last; i++) {
            if (bytes[i] == first && Arrays.equals(bytes, i + 1, i + needle.length, needle, 1, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
