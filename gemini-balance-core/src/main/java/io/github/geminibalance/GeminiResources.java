package io.github.geminibalance;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One of Gemini's collections whose members live with the API key that made them, through the pool:
 * cached contents ({@link GeminiBalance#cachedContents()}) or batches ({@link GeminiBalance#batches()}).
 * A create is sent with the key of the uploaded files or cached content its body names (a pooled key when
 * it names none, retried on another if Gemini fails), and the new member is kept with that key and its
 * owner (a client label); every later call on it goes to that key, and an owner sees only its own members.
 * Answers are Gemini's JSON, whole. Failures complete the futures with a {@link GeminiBalanceException}: a
 * 404 for a member unknown, expired or another owner's, a 404 {@code key_removed} when its key left the pool.
 */
public final class GeminiResources {

    private final KeyBoundApi api;

    GeminiResources(KeyBoundApi api) {
        this.api = api;
    }

    /**
     * Creates a member: {@code POST v1beta/cachedContents}, or {@code POST
     * v1beta/models/{model}:batchGenerateContent} (or {@code :asyncBatchEmbedContent}) for a batch.
     *
     * @param path the path after {@code v1beta/} ({@code cachedContents}, {@code models/gemini-2.5-flash:batchGenerateContent})
     * @param query the query to send (without the client's {@code key}), or null
     * @param body Gemini's JSON request
     * @param owner the client's label, kept with the member
     * @param trace notes the attempts
     * @return Gemini's answer (the cached content, or the batch's operation)
     */
    public CompletableFuture<ResourceAnswer> create(String path, String query, byte[] body, String owner,
            RequestTrace trace) {
        return Calls.guard(() -> api.create(path, query, Objects.requireNonNull(body, "body"),
                Objects.requireNonNull(owner, "owner"), trace));
    }

    /**
     * A member as Gemini has it now ({@code GET v1beta/{name}}: a batch's state and results), asked with its key.
     *
     * @param name {@code cachedContents/{id}} or {@code batches/{id}}
     * @param owner the client asking, or {@code null} for anybody
     */
    public CompletableFuture<ResourceAnswer> get(String name, String owner, RequestTrace trace) {
        return Calls.guard(() -> api.get(name, owner, trace));
    }

    /**
     * Updates a member ({@code PATCH v1beta/{name}}: a cached content's {@code ttl} or {@code expireTime}).
     *
     * @param query the query to send ({@code updateMask=ttl}), or null
     * @param body Gemini's JSON request
     */
    public CompletableFuture<ResourceAnswer> update(String name, String query, byte[] body, String owner,
            RequestTrace trace) {
        return Calls.guard(() -> api.update(name, query, Objects.requireNonNull(body, "body"), owner, trace));
    }

    /** Cancels a batch ({@code POST v1beta/{name}:cancel}). */
    public CompletableFuture<ResourceAnswer> cancel(String name, String owner, RequestTrace trace) {
        return Calls.guard(() -> api.cancel(name, owner, trace));
    }

    /** Deletes a member at Gemini, with its key, and forgets it. */
    public CompletableFuture<ResourceAnswer> delete(String name, String owner, RequestTrace trace) {
        return Calls.guard(() -> api.delete(name, owner, trace));
    }

    /**
     * The members kept, from the store, in Gemini's list shape ({@code cachedContents} or {@code operations},
     * then {@code nextPageToken}; {@code {}} when there are none), as last seen.
     *
     * @param owner only this client's, or {@code null} for everybody's
     * @param pageSize at most this many (default 10, at most 100)
     * @param pageToken a {@code nextPageToken} from before, or null
     */
    public CompletableFuture<ResourceAnswer> list(String owner, Integer pageSize, String pageToken) {
        return Calls.guard(() -> api.list(owner, pageSize, pageToken));
    }
}
