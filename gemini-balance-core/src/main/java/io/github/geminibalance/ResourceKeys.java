package io.github.geminibalance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.retry.ErrorMapper;
import io.github.geminibalance.store.ResourceRepository;
import io.github.geminibalance.store.StoreException;
import io.github.geminibalance.store.StoredResource;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which pool key each Gemini resource lives with (uploaded files, cached contents, batches, uploads under
 * way; only the key that made one can see it at Gemini), and the questions every key-bound call asks:
 * whose is this name, which key does this request need, a page of one kind. Kept in a {@link
 * ResourceRepository}, which may block on a database, so it is used on this class's own threads.
 */
final class ResourceKeys {

    static final int DEFAULT_PAGE_SIZE = 10;
    static final int MAX_PAGE_SIZE = 100;

    private static final Pattern FILE_NAME = Pattern.compile("files/[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern CACHE_NAME = Pattern.compile("cachedContents/[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
    private static final Pattern BATCH_NAME = Pattern.compile("batches/[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
    // a file URI as Gemini returns it: .../v1beta/files/{id} (maybe our own host: any host is accepted)
    private static final Pattern FILE_URI = Pattern.compile("/(files/[a-z0-9][a-z0-9-]{0,62})/?$");
    // the fields collectNames reads, with their quotes
    private static final List<byte[]> FIELD_MARKS = java.util.stream.Stream.of("fileUri", "file_uri", "fileName",
            "file_name", "cachedContent", "cached_content")
            .map(f -> ("\"" + f + "\"").getBytes(StandardCharsets.US_ASCII)).toList();

    private final ResourceRepository repository;
    private final Clock clock;
    private final ThreadPoolExecutor executor;

    ResourceKeys(ResourceRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
        this.executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1_000), r -> {
            Thread t = new Thread(r, "gemini-balance-resources");
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
    }

    Clock clock() {
        return clock;
    }

    ResourceRepository repository() {
        return repository;
    }

    static boolean validFileName(String name) {
        return name != null && FILE_NAME.matcher(name).matches();
    }

    /** Whether {@code name} is a well-formed name of a kept kind ({@code files}, {@code cachedContents}, {@code batches}). */
    static boolean validName(String name) {
        return name != null && (FILE_NAME.matcher(name).matches() || CACHE_NAME.matcher(name).matches()
                || BATCH_NAME.matcher(name).matches());
    }

    /** A file URI's name ({@code files/abc}), or null when it is not a Files API URI. */
    static String nameOfUri(String uri) {
        Matcher m = FILE_URI.matcher(uri);
        return m.find() ? m.group(1) : null;
    }

    /**
     * The resource {@code name} as {@code owner} may see it ({@code null}: anybody), or a 404 {@code
     * not_found} naming it as {@code what} ("File", "Cached content", ...).
     */
    CompletableFuture<StoredResource> owned(String name, String owner, String what) {
        return onThreads(() -> repository.find(name, clock.instant())
                .filter(r -> owner == null || owner.equals(r.owner()))
                .orElseThrow(() -> new InvalidRequestException(404, "name", "not_found",
                        what + " " + name + " not found (unknown, expired, or made by another client).")));
    }

    /** Keeps a resource (replacing one of the same name). */
    CompletableFuture<Void> save(StoredResource resource) {
        return onThreads(() -> {
            repository.save(resource);
            return null;
        });
    }

    /** Forgets a resource. */
    CompletableFuture<Void> forget(String name) {
        return onThreads(() -> {
            repository.delete(name);
            return null;
        });
    }

    /**
     * Passes {@code failure} on; when it is Gemini saying {@code name} is gone (expired or deleted elsewhere:
     * a 404, or a 403 "not found" / "may not exist"), forgets the name first, so that it leaves the lists and
     * is not asked for again.
     */
    <T> CompletableFuture<T> forgetIfGone(String name, Throwable failure) {
        Throwable t = io.github.geminibalance.retry.RetryPolicy.unwrap(failure);
        boolean gone = t instanceof io.github.geminibalance.upstream.GeminiApiException e && (e.httpStatus() == 404
                || (e.httpStatus() == 403 && (e.error().message().toLowerCase(java.util.Locale.ROOT).contains("not found")
                        || e.error().message().toLowerCase(java.util.Locale.ROOT).contains("not exist"))));
        return gone ? forget(name).thenCompose(x -> CompletableFuture.<T>failedFuture(failure))
                : CompletableFuture.failedFuture(failure);
    }

    /**
     * A page of {@code owner}'s resources of one kind, in Gemini's list shape: the kept objects under
     * {@code field}, then {@code nextPageToken}; {@code {}} when there are none, as Gemini answers.
     */
    CompletableFuture<ResourceAnswer> page(String kind, String field, String owner, Integer pageSize,
            String pageToken) {
        int size = pageSize == null || pageSize <= 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
        String after;
        try {
            after = pageToken == null || pageToken.isEmpty() ? null
                    : new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new InvalidRequestException("pageToken",
                    "pageToken is not a token this server returned."));
        }
        return onThreads(() -> {
            List<StoredResource> page = repository.list(kind, owner, clock.instant(), after, size + 1);
            ObjectNode out = Json.mapper().createObjectNode();
            ArrayNode items = out.putArray(field);
            for (StoredResource r : page.subList(0, Math.min(size, page.size()))) {
                items.add(Json.mapper().readTree(r.metadata()));
            }
            if (page.size() > size) {
                out.put("nextPageToken", Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(page.get(size - 1).name().getBytes(StandardCharsets.UTF_8)));
            }
            if (items.isEmpty()) {
                out.remove(field);
            }
            return new ResourceAnswer(200, "application/json; charset=UTF-8", Map.of(),
                    Json.mapper().writeValueAsBytes(out), null);
        });
    }

    /**
     * The key of the kept resources a request body names, or empty when it names none this server knows
     * (then any key serves it): uploaded files ({@code fileData.fileUri}, a batch's {@code fileName}) and
     * cached contents ({@code cachedContent}). Resources of two different keys fail with a 400.
     */
    CompletableFuture<Optional<String>> keyFor(byte[] body, String owner) {
        if (body == null || !mayName(body)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Set<String> names = new LinkedHashSet<>();
        try {
            collectNames(Json.mapper().readTree(body), names);
        } catch (java.io.IOException | RuntimeException notJson) {
            return CompletableFuture.completedFuture(Optional.empty()); // Gemini answers the client's bad JSON
        }
        return keyFor(names, owner);
    }

    /** {@link #keyFor(byte[], String)} for names already found. */
    CompletableFuture<Optional<String>> keyFor(Set<String> names, String owner) {
        if (names.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return onThreads(() -> {
            Instant now = clock.instant();
            String key = null;
            for (String name : names) {
                Optional<StoredResource> r = repository.find(name, now);
                if (r.isEmpty() || (owner != null && !owner.equals(r.get().owner()))) {
                    continue;
                }
                if (key != null && !key.equals(r.get().keyId())) {
                    throw new InvalidRequestException(names.stream().anyMatch(n -> n.startsWith("cachedContents/"))
                            ? "cachedContent" : "fileData.fileUri", "The request names files or cached contents made "
                            + "with different Gemini API keys (" + String.join(", ", names) + "); a request can use "
                            + "those of one key only: upload or cache them again together.");
                }
                key = r.get().keyId();
            }
            return Optional.ofNullable(key);
        });
    }

    /** Collects the kept resources a Gemini request names, at any depth. */
    static void collectNames(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                JsonNode value = e.getValue();
                if (!value.isTextual()) {
                    collectNames(value, names);
                    return;
                }
                String text = value.asText();
                switch (e.getKey()) {
                    case "fileUri", "file_uri" -> {
                        String name = nameOfUri(text);
                        if (name != null) {
                            names.add(name);
                        }
                    }
                    case "fileName", "file_name" -> {
                        if (validFileName(text)) {
                            names.add(text);
                        }
                    }
                    case "cachedContent", "cached_content" -> {
                        if (CACHE_NAME.matcher(text).matches()) {
                            names.add(text);
                        }
                    }
                    default -> {
                        // other text
                    }
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectNames(n, names));
        }
    }

    @FunctionalInterface
    interface Work<T> {
        T run() throws Exception;
    }

    /** Runs repository work on this class's threads; a store that fails is a 503 {@code store_unavailable}. */
    <T> CompletableFuture<T> onThreads(Work<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(work.run());
                } catch (GeminiBalanceException e) {
                    result.completeExceptionally(e);
                } catch (StoreException e) {
                    result.completeExceptionally(new GeminiBalanceException(503, "server_error", "store_unavailable",
                            null, null, "the store of key-bound resources (files, caches, batches) cannot be "
                                    + "reached; retry later", null));
                } catch (Exception e) {
                    result.completeExceptionally(ErrorMapper.toClient(e, null));
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new GeminiBalanceException(503, "server_error", "overloaded", null, null,
                    "too many file, cache or batch requests at once; retry later", null));
        }
        return result;
    }

    // one pass over the body (every generation request's): does a field that may name a kept resource occur?
    // The quotes matter: inside a JSON string a quote is escaped, so a prompt that mentions "fileUri" or
    // files/... does not count, and only bodies with such a field are parsed.
    static boolean mayName(byte[] body) {
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '"') {
                for (byte[] mark : FIELD_MARKS) {
                    if (at(body, i, mark)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean at(byte[] body, int from, byte[] mark) {
        if (from + mark.length > body.length) {
            return false;
        }
        for (int j = 1; j < mark.length; j++) {
            if (body[from + j] != mark[j]) {
                return false;
            }
        }
        return true;
    }
}
