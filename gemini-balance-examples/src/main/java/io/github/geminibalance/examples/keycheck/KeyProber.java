package io.github.geminibalance.examples.keycheck;

import io.github.geminibalance.gemini.ListModelsResponse;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.keys.Verdict;
import io.github.geminibalance.retry.RetryPolicy;
import io.github.geminibalance.upstream.GeminiApiException;
import io.github.geminibalance.upstream.GeminiClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
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

    private static final byte[] PROBE = ("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":1}}").getBytes(StandardCharsets.UTF_8);
    private static final int MAX_MODEL_PAGES = 5;

    private final GeminiClient client;
    private final RetryPolicy policy = new RetryPolicy(1, Clock.systemUTC());
    private final ScheduledExecutorService scheduler;
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
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("key-check-timer"));
        // the JDK client's own worker and selector threads are daemon threads
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.client = new GeminiClient(http, baseUrl, timeout, timeout, scheduler);
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
        ApiKey key = new ApiKey(rawKey);
        KeyResult probe;
        try {
            client.generateContent(key, model, PROBE).join();
            probe = new KeyResult(key.masked(), key.id(), KeyVerdict.VALID, 200, null, null);
        } catch (RuntimeException e) {
            probe = failed(key, e);
        }
        if (probe.verdict() == KeyVerdict.INVALID) {
            return probe;
        }
        return new KeyResult(probe.masked(), probe.id(), probe.verdict(), probe.status(), probe.reason(), models(key));
    }

    /** The ids of every model the key may use, or null when Gemini would not list them. */
    private List<String> models(ApiKey key) {
        List<String> ids = new ArrayList<>();
        String pageToken = null;
        try {
            for (int page = 0; page < MAX_MODEL_PAGES; page++) {
                ListModelsResponse response = client.listModels(key, pageToken).join();
                if (response.models() != null) {
                    response.models().forEach(m -> ids.add(m.id()));
                }
                pageToken = response.nextPageToken();
                if (pageToken == null || pageToken.isEmpty()) {
                    break;
                }
            }
            return ids;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private KeyResult failed(ApiKey key, Throwable failure) {
        Throwable cause = RetryPolicy.unwrap(failure);
        Verdict verdict = policy.classify(failure).verdict();
        int status = cause instanceof GeminiApiException g ? g.httpStatus() : 0;
        return switch (verdict.kind()) {
            case INVALID -> new KeyResult(key.masked(), key.id(), KeyVerdict.INVALID, status, verdict.reason(), null);
            case COOLDOWN -> new KeyResult(key.masked(), key.id(), KeyVerdict.RATE_LIMITED, status,
                    verdict.reason() + retryDelay(cause), null);
            case EXHAUSTED -> new KeyResult(key.masked(), key.id(), KeyVerdict.RATE_LIMITED, status,
                    verdict.reason(), null);
            default -> new KeyResult(key.masked(), key.id(), KeyVerdict.ERROR, status, errorReason(cause, verdict),
                    null);
        };
    }

    private static String retryDelay(Throwable cause) {
        if (cause instanceof GeminiApiException g) {
            return g.error().retryDelay().map(d -> ", retry in " + d.toSeconds() + " s").orElse("");
        }
        return "";
    }

    // Codes and class names only: exception messages may quote the key.
    private String errorReason(Throwable cause, Verdict verdict) {
        if (cause instanceof GeminiApiException g) {
            String status = g.error().status() != null ? g.error().status() : "HTTP_" + g.httpStatus();
            return g.httpStatus() == 404 ? status + " (is " + model + " a model?)" : status;
        }
        String kind = verdict.reason() != null ? verdict.reason() : "FAILED";
        return kind + " (" + cause.getClass().getSimpleName() + ")";
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
        scheduler.shutdownNow();
    }
}
