package io.github.geminibalance;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.store.StoredResource;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The resumable uploads under way: our unguessable session id for Gemini's upload URL, the key that
 * started the upload (only it may continue it) and the client that owns it. Kept with the key-bound
 * resources as {@code uploads/{id}} for a week (Gemini's upload URLs last about that long), so an upload
 * survives a restart and, with a shared database, continues on any instance.
 */
final class UploadSessions {

    static final Duration LIFETIME = Duration.ofDays(7);
    static final String KIND = "uploads";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{43}");
    // Gemini's upload URL names its session by upload_id; a key in it (never seen, header auth) is dropped
    private static final Pattern KEY_PARAM = Pattern.compile("(?i)([?&])key=[^&]*&?");

    /**
     * One upload.
     *
     * @param upstream Gemini's upload URL (its {@code upload_id}; never the key)
     * @param keyId the key that started it
     * @param owner the client that started it
     */
    record Session(URI upstream, String keyId, String owner) {}

    private final SecureRandom random = new SecureRandom();
    private final ResourceKeys resources;

    UploadSessions(ResourceKeys resources) {
        this.resources = resources;
    }

    /** Opens a session and returns its id: 32 random bytes, URL-safe. */
    CompletableFuture<String> open(URI upstream, String keyId, String owner) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = resources.clock().instant();
        String url = withoutKey(upstream.toString());
        String metadata = Json.mapper().createObjectNode().put("upstream", url).toString();
        return resources.save(new StoredResource(KIND + "/" + id, owner == null ? "" : owner, keyId, now,
                now.plus(LIFETIME), metadata)).thenApply(saved -> id);
    }

    /** The session as {@code owner} may continue it ({@code null}: anybody), or null when unknown or expired. */
    CompletableFuture<Session> find(String id, String owner) {
        if (id == null || !ID.matcher(id).matches()) {
            return CompletableFuture.completedFuture(null);
        }
        return resources.onThreads(() -> resources.repository().find(KIND + "/" + id, resources.clock().instant())
                .filter(r -> owner == null || owner.equals(r.owner()))
                .map(r -> {
                    try {
                        JsonNode meta = Json.mapper().readTree(r.metadata());
                        return new Session(URI.create(meta.path("upstream").asText()), r.keyId(), r.owner());
                    } catch (java.io.IOException | IllegalArgumentException e) {
                        return null;
                    }
                })
                .orElse(null));
    }

    /** Forgets a finished session. */
    CompletableFuture<Void> close(String id) {
        return resources.forget(KIND + "/" + id);
    }

    static String withoutKey(String url) {
        String out = KEY_PARAM.matcher(url).replaceAll("$1");
        return out.endsWith("?") || out.endsWith("&") ? out.substring(0, out.length() - 1) : out;
    }
}
