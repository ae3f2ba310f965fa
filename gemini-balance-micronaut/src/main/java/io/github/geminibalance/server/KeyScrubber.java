package io.github.geminibalance.server;

import io.github.geminibalance.util.Secrets;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replaces the pool's API keys in bytes Gemini sent back (a successful answer can echo one, in a file
 * URI's {@code ?key=} for instance) with their masked form ({@code AIza...x9Q4}). Only the pool's own
 * keys are replaced, not everything that looks like a Google key: a model's answer may legitimately
 * quote such a string, and it is the client's content.
 *
 * <p>Cheap on the hot path, also with thousands of keys: one byte search per distinct four-byte key prefix
 * (real keys all start with {@code AIza}, so usually one search), and where that prefix occurs one hash
 * lookup per distinct key length; a stream's held-back tail is matched against the sorted keys by binary
 * search. An answer without a key is returned as is, not copied. Thread-safe and immutable; the pool's
 * keys change at run time, so the server keeps the scrubber for the current keys in {@link KeyScrubbers}.
 */
final class KeyScrubber {

    private static final int PREFIX = 4;
    private static final int MIN_LENGTH = 12;

    private final byte[][] keys; // longest first, so a key that extends another wins
    private final byte[][] masks;
    private final byte[][] prefixes;
    private final String[] textPrefixes;
    private final int longest;
    // the keys' bytes as ISO-8859-1 text (one char per byte): per distinct length, longest first, to the
    // key's index; and all of them sorted, to find a key that starts with a given tail
    private final int[] lengths;
    private final List<Map<String, Integer>> byLength;
    private final String[] ordered;
    private final boolean[] firstBytes = new boolean[256];

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
        Map<Integer, Map<String, Integer>> index = new TreeMap<>(Comparator.reverseOrder());
        for (int i = 0; i < keys.length; i++) {
            String text = new String(keys[i], StandardCharsets.ISO_8859_1);
            index.computeIfAbsent(keys[i].length, n -> new HashMap<>()).putIfAbsent(text, i);
            firstBytes[keys[i][0] & 0xFF] = true;
        }
        lengths = index.keySet().stream().mapToInt(Integer::intValue).toArray();
        byLength = new ArrayList<>(index.values());
        ordered = Arrays.stream(keys).map(k -> new String(k, StandardCharsets.ISO_8859_1)).sorted().toArray(String[]::new);
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
            if (firstBytes[bytes[p] & 0xFF] && startsAKey(new String(bytes, p, end - p, StandardCharsets.ISO_8859_1))) {
                return p;
            }
        }
        return end;
    }

    // Whether some key is longer than {@code tail} and starts with it: the keys starting with it are
    // next to each other in sorted order, from the first key not below it.
    private boolean startsAKey(String tail) {
        int at = Arrays.binarySearch(ordered, tail);
        for (int i = at >= 0 ? at : -at - 1; i < ordered.length && ordered[i].startsWith(tail); i++) {
            if (ordered[i].length() > tail.length()) {
                return true;
            }
        }
        return false;
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
        for (int i = 0; i < lengths.length; i++) {
            int n = lengths[i];
            if (at + n <= end) {
                Integer key = byLength.get(i).get(new String(bytes, at, n, StandardCharsets.ISO_8859_1));
                if (key != null) {
                    return key;
                }
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
