package io.github.geminibalance;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resumable uploads under way: our unguessable session id for Gemini's upload URL, the key that
 * started the upload (only it may continue it) and the client that owns it. In memory, bounded, each
 * session for a week (Gemini's upload URLs last about that long): an upload does not survive a restart.
 */
final class UploadSessions {

    static final Duration LIFETIME = Duration.ofDays(7);
    static final int MAX_SESSIONS = 10_000;

    /**
     * One upload.
     *
     * @param upstream Gemini's upload URL (its {@code upload_id}; never the key)
     * @param keyId the key that started it
     * @param owner the client that started it
     * @param expiresAt when it is forgotten
     */
    record Session(URI upstream, String keyId, String owner, Instant expiresAt) {}

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new LinkedHashMap<>();

    /** Opens a session and returns its id: 32 random bytes, URL-safe. */
    synchronized String open(URI upstream, String keyId, String owner, Instant now) {
        sessions.values().removeIf(s -> !s.expiresAt().isAfter(now));
        if (sessions.size() >= MAX_SESSIONS) {
            Iterator<String> oldest = sessions.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        sessions.put(id, new Session(upstream, keyId, owner, now.plus(LIFETIME)));
        return id;
    }

    /** The session, or null when unknown or expired. */
    synchronized Session find(String id, Instant now) {
        Session s = id == null ? null : sessions.get(id);
        return s == null || !s.expiresAt().isAfter(now) ? null : s;
    }

    synchronized void close(String id) {
        sessions.remove(id);
    }
}
