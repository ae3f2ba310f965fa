package io.github.geminibalance.server;

import io.micronaut.core.annotation.Nullable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The web admin's login sessions: signed, self-contained cookie values and the CSRF token that goes with
 * each session. Nothing secret is in a cookie: it holds a random session id, the session's end and an
 * HMAC-SHA256 over both, {@code v1.<id>.<end, epoch seconds>.<mac>}.
 *
 * <p>The HMAC key is derived from {@code AUTH_TOKEN} (PBKDF2-HMAC-SHA256, {@value #KDF_ITERATIONS}
 * iterations, a fixed salt), once, when the server starts. So every instance with the same
 * {@code AUTH_TOKEN} accepts the sessions of the others (a load balancer needs no sticky sessions),
 * sessions survive a restart, and changing {@code AUTH_TOKEN} ends every session. The slow derivation
 * makes guessing a weak {@code AUTH_TOKEN} from a captured cookie expensive; a long random token makes it
 * hopeless.
 *
 * <p>A session ends at the time written in it, or earlier by {@link #revoke} (logout). Revocation is
 * remembered in this process only, for at most {@value #MAX_REVOKED} sessions until they would have
 * expired anyway: another instance still accepts a copy of a logged-out cookie until its end (the
 * browser's own copy is deleted by the logout answer everywhere).
 *
 * <p>The CSRF token of a session is an HMAC of its id under the same key: the page fetches it with the
 * cookie ({@code GET /admin/session}) and sends it in {@value #CSRF_HEADER} with every change. Thread-safe.
 */
final class AdminSessions {

    /** The session cookie's name. */
    static final String COOKIE = "gb_admin_session";
    /** The cookie's path: it is sent to the admin pages and the admin API only. */
    static final String COOKIE_PATH = "/admin";
    /** The header a page sends its session's CSRF token in, on every request that changes something. */
    static final String CSRF_HEADER = "X-CSRF-Token";

    /** PBKDF2 rounds: about 0.1 s once per start on a small machine; a guess from a stolen cookie costs as much. */
    static final int KDF_ITERATIONS = 150_000;
    /** Revoked sessions remembered at most; past that, the oldest revocation is forgotten first. */
    static final int MAX_REVOKED = 10_000;

    private static final String VERSION = "v1";
    private static final byte[] SALT = "gemini-balance admin session v1".getBytes(StandardCharsets.UTF_8);
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Pattern EPOCH = Pattern.compile("[0-9]{1,12}");
    private static final int MAX_COOKIE_LENGTH = 200;

    private final @Nullable SecretKeySpec key;
    private final Duration expire;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Session id to its end; insertion order, so the oldest revocations go first. Guarded by itself. */
    private final Map<String, Instant> revoked = new LinkedHashMap<>();

    /**
     * Sessions signed with a key derived from {@code authToken}; with a null token (the admin is off)
     * nothing can be issued and nothing verifies.
     */
    AdminSessions(@Nullable String authToken, Duration expire, Clock clock) {
        this.key = authToken == null ? null : deriveKey(authToken);
        this.expire = Objects.requireNonNull(expire, "expire");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A verified session: its random id and its end. Carries no secret. */
    record Session(String id, Instant expiresAt) {}

    /** Whether sessions can be issued at all ({@code AUTH_TOKEN} is set). */
    boolean enabled() {
        return key != null;
    }

    /** How long a new session lasts ({@code ADMIN_SESSION_EXPIRE}). */
    Duration expire() {
        return expire;
    }

    /**
     * A new session that ends {@link #expire()} from now.
     *
     * @throws IllegalStateException when the admin is off
     */
    Session issue() {
        if (key == null) {
            throw new IllegalStateException("the admin is off: AUTH_TOKEN is not set");
        }
        byte[] id = new byte[16];
        random.nextBytes(id);
        Instant end = clock.instant().plus(expire);
        return new Session(Base64.getUrlEncoder().withoutPadding().encodeToString(id),
                Instant.ofEpochSecond(end.getEpochSecond()));
    }

    /** The cookie value of a session: {@code v1.<id>.<end>.<mac>}. */
    String cookieValue(Session session) {
        String signed = VERSION + "." + session.id() + "." + session.expiresAt().getEpochSecond();
        return signed + "." + mac(signed);
    }

    /**
     * The session a cookie value stands for, or null when it is malformed, not signed by this
     * {@code AUTH_TOKEN}, expired, longer than {@code ADMIN_SESSION_EXPIRE} allows, or logged out.
     */
    @Nullable
    Session verify(@Nullable String cookieValue) {
        if (key == null || cookieValue == null || cookieValue.length() > MAX_COOKIE_LENGTH) {
            return null;
        }
        String[] parts = cookieValue.split("\\.", -1);
        if (parts.length != 4 || !VERSION.equals(parts[0]) || !SESSION_ID.matcher(parts[1]).matches()
                || !EPOCH.matcher(parts[2]).matches()) {
            return null;
        }
        String signed = parts[0] + "." + parts[1] + "." + parts[2];
        if (!constantTimeEquals(mac(signed), parts[3])) {
            return null;
        }
        Instant end = Instant.ofEpochSecond(Long.parseLong(parts[2]));
        Instant now = clock.instant();
        // a session longer than the setting allows was issued under a longer ADMIN_SESSION_EXPIRE: refused
        if (!end.isAfter(now) || end.isAfter(now.plus(expire).plusSeconds(1))) {
            return null;
        }
        synchronized (revoked) {
            if (revoked.containsKey(parts[1])) {
                return null;
            }
        }
        return new Session(parts[1], end);
    }

    /** The CSRF token of a session: what its page must send in {@value #CSRF_HEADER}. */
    String csrfToken(Session session) {
        return mac("csrf." + session.id());
    }

    /** Whether {@code presented} is the session's CSRF token (compared in constant time). */
    boolean csrfMatches(Session session, @Nullable String presented) {
        return presented != null && key != null && constantTimeEquals(csrfToken(session), presented.strip());
    }

    /** Ends a session in this process before its time (logout). */
    void revoke(Session session) {
        Instant now = clock.instant();
        synchronized (revoked) {
            for (Iterator<Instant> it = revoked.values().iterator(); it.hasNext(); ) {
                if (!it.next().isAfter(now)) {
                    it.remove(); // would not verify anyway
                }
            }
            while (revoked.size() >= MAX_REVOKED) {
                Iterator<String> oldest = revoked.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            revoked.put(session.id(), session.expiresAt());
        }
    }

    /** Revoked sessions remembered now, for tests. */
    int revokedCount() {
        synchronized (revoked) {
            return revoked.size();
        }
    }

    private String mac(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] out = mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }

    private static boolean constantTimeEquals(String expected, String presented) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    private static SecretKeySpec deriveKey(String authToken) {
        char[] chars = authToken.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, SALT, KDF_ITERATIONS, 256);
        try {
            byte[] derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            return new SecretKeySpec(derived, "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is always available", e);
        } finally {
            spec.clearPassword();
            java.util.Arrays.fill(chars, '\0');
        }
    }
}
