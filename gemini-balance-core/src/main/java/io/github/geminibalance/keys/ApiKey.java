package io.github.geminibalance.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A Gemini API key. {@link #toString()} and {@link #masked()} show only its ends ({@code AIza...x9Q4});
 * {@link #id()} is a stable, non-secret identifier for logs, metrics and the admin API. Only the
 * upstream transport reads {@link #value()}.
 */
public final class ApiKey {

    private final String value;
    private final String id;
    private final String masked;

    /** Wraps a raw key. */
    public ApiKey(String value) {
        this.value = Objects.requireNonNull(value, "value");
        this.id = idOf(value);
        this.masked = mask(value);
    }

    /** The raw key, for the {@code x-goog-api-key} header only. */
    public String value() {
        return value;
    }

    /** A stable short id derived from a hash of the key, such as {@code k-3f9a1c07}. */
    public String id() {
        return id;
    }

    /** The key with all but its first and last four characters hidden. */
    public String masked() {
        return masked;
    }

    /**
     * Masks any secret: first four and last four characters for long values, nothing but a hint of
     * the length for short ones.
     */
    public static String mask(String secret) {
        if (secret == null) {
            return "null";
        }
        if (secret.length() < 12) {
            return "***";
        }
        return secret.substring(0, 4) + "..." + secret.substring(secret.length() - 4);
    }

    private static String idOf(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "k-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKey other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return masked;
    }
}
