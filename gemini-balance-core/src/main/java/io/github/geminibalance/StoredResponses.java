package io.github.geminibalance;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.responses.InputItem;
import io.github.geminibalance.openai.responses.Response;
import io.github.geminibalance.openai.responses.ResponseRequest;
import io.github.geminibalance.store.ResponseRepository;
import io.github.geminibalance.store.StoreException;
import io.github.geminibalance.store.StoredResponse;
import io.github.geminibalance.translate.ResponsesHistory;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored responses of the Responses front door, over {@link ResponseRepository}: looking up the
 * conversation of a {@code previous_response_id}, keeping a new response, retrieving and deleting one.
 * The repository may block on a database, so every call runs on this class's own threads, never on the
 * caller's (an event loop). Keeping a response is asynchronous and best effort: the client has its answer
 * already, and a failure is logged and counted ({@link #failedSaves()}). A request naming a response that
 * is still being written waits for the write (a client often continues a response at once).
 */
final class StoredResponses {

    private static final Logger log = LoggerFactory.getLogger(StoredResponses.class);
    private static final int THREADS = 2;
    private static final int QUEUE = 1_000;
    // ids echoed in error messages; anything else is not echoed
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9_-]{1,200}");

    private final ResponseRepository repository;
    private final Clock clock;
    private final ThreadPoolExecutor executor;
    private final AtomicLong failedSaves = new AtomicLong();
    // responses being written: a request naming one waits for its write (a client often continues at once)
    private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();

    StoredResponses(ResponseRepository repository, Clock clock) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "gemini-balance-responses");
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * The stored conversation {@code request} continues: empty without {@code previous_response_id}, else
     * a future failed with a 404 naming {@code previous_response_id} when this owner has no such response.
     */
    CompletableFuture<List<InputItem>> previous(ResponseRequest request, String owner) {
        String id = request == null ? null : request.previousResponseId();
        if (id == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        if (!repository.keeps()) {
            return CompletableFuture.failedFuture(new InvalidRequestException("previous_response_id",
                    "previous_response_id: this server keeps no responses (its store keeps none); "
                            + "send the whole conversation in input"));
        }
        return read(id, () -> repository.find(id, owner)).thenApply(found -> {
            StoredResponse stored = found.orElseThrow(() -> new InvalidRequestException(404, "previous_response_id",
                    "previous_response_not_found", "Previous response " + quoted(id) + " not found."));
            try {
                return ResponsesHistory.fromJson(stored.conversation());
            } catch (IllegalArgumentException e) {
                log.warn("Stored response {} has an unreadable conversation: {}", stored.id(), e.getMessage());
                throw new GeminiBalanceException(500, "server_error", "stored_response_unreadable",
                        "previous_response_id", null, "the stored conversation could not be read", null);
            }
        });
    }

    /**
     * Keeps {@code response} unless its request said {@code store: false}, without waiting: the
     * conversation is {@code previous}, the request's input and the response's output.
     */
    void save(ResponseRequest request, List<InputItem> previous, Response response, String owner) {
        if (Boolean.FALSE.equals(request.store()) || !repository.keeps() || response == null || response.id() == null) {
            return;
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        pending.put(response.id(), written);
        try {
            executor.execute(() -> {
                try {
                    String conversation = ResponsesHistory.toJson(
                            ResponsesHistory.conversation(previous, request.input(), response));
                    repository.save(new StoredResponse(response.id(), owner, clock.instant(),
                            response.model() == null ? "" : response.model(),
                            Json.mapper().writeValueAsString(response), conversation));
                } catch (JsonProcessingException | RuntimeException e) {
                    failed(response.id(), e);
                } finally {
                    written(response.id(), written);
                }
            });
        } catch (RejectedExecutionException e) {
            failed(response.id(), e);
            written(response.id(), written);
        }
    }

    private void written(String id, CompletableFuture<Void> written) {
        pending.remove(id, written);
        written.complete(null);
    }

    private void failed(String id, Exception e) {
        failedSaves.incrementAndGet();
        log.warn("Response {} was not stored: {}", id, e instanceof RejectedExecutionException
                ? "too many responses waiting to be stored" : String.valueOf(e.getMessage()));
    }

    /** The stored response, or a future failed with a 404. */
    CompletableFuture<Response> get(String id, String owner) {
        requireKept();
        return read(id, () -> repository.find(id, owner)).thenApply(found -> {
            StoredResponse stored = found.orElseThrow(() -> notFound(id));
            try {
                return Json.mapper().readValue(stored.response(), Response.class);
            } catch (JsonProcessingException e) {
                log.warn("Stored response {} is unreadable: {}", stored.id(), e.getOriginalMessage());
                throw new GeminiBalanceException(500, "server_error", "stored_response_unreadable", null, null,
                        "the stored response could not be read", null);
            }
        });
    }

    /** Deletes the stored response; a future failed with a 404 when there is none. */
    CompletableFuture<Void> delete(String id, String owner) {
        requireKept();
        return read(id, () -> repository.delete(id, owner)).thenAccept(deleted -> {
            if (!deleted) {
                throw notFound(id);
            }
        });
    }

    /** How many responses could not be stored since the start. */
    long failedSaves() {
        return failedSaves.get();
    }

    /** Lets the saves under way finish (up to 5 seconds) and stops the threads. */
    void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void requireKept() {
        if (!repository.keeps()) {
            throw new InvalidRequestException(400, "response_id", "unsupported",
                    "this server keeps no responses (its store keeps none): there is nothing to retrieve or delete");
        }
    }

    private static InvalidRequestException notFound(String id) {
        return new InvalidRequestException(404, null, null, "Response " + quoted(id) + " not found.");
    }

    private static String quoted(String id) {
        return id != null && PLAIN_ID.matcher(id).matches() ? "with id '" + id + "'" : "with this id";
    }

    /** {@code work} on the store's threads, once a write under way of response {@code id} has ended. */
    private <T> CompletableFuture<T> read(String id, Supplier<T> work) {
        CompletableFuture<Void> write = pending.get(id);
        return write == null ? read(work) : write.thenCompose(done -> read(work));
    }

    private <T> CompletableFuture<T> read(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return work.get();
                } catch (StoreException e) {
                    log.warn("Stored responses could not be read or written: {}", e.getMessage());
                    throw new CompletionException(new GeminiBalanceException(503, "server_error",
                            "store_unavailable", null, null, "the response store could not be read or written", null));
                }
            }, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new GeminiBalanceException(503, "server_error", "server_busy",
                    null, null, "the response store is busy or shutting down; try again", null));
        }
    }
}
