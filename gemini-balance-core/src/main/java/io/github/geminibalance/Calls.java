package io.github.geminibalance;

import io.github.geminibalance.retry.ErrorMapper;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** What every facade call does around its pipeline: failures as futures, the listener told, results handed over. */
final class Calls {

    private Calls() {
    }

    /**
     * Hands a result over to the caller, or, when the caller gave up before it arrived (its future was
     * cancelled), releases it (a stream's key, say).
     */
    static <T> CompletableFuture<T> handOver(CompletableFuture<T> inner, java.util.function.Consumer<T> release) {
        CompletableFuture<T> out = new CompletableFuture<>();
        inner.whenComplete((value, failure) -> {
            if (failure != null) {
                out.completeExceptionally(failure);
            } else if (!out.complete(value)) {
                release.accept(value);
            }
        });
        return out;
    }

    /** Runs {@code call}; what it throws becomes a failed future with a client's error. */
    static <T> CompletableFuture<T> guard(java.util.function.Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (GeminiBalanceException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(ErrorMapper.toClient(e, null));
        }
    }

    /** Tells the listener of the call's end: its operation, model, client status and duration. */
    static <T> CompletableFuture<T> observe(GeminiBalanceListener listener, String operation, String model,
            CompletableFuture<T> future) {
        if (listener == GeminiBalanceListener.NONE) {
            return future;
        }
        long started = System.nanoTime();
        String m = model == null ? "" : model;
        return future.whenComplete((v, e) -> {
            int status = e == null ? 200 : ErrorMapper.toClient(e, null).httpStatus();
            listener.onRequest(operation, m, status, Duration.ofNanos(System.nanoTime() - started));
        });
    }
}
