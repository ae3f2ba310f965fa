package io.github.geminibalance.server;

import io.github.geminibalance.ResourceAnswer;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiBalanceException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Gemini's Files API through the pool, for the genai SDKs' {@code files.upload/get/list/delete}:
 *
 * <ul>
 *   <li>{@code POST /upload/v1beta/files} (and under {@code /gemini}): the resumable protocol's
 *       {@code start} (its small JSON body read whole) is sent with a pooled key; the
 *       {@code X-Goog-Upload-URL} the client gets points at this server, with an unguessable
 *       {@code upload_id}, never Gemini's URL or a key. A multipart or media upload is streamed upstream.
 *   <li>{@code POST} or {@code PUT} on that URL ({@code upload_id}): the chunk is streamed, as it
 *       arrives, to Gemini with the key that started the upload.
 *   <li>{@code GET /v1beta/files} lists the caller's files from the store; {@code GET} and {@code DELETE
 *       /v1beta/files/{id}} go to Gemini with the file's key.
 * </ul>
 *
 * With {@code FILES_USER_ISOLATION_ENABLED} (the default) a client token sees only its own files and
 * uploads; another token's are answered 404. Errors are in Gemini's shape ({@link NativeErrors}).
 */
@Controller
final class FilesController {

    static final List<String> UPLOAD_PATHS = List.of("/upload/v1beta/files", "/gemini/upload/v1beta/files");
    /** The prefixes of the download endpoint ({@code files/{id}:download?alt=media} under them). */
    static final List<String> DOWNLOAD_PREFIXES = List.of("/download/v1beta/", "/gemini/download/v1beta/");
    /** The most bytes of the {@code start} command's body (file metadata) read into memory. */
    static final int MAX_START_BODY = 64 * 1024;

    private static final String BODY_ATTRIBUTE = "gemini-balance.files-body";

    private final GeminiBalance gemini;
    private final FilesSettings settings;
    private final KeyScrubbers scrubbers;
    private final NativeRelay relay;

    FilesController(GeminiBalance gemini, FilesSettings settings, SseResponses sse) {
        this.gemini = gemini;
        this.settings = settings;
        this.scrubbers = new KeyScrubbers(gemini::keyValues);
        this.relay = new NativeRelay(scrubbers, NativeErrors::body, sse::keepAlive);
    }

    /** Whether a path is the upload endpoint (authenticated and answered the native way). */
    static boolean isUploadPath(String path) {
        return UPLOAD_PATHS.contains(path);
    }

    /** Whether a path is under the download endpoint (authenticated and answered the native way). */
    static boolean isDownloadPath(String path) {
        return DOWNLOAD_PREFIXES.stream().anyMatch(path::startsWith);
    }

