package io.github.geminibalance.examples.keycheck;

import io.github.geminibalance.KeyProbe;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Checks Gemini API keys with the core's {@link GeminiClient}: a minimal {@code generateContent} probe
 * ("hi", one output token, the same probe as the server's key checker) decides the verdict, then
 * {@code GET models} lists the models a key that authenticated may use. Failures are classified by the
 * core's {@link RetryPolicy}, the same rules the server uses to take a key out of its pool.
 *
 * <p>Never puts a key, nor any Gemini error message (some quote the key), into a result.
 */
public final class KeyProber implements AutoCloseable {

    private static final int MAX_MODEL_PAGES = 5;

    private final KeyProbe probe;
    private final String model;

    /**
     * Creates a prober.
     *
     * @param baseUrl the Gemini API base, such as {@code https://generativelanguage.googleapis.com/v1beta}
     * @param model the model the probe calls
     * @param timeout the timeout of each call
     */
    public KeyProber(URI baseUrl, String model, Duration timeout) {
        this.model = Objects.requireNonNull(model, "model");
        this.probe = KeyProbe.create(baseUrl, timeout);
    }

    /**
     * Checks keys, at most {@code concurrency} at a time.
     *
     * @param keys the raw keys
     * @param concurrency how many keys are checked at once, at least 1
     * @param onResult called once per key as its check ends, from a worker thread
     * @return the results, in the order of {@code keys}
     */
    public List<KeyResult> checkAll(List<String> keys, int concurrency, Consumer<KeyResult> onResult) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        ExecutorService workers = Executors.newFixedThreadPool(Math.min(concurrency, Math.max(1, keys.size())),
                daemon("key-check"));
        try {
            List<Future<KeyResult>> futures = new ArrayList<>(keys.size());
            for (String key : keys) {
                futures.add(workers.submit(() -> {
                    KeyResult result = check(key);
                    onResult.accept(result);
                    return result;
                }));
            }
            List<KeyResult> results = new ArrayList<>(keys.size());
            for (Future<KeyResult> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a key check failed unexpectedly", e.getCause());
        } finally {
            workers.shutdownNow();
        }
    }

    /** Checks one key (blocking). */
    public KeyResult check(String rawKey) {
        KeyProbe.Outcome o = probe.probe(rawKey, model);
        KeyResult result = switch (o.kind()) {
            case VALID -> new KeyResult(o.masked(), o.id(), KeyVerdict.VALID, 200, null, null);
            case INVALID -> new KeyResult(o.masked(), o.id(), KeyVerdict.INVALID, o.status(), o.reason(), null);
            case COOLDOWN -> new KeyResult(o.masked(), o.id(), KeyVerdict.RATE_LIMITED, o.status(),
                    o.reason() + (o.retryDelay() == null ? "" : ", retry in " + o.retryDelay().toSeconds() + " s"), null);
            case EXHAUSTED -> new KeyResult(o.masked(), o.id(), KeyVerdict.RATE_LIMITED, o.status(), o.reason(), null);
            case ERROR -> new KeyResult(o.masked(), o.id(), KeyVerdict.ERROR, o.status(), errorReason(o), null);
        };
        if (result.verdict() == KeyVerdict.INVALID) {
            return result;
        }
        return new KeyResult(result.masked(), result.id(), result.verdict(), result.status(), result.reason(),
                probe.models(rawKey, MAX_MODEL_PAGES).orElse(null));
    }

    // Codes and class names only: exception messages may quote the key.
    private String errorReason(KeyProbe.Outcome o) {
        if (o.fromGemini()) {
            String status = o.googleStatus() != null ? o.googleStatus() : "HTTP_" + o.status();
            return o.status() == 404 ? status + " (is " + model + " a model?)" : status;
        }
        String kind = o.reason() != null ? o.reason() : "FAILED";
        return kind + " (" + o.failureType() + ")";
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops the timer thread. */
    @Override
    public void close() {
        probe.close();
    }
}
