package io.github.geminibalance;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Checks a presented bearer token against a set of allowed tokens in constant time: every allowed
 * token is compared (as a SHA-256 digest, so lengths leak nothing), whatever matched first.
 */
public final class TokenVerifier {

    private final List<byte[]> digests;

    /** A verifier for these tokens (blank ones are ignored). */
    public TokenVerifier(Collection<String> allowed) {
        List<byte[]> list = new ArrayList<>(allowed.size());
        for (String t : allowed) {
            if (t != null && !t.isBlank()) {
                list.add(digest(t));
            }
        }
        this.digests = List.copyOf(list);
    }

    /** Whether no token is configured (so nothing can pass). */
    public boolean isEmpty() {
        return digests.isEmpty();
    }

    /** Whether {@code presented} is one of the allowed tokens. */
    public boolean verify(String presented) {
        return presented != null && !digests.isEmpty() && matches(digest(presented));
    }

    /**
     * The {@linkplain #label label} of {@code presented} when it is one of the allowed tokens, else null:
     * {@link #verify} and {@link #label} with one digest, for a check on every request.
     */
    public String labelIfAllowed(String presented) {
        if (presented == null || digests.isEmpty()) {
            return null;
        }
        byte[] d = digest(presented);
        return matches(d) ? label(d) : null;
    }

    private boolean matches(byte[] d) {
        boolean match = false;
        for (byte[] allowed : digests) {
            match |= MessageDigest.isEqual(allowed, d);
        }
        return match;
    }

    /**
     * Extracts the token from an {@code Authorization} header value ({@code Bearer <token>}, scheme
     * case-insensitive); null when absent or of another scheme.
     */
    public static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String v = authorization.strip();
        if (v.length() > 7 && v.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = v.substring(7).strip();
            return token.isEmpty() ? null : token;
        }
        return null;
    }

    /**
     * A stable, non-secret label for a client token, for logs and per-client statistics: {@code t-} and
     * the first 8 hex digits of the token's SHA-256. The same token always gets the same label; the label
     * does not reveal the token (32 bits of a hash of a long random token).
     */
    public static String label(String token) {
        return label(digest(token == null ? "" : token));
    }

    private static String label(byte[] d) {
        StringBuilder sb = new StringBuilder("t-");
        for (int i = 0; i < 4; i++) {
            sb.append(Character.forDigit(d[i] >> 4 & 0xf, 16)).append(Character.forDigit(d[i] & 0xf, 16));
        }
        return sb.toString();
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
