package io.github.geminibalance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.retry.RetryLoop;
import io.github.geminibalance.spi.HttpTransport;
import io.github.geminibalance.store.FileRepository;
import io.github.geminibalance.store.StoredFile;
import io.github.geminibalance.upstream.GeminiClient;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gemini's Files API through the pool. A file belongs to the key that uploaded it (only that key can see it
 * at Gemini), so an upload is started with a pooled key (retried on another key if starting fails), and
 * everything after it (the upload's chunks, get, delete, and any request that names the file) goes to that
 * key only ({@link RetryLoop#runOn}). The file -> key id and owner mapping is kept in a {@link
 * FileRepository}; the repository may block, so it is used on this class's own threads.
 */
final class Files {

    /** How long Gemini keeps a file. */
    static final Duration FILE_LIFETIME = Duration.ofHours(48);
    /** The longest wait for Gemini's answer once an upload's body is sent. */
    static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(10);
    static final int DEFAULT_PAGE_SIZE = 10;
    static final int MAX_PAGE_SIZE = 100;

    private static final Pattern NAME = Pattern.compile("files/[a-z0-9][a-z0-9-]{0,62}");
    // a file URI as Gemini returns it: .../v1beta/files/{id} (maybe our own host: any host is accepted)
    private static final Pattern FILE_URI = Pattern.compile("/(files/[a-z0-9][a-z0-9-]{0,62})/?$");
    private static final byte[] FILES_MARK = "files/".getBytes(StandardCharsets.US_ASCII);

    private final RetryLoop retry;
    private final GeminiClient client;
    private final FileRepository repository;
    private final Clock clock;
    private final GeminiBalanceListener listener;
    private final Supplier<Duration> timeout;
    private final UploadSessions sessions = new UploadSessions();
    private final ThreadPoolExecutor executor;

    Files(RetryLoop retry, GeminiClient client, FileRepository repository, Clock clock, GeminiBalanceListener listener,
            Supplier<Duration> timeout) {
        this.retry = retry;
        this.client = client;
        this.repository = repository;
        this.clock = clock;
        this.listener = listener;
        this.timeout = timeout;
        this.executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1_000), r -> {
            Thread t = new Thread(r, "gemini-balance-files");
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Starts a resumable upload (or sends a small non-resumable one) with a pooled key. */
    CompletableFuture<FileAnswer> start(Map<String, String> headers, String query, byte[] body, String owner,
            RequestTrace trace) {
        Map<String, String> sent = UploadHeaders.toGemini(headers);
        URI uri = client.uploadUri(query);
        return observe(retry.run(ModelCatalog.POOL_KEY, Pipeline.traced(trace, retry.policy(),
                lease -> client.files(lease.key(), "POST", uri, sent, body, null, timeout.get())
                        .thenCompose(answer -> {
                            String upstream = answer.headers().get("x-goog-upload-url");
                            String session = upstream == null ? null
                                    : sessions.open(URI.create(upstream), lease.key().id(), owner, clock.instant());
                            return finished(answer, lease.key().id(), owner, session);
                        }))));
    }

    /** Sends a piece of a resumable upload (or its end) to Gemini, with the key that started it. */
    CompletableFuture<FileAnswer> upload(String session, Map<String, String> headers, Flow.Publisher<ByteBuffer> body,
            long length, String owner, RequestTrace trace) {
        UploadSessions.Session s = sessions.find(session, clock.instant());
        if (s == null || (owner != null && !owner.equals(s.owner()))) {
            return CompletableFuture.failedFuture(new InvalidRequestException(404, "upload_id", "not_found",
                    "No upload session with this upload_id: it expired, was finished, or never existed; "
                            + "start the upload again."));
        }
        Map<String, String> sent = UploadHeaders.toGemini(headers);
        HttpTransport.StreamedBody streamed = length > 0 ? new HttpTransport.StreamedBody(body, length) : null;
        byte[] none = length > 0 ? null : new byte[0];
        return observe(retry.runOn(s.keyId(), ModelCatalog.POOL_KEY, Pipeline.traced(trace, retry.policy(),
                lease -> client.files(lease.key(), "POST", s.upstream(), sent, none, streamed, UPLOAD_TIMEOUT)
                        .thenCompose(answer -> {
                            if ("final".equalsIgnoreCase(answer.headers().get("x-goog-upload-status"))) {
                                sessions.close(session);
                            }
                            return finished(answer, s.keyId(), s.owner(), null);
                        }))));
    }

    /**
     * A one-request upload ({@code uploadType=multipart} or {@code media}), the body streamed: one key,
     * no retry on another (the body cannot be sent twice).
     */
    CompletableFuture<FileAnswer> uploadWhole(Map<String, String> headers, String query, Flow.Publisher<ByteBuffer> body,
            long length, String owner, RequestTrace trace) {
        Map<String, String> sent = UploadHeaders.toGemini(headers);
        URI uri = client.uploadUri(query);
        AtomicBoolean used = new AtomicBoolean();
        HttpTransport.StreamedBody streamed = length > 0 ? new HttpTransport.StreamedBody(body, length) : null;
        return observe(retry.run(ModelCatalog.POOL_KEY, Pipeline.traced(trace, retry.policy(), lease -> {
            if (used.getAndSet(true)) {
                return CompletableFuture.failedFuture(new InvalidRequestException(502, null, "upload_failed",
                        "The upload failed and its body cannot be sent again: upload the file again."));
            }
            return client.files(lease.key(), "POST", uri, sent, streamed == null ? new byte[0] : null, streamed,
                    UPLOAD_TIMEOUT).thenCompose(answer -> finished(answer, lease.key().id(), owner, null));
        })));
    }

    /** {@code GET files/{id}}: Gemini's metadata, asked with the file's key. */
    CompletableFuture<FileAnswer> get(String name, String owner, RequestTrace trace) {
        return owned(name, owner).thenCompose(file -> observe(retry.runOn(file.keyId(), ModelCatalog.POOL_KEY,
                Pipeline.traced(trace, retry.policy(), lease -> client.files(lease.key(), "GET",
                        client.apiUri("/" + name), Map.of(), null, null, timeout.get()).thenApply(Files::answer)))));
    }

    /** {@code DELETE files/{id}}: deleted at Gemini with the file's key, then forgotten. */
    CompletableFuture<FileAnswer> delete(String name, String owner, RequestTrace trace) {
        return owned(name, owner).thenCompose(file -> observe(retry.runOn(file.keyId(), ModelCatalog.POOL_KEY,
                Pipeline.traced(trace, retry.policy(), lease -> client.files(lease.key(), "DELETE",
                        client.apiUri("/" + name), Map.of(), null, null, timeout.get()))))
                .thenCompose(answer -> onFileThreads(() -> {
                    repository.delete(name);
                    return answer(answer);
                })));
    }

    /** {@code GET files}: the owner's files (everybody's for {@code null}) from the repository. */
    CompletableFuture<FileAnswer> list(String owner, Integer pageSize, String pageToken) {
        int size = pageSize == null || pageSize <= 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
        String after;
        try {
            after = pageToken == null || pageToken.isEmpty() ? null
                    : new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new InvalidRequestException("pageToken",
                    "pageToken is not a token this server returned."));
        }
        return onFileThreads(() -> {
            List<StoredFile> page = repository.list(owner, clock.instant(), after, size + 1);
            ObjectNode out = Json.mapper().createObjectNode();
            ArrayNode files = out.putArray("files");
            for (StoredFile f : page.subList(0, Math.min(size, page.size()))) {
                files.add(Json.mapper().readTree(f.metadata()));
            }
            if (page.size() > size) {
                out.put("nextPageToken", Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(page.get(size - 1).name().getBytes(StandardCharsets.UTF_8)));
            }
            if (files.isEmpty()) {
                out.remove("files"); // as Gemini answers an empty list: {}
            }
            return new FileAnswer(200, "application/json; charset=UTF-8", Map.of(),
                    Json.mapper().writeValueAsBytes(out), null);
        });
    }

    /**
     * The key of the uploaded files a native request names ({@code fileData.fileUri}), or empty when it
     * names none this server knows (then any key serves it). Files of two different keys fail with a 400.
     */
    CompletableFuture<Optional<String>> keyFor(byte[] body, String owner) {
        if (body == null || !contains(body, FILES_MARK)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Set<String> names = new LinkedHashSet<>();
        try {
            collectFileNames(Json.mapper().readTree(body), names);
        } catch (java.io.IOException | RuntimeException notJson) {
            return CompletableFuture.completedFuture(Optional.empty()); // Gemini answers the client's bad JSON
        }
        if (names.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return onFileThreads(() -> {
            Instant now = clock.instant();
            String key = null;
            for (String name : names) {
                Optional<StoredFile> f = repository.find(name, now);
                if (f.isEmpty() || (owner != null && !owner.equals(f.get().owner()))) {
                    continue;
                }
                if (key != null && !key.equals(f.get().keyId())) {
                    throw new InvalidRequestException("fileData.fileUri", "The request names files uploaded with "
                            + "different Gemini API keys (" + String.join(", ", names) + "); a request can use "
                            + "files of one upload key only: upload them again together.");
                }
                key = f.get().keyId();
            }
            return Optional.ofNullable(key);
        });
    }

    /** A file URI's name ({@code files/abc}), or null when it is not a Files API URI. */
    static String nameOfUri(String uri) {
        Matcher m = FILE_URI.matcher(uri);
        return m.find() ? m.group(1) : null;
    }

    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static void collectFileNames(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if ((e.getKey().equals("fileUri") || e.getKey().equals("file_uri")) && e.getValue().isTextual()) {
                    String name = nameOfUri(e.getValue().asText());
                    if (name != null) {
                        names.add(name);
                    }
                } else {
                    collectFileNames(e.getValue(), names);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectFileNames(n, names));
        }
    }

    private CompletableFuture<StoredFile> owned(String name, String owner) {
        if (!validName(name)) {
            return CompletableFuture.failedFuture(new InvalidRequestException(400, "name", "invalid_argument",
                    "name: a file name is files/ and 1 to 63 lower-case letters, digits or dashes."));
        }
        return onFileThreads(() -> repository.find(name, clock.instant())
                .filter(f -> owner == null || owner.equals(f.owner()))
                .orElseThrow(() -> new InvalidRequestException(404, "name", "not_found",
                        "File " + name + " not found (unknown, expired, or uploaded by another client).")));
    }

    // Gemini's answer at the end of an upload: the file is recorded with its key before the client hears of it.
    private CompletableFuture<FileAnswer> finished(GeminiClient.FileExchange answer, String keyId, String owner,
            String session) {
        JsonNode file = fileOf(answer.body());
        FileAnswer out = new FileAnswer(answer.status(), answer.contentType() == null ? "application/json"
                : answer.contentType(), UploadHeaders.toClient(answer.headers()), answer.body(), session);
        if (file == null) {
            return CompletableFuture.completedFuture(out);
        }
        Instant now = clock.instant();
        Instant expires = now.plus(FILE_LIFETIME);
        if (file.path("expirationTime").isTextual()) {
            try {
                expires = Instant.parse(file.path("expirationTime").asText());
            } catch (java.time.format.DateTimeParseException ignored) {
                // Gemini's format changed: 48 hours
            }
        }
        StoredFile stored = new StoredFile(file.path("name").asText(), owner == null ? "" : owner, keyId, now, expires,
                file.toString());
        return onFileThreads(() -> {
            repository.save(stored);
            return out;
        });
    }

    private static JsonNode fileOf(byte[] body) {
        try {
            JsonNode file = Json.mapper().readTree(body).path("file");
            return file.isObject() && validName(file.path("name").asText(null)) ? file : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static FileAnswer answer(GeminiClient.FileExchange e) {
        return new FileAnswer(e.status(), e.contentType() == null ? "application/json" : e.contentType(), Map.of(),
                e.body(), null);
    }

    private <T> CompletableFuture<T> observe(CompletableFuture<T> call) {
        return Calls.observe(listener, "files", ModelCatalog.POOL_KEY, call);
    }

    @FunctionalInterface
    interface Work<T> {
        T run() throws Exception;
    }

    private <T> CompletableFuture<T> onFileThreads(Work<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(work.run());
                } catch (GeminiBalanceException e) {
                    result.completeExceptionally(e);
                } catch (io.github.geminibalance.store.StoreException e) {
                    result.completeExceptionally(new GeminiBalanceException(503, "server_error", "store_unavailable",
                            null, null, "the store of uploaded files cannot be reached; retry later", null));
                } catch (Exception e) {
                    result.completeExceptionally(io.github.geminibalance.retry.ErrorMapper.toClient(e, null));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(new GeminiBalanceException(503, "server_error", "overloaded", null, null,
                    "too many file requests at once; retry later", null));
        }
        return result;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
