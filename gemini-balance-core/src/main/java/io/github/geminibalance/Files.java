package io.github.geminibalance;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.retry.RetryLoop;
import io.github.geminibalance.spi.HttpTransport;
import io.github.geminibalance.store.StoredResource;
import io.github.geminibalance.upstream.GeminiClient;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Gemini's Files API through the pool. A file belongs to the key that uploaded it (only that key can see it
 * at Gemini), so an upload is started with a pooled key (retried on another key if starting fails), and
 * everything after it (the upload's chunks, get, delete, download, and any request that names the file) goes
 * to that key only ({@link RetryLoop#runOn}). The file -> key id and owner mapping, and the uploads under
 * way, are kept with the other key-bound resources ({@link ResourceKeys}).
 */
final class Files {

    /** How long Gemini keeps a file. */
    static final Duration FILE_LIFETIME = Duration.ofHours(48);
    /** The longest wait for Gemini's answer once an upload's body is sent. */
    static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(10);
    static final String KIND = "files";

    private final RetryLoop retry;
    private final GeminiClient client;
    private final ResourceKeys resources;
    private final GeminiBalanceListener listener;
    private final Supplier<Duration> timeout;
    private final UploadSessions sessions;

    Files(RetryLoop retry, GeminiClient client, ResourceKeys resources, GeminiBalanceListener listener,
            Supplier<Duration> timeout) {
        this.retry = retry;
        this.client = client;
        this.resources = resources;
        this.listener = listener;
        this.timeout = timeout;
        this.sessions = new UploadSessions(resources);
    }

    /** Starts a resumable upload (or sends a small non-resumable one) with a pooled key. */
    CompletableFuture<ResourceAnswer> start(Map<String, String> headers, String query, byte[] body, String owner,
            RequestTrace trace) {
        Map<String, String> sent = UploadHeaders.toGemini(headers);
        URI uri = client.uploadUri(query);
        return observe(retry.run(ModelCatalog.POOL_KEY, Pipeline.traced(trace, retry.policy(),
                lease -> client.files(lease.key(), "POST", uri, sent, body, null, timeout.get())
                        .thenCompose(answer -> {
                            String upstream = answer.headers().get("x-goog-upload-url");
                            if (upstream == null) {
                                return finished(answer, lease.key().id(), owner, null);
                            }
                            return sessions.open(URI.create(upstream), lease.key().id(), owner)
                                    .thenCompose(session -> finished(answer, lease.key().id(), owner, session));
                        }))));
    }

    /** Sends a piece of a resumable upload (or its end) to Gemini, with the key that started it. */
    CompletableFuture<ResourceAnswer> upload(String session, Map<String, String> headers,
            Flow.Publisher<ByteBuffer> body, long length, String owner, RequestTrace trace) {
        return sessions.find(session, owner).thenCompose(s -> {
            if (s == null) {
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
                                CompletableFuture<Void> closed =
                                        "final".equalsIgnoreCase(answer.headers().get("x-goog-upload-status"))
                                                ? sessions.close(session) : CompletableFuture.completedFuture(null);
                                return closed.thenCompose(x -> finished(answer, s.keyId(), s.owner(), null));
                            }))));
        });
    }

    /**
     * A one-request upload ({@code uploadType=multipart} or {@code media}), the body streamed: one key,
     * no retry on another (the body cannot be sent twice).
     */
    CompletableFuture<ResourceAnswer> uploadWhole(Map<String, String> headers, String query,
            Flow.Publisher<ByteBuffer> body, long length, String owner, RequestTrace trace) {
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

    /** {@code GET files/{id}}: Gemini's metadata, asked with the file's key; a file Gemini no longer has is forgotten. */
    CompletableFuture<ResourceAnswer> get(String name, String owner, RequestTrace trace) {
        return owned(name, owner).thenCompose(file -> observe(retry.runOn(file.keyId(), ModelCatalog.POOL_KEY,
                Pipeline.traced(trace, retry.policy(), lease -> client.files(lease.key(), "GET",
                        client.apiUri("/" + name), Map.of(), null, null, timeout.get()).thenApply(Files::answer)
                        .exceptionallyCompose(failure -> resources.forgetIfGone(name, failure))))));
    }

    /** {@code DELETE files/{id}}: deleted at Gemini with the file's key, then forgotten. */
    CompletableFuture<ResourceAnswer> delete(String name, String owner, RequestTrace trace) {
        return owned(name, owner).thenCompose(file -> observe(retry.runOn(file.keyId(), ModelCatalog.POOL_KEY,
                Pipeline.traced(trace, retry.policy(), lease -> client.files(lease.key(), "DELETE",
                        client.apiUri("/" + name), Map.of(), null, null, timeout.get())
                        .exceptionallyCompose(failure -> resources.forgetIfGone(name, failure)))))
                .thenCompose(answer -> resources.forget(name).thenApply(x -> answer(answer))));
    }

    /** {@code GET files}: the owner's files (everybody's for {@code null}) from the store. */
    CompletableFuture<ResourceAnswer> list(String owner, Integer pageSize, String pageToken) {
        return resources.page(KIND, "files", owner, pageSize, pageToken);
    }

    /**
     * Records a file another call made with {@code keyId} (a batch's results file), so that it can be
     * read and downloaded with its key; kept until Gemini's 48 hours are over.
     */
    CompletableFuture<Void> adopt(String name, String keyId, String owner) {
        if (!ResourceKeys.validFileName(name)) {
            return CompletableFuture.completedFuture(null);
        }
        Instant now = resources.clock().instant();
        String metadata = Json.mapper().createObjectNode().put("name", name).toString();
        return resources.onThreads(() -> {
            if (resources.repository().find(name, now).isEmpty()) {
                resources.repository().save(new StoredResource(name, owner == null ? "" : owner, keyId, now,
                        now.plus(FILE_LIFETIME), metadata));
            }
            return null;
        });
    }

    /** The file as {@code owner} may see it, or a 404 (a 400 for a malformed name). */
    CompletableFuture<StoredResource> owned(String name, String owner) {
        if (!ResourceKeys.validFileName(name)) {
            return CompletableFuture.failedFuture(new InvalidRequestException(400, "name", "invalid_argument",
                    "name: a file name is files/ and 1 to 63 lower-case letters, digits or dashes."));
        }
        return resources.owned(name, owner, "File");
    }

    // Gemini's answer at the end of an upload: the file is recorded with its key before the client hears of it.
    private CompletableFuture<ResourceAnswer> finished(GeminiClient.FileExchange answer, String keyId, String owner,
            String session) {
        JsonNode file = fileOf(answer.body());
        ResourceAnswer out = new ResourceAnswer(answer.status(), answer.contentType() == null ? "application/json"
                : answer.contentType(), UploadHeaders.toClient(answer.headers()), answer.body(), session);
        if (file == null) {
            return CompletableFuture.completedFuture(out);
        }
        Instant now = resources.clock().instant();
        Instant expires = now.plus(FILE_LIFETIME);
        if (file.path("expirationTime").isTextual()) {
            try {
                expires = Instant.parse(file.path("expirationTime").asText());
            } catch (java.time.format.DateTimeParseException ignored) {
                // Gemini's format changed: 48 hours
            }
        }
        return resources.save(new StoredResource(file.path("name").asText(), owner == null ? "" : owner, keyId, now,
                expires, file.toString())).thenApply(saved -> out);
    }

    private static JsonNode fileOf(byte[] body) {
        try {
            JsonNode file = Json.mapper().readTree(body).path("file");
            return file.isObject() && ResourceKeys.validFileName(file.path("name").asText(null)) ? file : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static ResourceAnswer answer(GeminiClient.FileExchange e) {
        return new ResourceAnswer(e.status(), e.contentType() == null ? "application/json" : e.contentType(), Map.of(),
                e.body(), null);
    }

    private <T> CompletableFuture<T> observe(CompletableFuture<T> call) {
        return Calls.observe(listener, "files", ModelCatalog.POOL_KEY, call);
    }
}