    /** Starts an upload, sends a one-request upload, or continues a resumable one ({@code upload_id}). */
    @Post(uris = {"/upload/v1beta/files", "/gemini/upload/v1beta/files"}, consumes = MediaType.ALL,
            produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> upload(HttpRequest<?> request) {
        Publisher<byte[]> body = body(request);
        String session = request.getParameters().get("upload_id");
        if (session != null) {
            return chunk(request, session, body);
        }
        String protocol = header(request, "x-goog-upload-protocol");
        String command = header(request, "x-goog-upload-command");
        String query = NativeController.withoutKey(request.getUri().getRawQuery());
        if ("resumable".equalsIgnoreCase(protocol)) {
            if (command == null || !command.toLowerCase(Locale.ROOT).contains("start")) {
                return done(request, CompletableFuture.failedFuture(invalid(400, "X-Goog-Upload-Command: a resumable "
                        + "upload begins with the command 'start'; send the chunks to the X-Goog-Upload-URL it returns.")));
            }
            CompletableFuture<ResourceAnswer> answer = collect(body, MAX_START_BODY).thenCompose(bytes ->
                    gemini.files().start(headers(request), query, bytes, KeyBoundRequests.label(request), AccessLogFilter.trace(request)));
            return done(request, answer);
        }
        long length = request.getContentLength();
        if (length < 0) {
            return done(request, CompletableFuture.failedFuture(invalid(411, "Content-Length is required for an "
                    + "upload (or use X-Goog-Upload-Protocol: resumable).")));
        }
        return done(request, gemini.files().uploadWhole(headers(request), query, flow(body), length, KeyBoundRequests.label(request),
                AccessLogFilter.trace(request)));
    }

    /** A chunk sent with {@code PUT}, as some clients do. */
    @Put(uris = {"/upload/v1beta/files", "/gemini/upload/v1beta/files"}, consumes = MediaType.ALL,
            produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> put(HttpRequest<?> request) {
        Publisher<byte[]> body = body(request);
        String session = request.getParameters().get("upload_id");
        if (session == null) {
            return done(request, CompletableFuture.failedFuture(invalid(400,
                    "upload_id: PUT continues an upload; start it with POST and X-Goog-Upload-Protocol: resumable.")));
        }
        return chunk(request, session, body);
    }

    @Get(uris = {"/v1beta/files", "/gemini/v1beta/files"}, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> list(HttpRequest<?> request) {
        Integer pageSize;
        try {
            pageSize = KeyBoundRequests.pageSize(request);
        } catch (io.github.geminibalance.InvalidRequestException e) {
            return done(request, CompletableFuture.failedFuture(e));
        }
        return done(request, gemini.files().list(KeyBoundRequests.owner(request, settings), pageSize,
                request.getParameters().get("pageToken")));
    }

    /** A file's metadata, or with {@code :download} (as the Java SDK asks) its bytes. */
    @Get(uris = {"/v1beta/files/{id}", "/gemini/v1beta/files/{id}"},
            produces = {MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM})
    CompletableFuture<MutableHttpResponse<byte[]>> get(HttpRequest<?> request, @PathVariable String id) {
        String name = NativeController.resource(request);
        if (name != null && name.endsWith(":download")) {
            return sendFile(request, name);
        }
        return done(request, gemini.files().get("files/" + id, KeyBoundRequests.owner(request, settings), AccessLogFilter.trace(request)));
    }

    /**
     * {@code GET /download/v1beta/files/{id}:download?alt=media}: a file's bytes (a batch's results, say),
     * streamed from Gemini with the file's key.
     */
    @Get(uris = {"/download/v1beta/files/{id}", "/gemini/download/v1beta/files/{id}"},
            produces = MediaType.APPLICATION_OCTET_STREAM)
    CompletableFuture<MutableHttpResponse<byte[]>> download(HttpRequest<?> request, @PathVariable String id) {
        String raw = request.getUri().getRawPath();
        String name = raw.substring(raw.indexOf("/files/") + 1).replace("%3A", ":").replace("%3a", ":");
        return sendFile(request, name);
    }

    private CompletableFuture<MutableHttpResponse<byte[]>> sendFile(HttpRequest<?> request, String resource) {
        if (!resource.endsWith(":download")) {
            return CompletableFuture.completedFuture(NativeErrors.of(404,
                    "Unknown resource: a download is files/{id}:download?alt=media."));
        }
        String name = resource.substring(0, resource.length() - ":download".length());
        return gemini.files().download(name, KeyBoundRequests.owner(request, settings), AccessLogFilter.trace(request))
                .thenCompose(response -> relay.answer(request, response, false))
                .handle((response, failure) -> failure == null ? response : KeyBoundRequests.failed(request, failure));
    }

    @Delete(uris = {"/v1beta/files/{id}", "/gemini/v1beta/files/{id}"}, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> delete(HttpRequest<?> request, @PathVariable String id) {
        return done(request, gemini.files().delete("files/" + id, KeyBoundRequests.owner(request, settings), AccessLogFilter.trace(request)));
    }

    private CompletableFuture<MutableHttpResponse<byte[]>> chunk(HttpRequest<?> request, String session,
            @Nullable Publisher<byte[]> body) {
        long length = request.getContentLength();
        if (length < 0) {
            return done(request, CompletableFuture.failedFuture(invalid(411,
                    "Content-Length is required for an upload chunk.")));
        }
        return done(request, gemini.files().upload(session, headers(request), flow(body), length, KeyBoundRequests.owner(request, settings),
                AccessLogFilter.trace(request)));
    }

    private CompletableFuture<MutableHttpResponse<byte[]>> done(HttpRequest<?> request,
            CompletableFuture<ResourceAnswer> call) {
        return call.handle((answer, failure) -> {
            request.getAttribute(BODY_ATTRIBUTE, Runnable.class).ifPresent(Runnable::run); // drains an unread body
            return failure == null ? answer(request, answer) : KeyBoundRequests.failed(request, failure);
        });
    }

    private MutableHttpResponse<byte[]> answer(HttpRequest<?> request, ResourceAnswer answer) {
        KeyScrubber scrubber = scrubbers.get();
        byte[] body = scrubber.scrub(answer.body());
        MutableHttpResponse<byte[]> response = HttpResponse.<byte[]>status(io.micronaut.http.HttpStatus.valueOf(answer.status()))
                .body(body).contentType(answer.contentType());
        answer.headers().forEach((name, value) -> response.header(name, scrubber.scrub(value)));
        if (answer.uploadSession() != null) {
            String prefix = request.getPath().startsWith("/gemini/") ? "/gemini" : "";
            response.header("X-Goog-Upload-URL", base(request) + prefix + "/upload/v1beta/files?upload_id="
                    + URLEncoder.encode(answer.uploadSession(), StandardCharsets.UTF_8) + "&upload_protocol=resumable");
        }
        return response;
    }

    /** Where the client reached us: its Host header, with the scheme a proxy in front reports. */
    private static String base(HttpRequest<?> request) {
        String host = request.getHeaders().get(HttpHeaders.HOST);
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.\\-:\\[\\]]+")) {
            host = "localhost";
        }
        String proto = request.getHeaders().get("X-Forwarded-Proto");
        String scheme = "https".equalsIgnoreCase(proto) ? "https" : "http";
        return scheme + "://" + host;
    }


    private static GeminiBalanceException invalid(int status, String message) {
        return new io.github.geminibalance.InvalidRequestException(status, null, "invalid_argument", message);
    }



    private static String header(HttpRequest<?> request, String name) {
        return request.getHeaders().get(name);
    }

    private static Map<String, String> headers(HttpRequest<?> request) {
        Map<String, String> out = new HashMap<>();
        request.getHeaders().forEachValue((name, value) -> out.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
        return out;
    }

    /**
     * The request's bytes as they arrive, whatever the content type (a {@code @Body} publisher would be
     * parsed by type: JSON would be split into values); null without a body.
     */
    private static @Nullable Publisher<byte[]> body(HttpRequest<?> request) {
        if (!(request instanceof io.micronaut.http.ServerHttpRequest<?> server)) {
            return null;
        }
        Publisher<byte[]> bytes = server.byteBody().move().toByteArrayPublisher();
        java.util.concurrent.atomic.AtomicBoolean read = new java.util.concurrent.atomic.AtomicBoolean();
        request.setAttribute(BODY_ATTRIBUTE, (Runnable) () -> {
            if (read.compareAndSet(false, true)) {
                bytes.subscribe(new Drain());
            }
        });
        return subscriber -> {
            read.set(true);
            bytes.subscribe(subscriber);
        };
    }

    /** Reads a body nobody wanted (an unknown upload_id, say) to its end, so the connection can serve the next request. */
    private static final class Drain implements Subscriber<byte[]> {
        @Override
        public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(byte[] bytes) {
            // dropped
        }

        @Override
        public void onError(Throwable t) {
            // the connection's own handling applies
        }

        @Override
        public void onComplete() {
            // done
        }
    }

    /** The request body as the core reads it: one buffer at a time, as the client's bytes arrive. */
    private static Flow.Publisher<ByteBuffer> flow(@Nullable Publisher<byte[]> body) {
        if (body == null) {
            return subscriber -> {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override public void request(long n) {}
                    @Override public void cancel() {}
                });
                subscriber.onComplete();
            };
        }
        return subscriber -> body.subscribe(new Subscriber<>() {
            @Override
            public void onSubscribe(Subscription s) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override public void request(long n) {
                        s.request(n);
                    }

                    @Override public void cancel() {
                        s.cancel();
                    }
                });
            }

            @Override
            public void onNext(byte[] bytes) {
                subscriber.onNext(ByteBuffer.wrap(bytes));
            }

            @Override
            public void onError(Throwable t) {
                subscriber.onError(t);
            }

            @Override
            public void onComplete() {
                subscriber.onComplete();
            }
        });
    }

    /** A small body, read whole up to {@code limit} bytes (a 413 above it). */
    private static CompletableFuture<byte[]> collect(@Nullable Publisher<byte[]> body, int limit) {
        CompletableFuture<byte[]> out = new CompletableFuture<>();
        if (body == null) {
            out.complete(new byte[0]);
            return out;
        }
        body.subscribe(new Subscriber<>() {
            final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            Subscription s;

            @Override
            public void onSubscribe(Subscription s) {
                this.s = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(byte[] b) {
                if (out.isDone()) {
                    return;
                }
                if (bytes.size() + b.length > limit) {
                    s.cancel();
                    out.completeExceptionally(invalid(413, "The upload's start command carries the file's metadata "
                            + "only, at most " + limit + " bytes; send the file's bytes to the upload URL."));
                    return;
                }
                bytes.write(b, 0, b.length);
            }

            @Override
            public void onError(Throwable t) {
                out.completeExceptionally(invalid(400, "The request body could not be read."));
            }

            @Override
            public void onComplete() {
                out.complete(bytes.toByteArray());
            }
        });
        return out;
    }
}
