package io.github.geminibalance;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Gemini's Files API through the pool ({@link GeminiBalance#files()}). A file at Gemini belongs to the API key
 * that uploaded it, so every call about a file, and every generation request that names it, goes with that
 * key; each file is also kept with its owner (a client label), and an owner sees only its own files.
 * Failures complete the futures with a {@link GeminiBalanceException}.
 */
public final class GeminiFiles {

    private final Files files;
    private final Passthrough passthrough;

    GeminiFiles(Files files, Passthrough passthrough) {
        this.files = files;
        this.passthrough = passthrough;
    }

    /**
     * Starts a Files API upload ({@code POST /upload/v1beta/files}, small body: the resumable protocol's
     * {@code start} command with the file's metadata) with a pooled key, retried on another key if
     * starting fails. A resumable start opens a session, named by {@link ResourceAnswer#uploadSession()}, that
     * only the key that started it continues ({@link #upload}); Gemini's upload URL is never
     * handed out.
     *
     * @param headers the client's headers; only {@code x-goog-upload-*} and {@code content-type} are sent
     * @param query the query to send (without the client's {@code key}), or null
     * @param body the body (JSON metadata)
     * @param owner the client's label, kept with the file
     * @param trace notes the attempts
     */
    public CompletableFuture<ResourceAnswer> start(Map<String, String> headers, String query, byte[] body,
            String owner, RequestTrace trace) {
        return Calls.guard(() -> files.start(headers, query, body, Objects.requireNonNull(owner, "owner"), trace));
    }

    /**
     * Sends a piece of a resumable upload, or its end ({@code x-goog-upload-command: upload, finalize}),
     * streamed, with the key that started it (no other key can continue it). When Gemini answers with the
     * file, the file is recorded with its key and owner before the answer completes.
     *
     * @param session the session id of {@link #start}
     * @param headers the client's headers; only {@code x-goog-upload-*} and {@code content-type} are sent
     * @param body the bytes, read as the upstream connection takes them (never held whole)
     * @param length the number of bytes {@code body} yields
     * @param owner the client asking; a session of another owner is not found; {@code null}: anybody's
     * @param trace notes the attempt
     */
    public CompletableFuture<ResourceAnswer> upload(String session, Map<String, String> headers,
            java.util.concurrent.Flow.Publisher<java.nio.ByteBuffer> body, long length, String owner, RequestTrace trace) {
        return Calls.guard(() -> files.upload(session, headers, body, length, owner, trace));
    }

    /**
     * A one-request upload ({@code uploadType=multipart} or {@code media}), the body streamed with a pooled
     * key (not retried on another key: the body cannot be sent twice); the file is recorded as in
     * {@link #upload}.
     */
    public CompletableFuture<ResourceAnswer> uploadWhole(Map<String, String> headers, String query,
            java.util.concurrent.Flow.Publisher<java.nio.ByteBuffer> body, long length, String owner, RequestTrace trace) {
        return Calls.guard(() -> files.uploadWhole(headers, query, body, length, Objects.requireNonNull(owner, "owner"),
                trace));
    }

    /**
     * An uploaded file's metadata ({@code GET files/{id}}), asked with the key that uploaded it. A 404 when
     * the file is unknown, expired or another owner's; a 404 {@code key_removed} when its key left the pool.
     *
     * @param name {@code files/{id}}
     * @param owner the client asking, or {@code null} for anybody
     */
    public CompletableFuture<ResourceAnswer> get(String name, String owner, RequestTrace trace) {
        return Calls.guard(() -> files.get(name, owner, trace));
    }

    /** Deletes an uploaded file at Gemini, with its key, and forgets it; failures as in {@link #get}. */
    public CompletableFuture<ResourceAnswer> delete(String name, String owner, RequestTrace trace) {
        return Calls.guard(() -> files.delete(name, owner, trace));
    }

    /**
     * The uploaded files, from the store, in Gemini's list shape ({@code files}, {@code nextPageToken}).
     *
     * @param owner only this client's files, or {@code null} for everybody's
     * @param pageSize at most this many (default 10, at most 100)
     * @param pageToken a {@code nextPageToken} from before, or null
     */
    public CompletableFuture<ResourceAnswer> list(String owner, Integer pageSize, String pageToken) {
        return Calls.guard(() -> files.list(owner, pageSize, pageToken));
    }

    /**
     * A file's bytes ({@code GET download/v1beta/files/{id}:download?alt=media}: a batch's results, say),
     * streamed from Gemini with the file's key; failures as in {@link #get}.
     *
     * @param name {@code files/{id}}
     * @param owner the client asking, or {@code null} for anybody
     */
    public CompletableFuture<NativeResponse> download(String name, String owner, RequestTrace trace) {
        return Calls.guard(() -> passthrough.download(name, owner, trace));
    }
}
