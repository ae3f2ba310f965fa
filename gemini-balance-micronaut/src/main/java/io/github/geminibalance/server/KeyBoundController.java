package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiResources;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.ResourceAnswer;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import java.util.concurrent.CompletableFuture;

/**
 * Gemini's collections whose members live with the key that made them, through the pool (for the genai
 * SDKs' {@code caches} and {@code batches}):
 *
 * <ul>
 *   <li>{@code /v1beta/cachedContents}: {@code POST} creates (with the key of the files it names, else a
 *       pooled key), {@code GET} lists the caller's from the store; {@code GET}, {@code PATCH} and {@code
 *       DELETE /v1beta/cachedContents/{id}} go to the cache's key.
 *   <li>{@code POST /v1beta/models/{model}:batchGenerateContent} and {@code :asyncBatchEmbedContent} create a
 *       batch (routed here by {@link NativeController}); {@code GET /v1beta/batches} lists the caller's;
 *       {@code GET}, {@code DELETE /v1beta/batches/{id}} and {@code POST /v1beta/batches/{id}:cancel} go to
 *       the batch's key. A batch's results file is kept with its key; {@link FilesController} reads it.
 * </ul>
 *
 * All also under {@code /gemini}. With {@code FILES_USER_ISOLATION_ENABLED} (the default) a client token
 * sees only its own; another's is a 404. Errors are in Gemini's shape ({@link NativeErrors}).
 */
@Controller
final class KeyBoundController {


    private final GeminiBalance gemini;
    private final FilesSettings settings;
    private final RequestRecords records;
    private final KeyScrubbers scrubbers;

    KeyBoundController(GeminiBalance gemini, FilesSettings settings, RequestRecords records) {
        this.gemini = gemini;
        this.settings = settings;
        this.records = records;
        this.scrubbers = new KeyScrubbers(gemini::keyValues);
    }

    @Get(uris = {"/v1beta/cachedContents", "/gemini/v1beta/cachedContents"}, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> listCaches(HttpRequest<?> request) {
        return list(request, gemini.cachedContents());
    }

    @Post(uris = {"/v1beta/cachedContents", "/gemini/v1beta/cachedContents"}, consumes = MediaType.ALL,
            produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> createCache(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return create(request, gemini.cachedContents(), "cachedContents", body);
    }

    @Get(uris = {"/v1beta/cachedContents/{id}", "/gemini/v1beta/cachedContents/{id}"},
            produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> getCache(HttpRequest<?> request, @PathVariable String id) {
        return done(request, gemini.cachedContents().get(name(request), KeyBoundRequests.owner(request, settings), AccessLogFilter.trace(request)));
    }

    @Patch(uris = {"/v1beta/cachedContents/{id}", "/gemini/v1beta/cachedContents/{id}"}, consumes = MediaType.ALL,
            produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> updateCache(HttpRequest<?> request, @PathVariable String id,
            @Nullable @Body byte[] body) {
        records.keepBody(request, body);
        return done(request, gemini.cachedContents().update(name(request), query(request),
                body == null ? new byte[0] : body, KeyBoundRequests.owner(request, settings), AccessLogFilter.trace(request)));
    }

    @Delete(uris = {"/v1beta/cachedContents/{id}", "/gemini/v1beta/cachedContents/{id}"},
            produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> deleteCache(HttpRequest<?> request, @PathVariable String id) {
        return done(request, gemini.cachedContents().delete(name(request), KeyBoundRequests.owner(request, settings),
                AccessLogFilter.trace(request)));
    }

    @Get(uris = {"/v1beta/batches", "/gemini/v1beta/batches"}, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> listBatches(HttpRequest<?> request) {
        return list(request, gemini.batches());
    }

    @Get(uris = {"/v1beta/batches/{id}", "/gemini/v1beta/batches/{id}"}, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> getBatch(HttpRequest<?> request, @PathVariable String id) {
        return done(request, gemini.batches().get(name(request), KeyBoundRequests.owner(request, settings), AccessLogFilter.trace(request)));
    }

    /** {@code POST batches/{id}:cancel}. */
    @Post(uris = {"/v1beta/batches/{id}", "/gemini/v1beta/batches/{id}"}, consumes = MediaType.ALL,
            produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> cancelBatch(HttpRequest<?> request, @PathVariable String id) {
        String resource = NativeController.resource(request);
        if (resource == null || !resource.endsWith(":cancel")) {
            return CompletableFuture.completedFuture(NativeErrors.of(404, "Unknown method for POST: "
                    + (resource == null ? request.getPath() : resource) + " (a batch takes POST batches/{id}:cancel)."));
        }
        String name = resource.substring(0, resource.length() - ":cancel".length());
        return done(request, gemini.batches().cancel(name, KeyBoundRequests.owner(request, settings), AccessLogFilter.trace(request)));
    }

    @Delete(uris = {"/v1beta/batches/{id}", "/gemini/v1beta/batches/{id}"}, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> deleteBatch(HttpRequest<?> request, @PathVariable String id) {
        return done(request, gemini.batches().delete(name(request), KeyBoundRequests.owner(request, settings), AccessLogFilter.trace(request)));
    }

    /** A batch's create ({@code models/{m}:batchGenerateContent}), handed over by {@link NativeController}. */
    CompletableFuture<MutableHttpResponse<byte[]>> createBatch(HttpRequest<?> request, String resource,
            @Nullable byte[] body) {
        return create(request, gemini.batches(), resource, body);
    }

    private CompletableFuture<MutableHttpResponse<byte[]>> create(HttpRequest<?> request, GeminiResources api,
            String resource, @Nullable byte[] body) {
        records.keepBody(request, body);
        if (body == null || body.length == 0) {
            return CompletableFuture.completedFuture(NativeErrors.of(400, "The request body is empty: send Gemini's "
                    + "JSON request."));
        }
        return done(request, api.create(resource, query(request), body, KeyBoundRequests.label(request), AccessLogFilter.trace(request)));
    }

    private CompletableFuture<MutableHttpResponse<byte[]>> list(HttpRequest<?> request, GeminiResources api) {
        Integer pageSize;
        try {
            pageSize = KeyBoundRequests.pageSize(request);
        } catch (InvalidRequestException e) {
            return done(request, CompletableFuture.failedFuture(e));
        }
        return done(request, api.list(KeyBoundRequests.owner(request, settings), pageSize,
                request.getParameters().get("pageToken")));
    }

    private CompletableFuture<MutableHttpResponse<byte[]>> done(HttpRequest<?> request,
            CompletableFuture<ResourceAnswer> call) {
        return call.handle((answer, failure) -> {
            if (failure != null) {
                return KeyBoundRequests.failed(request, failure);
            }
            MutableHttpResponse<byte[]> response = HttpResponse.<byte[]>status(HttpStatus.valueOf(answer.status()))
                    .body(scrubbers.get().scrub(answer.body()));
            return response.contentType(answer.contentType());
        });
    }


    // the member's name from the raw path, percent-decoded: cachedContents/{id}, batches/{id}
    private static String name(HttpRequest<?> request) {
        return NativeController.resource(request);
    }

    private static @Nullable String query(HttpRequest<?> request) {
        return NativeController.withoutKey(request.getUri().getRawQuery());
    }


}
