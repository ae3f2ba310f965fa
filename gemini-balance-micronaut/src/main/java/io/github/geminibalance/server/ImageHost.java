package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.openai.ImagesResponse;
import io.github.geminibalance.store.ImageRepository;
import io.github.geminibalance.store.StoredImage;
import io.github.geminibalance.store.Store;
import io.micronaut.http.HttpRequest;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Keeps generated images for {@code response_format: url} and finds them again for {@code GET
 * /images/{id}.{ext}}. Each image gets a random id of {@value #ID_BYTES} bytes (144 bits), which is the
 * only thing that guards it: the path needs no token. The store may block on a database, so every store
 * call runs on this class's own threads, never on an event loop.
 */
@Singleton
final class ImageHost {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ImageHost.class);

    /** The path images are served under. */
    static final String PREFIX = "/images/";
    static final int ID_BYTES = 18;
    /** What an id looks like: base64url of {@value #ID_BYTES} bytes. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{24}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");
    private static final int THREADS = 2;
    private static final int QUEUE = 256;

    private final ImageRepository images;
    private final Clock clock;
    private final ImageSettings settings;
    private final SecureRandom random = new SecureRandom();
    private final ThreadPoolExecutor executor;
    // images handed out by keepLater whose write is still queued: served from here until it is done
    private final java.util.Map<String, StoredImage> writing = new java.util.concurrent.ConcurrentHashMap<>();

    ImageHost(Store store, Clock clock, ImageSettings settings) {
        this.images = store.images();
        this.clock = clock;
        this.settings = settings;
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                r -> {
                    Thread t = new Thread(r, "gemini-balance-images");
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * The answer with every image kept and replaced by its URL under {@code base}; fails with a 400 when
     * the store keeps no images.
     */
    CompletableFuture<ImagesResponse> host(ImagesResponse answer, String base) {
        if (!images.keeps()) {
            return CompletableFuture.failedFuture(new InvalidRequestException("response_format",
                    "response_format url is not available: this server's store keeps no images; use b64_json."));
        }
        return run(() -> {
            Instant now = clock.instant();
            List<ImagesResponse.Image> out = new ArrayList<>();
            for (ImagesResponse.Image image : answer.data()) {
                String mime = servedType(image.mimeType());
                byte[] bytes = Base64.getMimeDecoder().decode(image.b64Json());
                String id = newId();
                images.save(new StoredImage(id, mime, bytes, now, now.plus(settings.urlTtl())));
                out.add(new ImagesResponse.Image(null, base + PREFIX + id + "." + extension(mime),
                        image.revisedPrompt(), mime));
            }
            return ImagesResponse.of(answer.created(), List.copyOf(out));
        });
    }

    /**
     * Keeps an image without waiting for the store (for answers already on their way, a chat stream's):
     * its URL is valid at once, the image served from memory until its write is done.
     *
     * @return the image's URL, or null when the store keeps no images or is too busy (then the caller
     *     shows the image inline instead)
     */
    String keepLater(String mimeType, byte[] bytes, String base) {
        if (!images.keeps()) {
            return null;
        }
        Instant now = clock.instant();
        String mime = servedType(mimeType);
        StoredImage image = new StoredImage(newId(), mime, bytes, now, now.plus(settings.urlTtl()));
        writing.put(image.id(), image);
        try {
            executor.execute(() -> {
                try {
                    images.save(image);
                } catch (RuntimeException e) {
                    log.warn("An image of a chat answer could not be stored: {}", e.toString());
                } finally {
                    writing.remove(image.id());
                }
            });
        } catch (RejectedExecutionException e) {
            writing.remove(image.id());
            return null;
        }
        return base + PREFIX + image.id() + "." + extension(mime);
    }

    /** The image of an id if it is still served. */
    CompletableFuture<Optional<StoredImage>> find(String id) {
        if (!ID.matcher(id).matches()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        StoredImage pending = writing.get(id);
        if (pending != null) {
            return CompletableFuture.completedFuture(pending.expiredAt(clock.instant()) ? Optional.empty()
                    : Optional.of(pending));
        }
        return run(() -> images.find(id, clock.instant()));
    }

    /** The time of the store's clock. */
    Instant now() {
        return clock.instant();
    }

    /** {@link #base}, or null when the request does not say a usable one. */
    String baseOrNull(HttpRequest<?> request) {
        try {
            return base(request);
        } catch (InvalidRequestException e) {
            return null;
        }
    }

    /**
     * The address clients reach this server at: {@code PUBLIC_BASE_URL}, else the request's
     * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}, else its {@code Host}.
     */
    String base(HttpRequest<?> request) {
        if (settings.publicBaseUrl() != null) {
            return settings.publicBaseUrl();
        }
        String proto = first(request.getHeaders().get("X-Forwarded-Proto"));
        String scheme = "https".equalsIgnoreCase(proto) ? "https" : "http".equalsIgnoreCase(proto) ? "http"
                : request.isSecure() ? "https" : "http";
        String host = first(request.getHeaders().get("X-Forwarded-Host"));
        if (host == null || !HOST.matcher(host).matches()) {
            host = first(request.getHeaders().get("Host"));
        }
        if (host == null || !HOST.matcher(host).matches()) {
            throw new InvalidRequestException("response_format", "response_format url needs the server's address: "
                    + "send a valid Host header, or ask the operator to set PUBLIC_BASE_URL.");
        }
        return scheme + "://" + host.toLowerCase(Locale.ROOT);
    }

    /** The MIME type an image is served with: a known image type, else {@code image/png}. */
    static String servedType(String mime) {
        String m = mime == null ? "" : mime.toLowerCase(Locale.ROOT).strip();
        return switch (m) {
            case "image/jpeg", "image/webp", "image/gif" -> m;
            default -> "image/png";
        };
    }

    private static String extension(String mime) {
        return switch (mime) {
            case "image/jpeg" -> "jpg";
            case "image/webp" -> "webp";
            case "image/gif" -> "gif";
            default -> "png";
        };
    }

    private String newId() {
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String first(String header) {
        if (header == null) {
            return null;
        }
        int comma = header.indexOf(',');
        String v = (comma < 0 ? header : header.substring(0, comma)).strip();
        return v.isEmpty() ? null : v;
    }

    private <T> CompletableFuture<T> run(java.util.function.Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return work.get();
                } catch (io.github.geminibalance.store.StoreException e) {
                    throw new GeminiBalanceException(503, "server_error", "store_unavailable", null, null,
                            "The image store cannot be reached right now; retry shortly.", e);
                }
            }, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new GeminiBalanceException(503, "server_error", "images_busy", null,
                    java.time.Duration.ofSeconds(1), "Too many images are being stored right now; retry shortly.", null));
        }
    }

    @PreDestroy
    void close() {
        executor.shutdown();
    }
}
