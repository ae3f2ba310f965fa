package io.github.geminibalance;

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
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Tests single Gemini API keys, without a pool: one one-token call per key, judged by the same rules the
 * pool uses to rotate keys. For key-checking tools; a {@link GeminiBalance} re-validates its own keys
 * ({@link GeminiBalance#checkKeys}). Thread-safe; {@link #close()} it when done.
 */
public final class KeyProbe implements AutoCloseable {

    private static final byte[] PROBE = ("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":1}}").getBytes(StandardCharsets.UTF_8);

    /** What a probe says about a key. */
    public enum Kind {
        /** The key answered. */
        VALID,
        /** Gemini rejected the key itself (invalid, expired, suspended). */
        INVALID,
        /** The key is rate-limited for now. */
        COOLDOWN,
        /** The model's daily quota of the key is used up (until midnight Pacific). */
        EXHAUSTED,
        /** The call failed for a reason that says nothing sure about the key (5xx, timeout, unknown model). */
        ERROR
    }

    /**
     * The outcome of probing one key. Never holds the key itself.
     *
     * @param id the key's id, such as {@code k-3f9a1c07}
     * @param masked the key with all but its first and last four characters hidden
     * @param kind the verdict
     * @param status Gemini's HTTP status, or 0 when no answer came
     * @param reason the verdict's reason ({@code API_KEY_INVALID}, {@code RESOURCE_EXHAUSTED}, ...), or null
     * @param retryDelay how long Gemini asked to wait ({@code RetryInfo}), or null
     * @param googleStatus Gemini's google.rpc status name, or null
     * @param failureType when no Gemini error came back, the simple name of what failed instead; else null
     */
    public record Outcome(String id, String masked, Kind kind, int status, String reason, Duration retryDelay,
            String googleStatus, String failureType) {

        /**
         * Whether Gemini answered with an error (rather than the connection failing).
         *
         * @return true when {@link #failureType()} is null
         */
        public boolean fromGemini() {
            return failureType == null;
        }
    }

    private final GeminiClient client;
    private final RetryPolicy policy = new RetryPolicy(1, Clock.systemUTC());
    private final ScheduledExecutorService scheduler;

    private KeyProbe(URI baseUrl, Duration timeout) {
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "key-probe-timer");
            t.setDaemon(true);
            return t;
        });
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.client = new GeminiClient(http, baseUrl, timeout, timeout, scheduler);
    }

    /**
     * Creates a probe.
     *
     * @param baseUrl the Gemini REST base, such as {@link io.github.geminibalance.config.GeminiBalanceConfig#DEFAULT_BASE_URL}
     * @param timeout the connect and call timeout
     * @return the probe
     */
    public static KeyProbe create(URI baseUrl, Duration timeout) {
        return new KeyProbe(Objects.requireNonNull(baseUrl, "baseUrl"), Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Asks {@code model} for one token with {@code key}, waiting for the answer.
     *
     * @param key the raw API key
     * @param model the model to call
     * @return the verdict on the key
     */
    public Outcome probe(String key, String model) {
        ApiKey k = new ApiKey(key);
        try {
            client.generateContent(k, model, PROBE).join();
            return new Outcome(k.id(), k.masked(), Kind.VALID, 200, null, null, null, null);
        } catch (RuntimeException e) {
            Throwable cause = RetryPolicy.unwrap(e);
            Verdict verdict = policy.classify(e).verdict();
            GeminiApiException g = cause instanceof GeminiApiException api ? api : null;
            Kind kind = switch (verdict.kind()) {
                case INVALID -> Kind.INVALID;
                case COOLDOWN -> Kind.COOLDOWN;
                case EXHAUSTED -> Kind.EXHAUSTED;
                default -> Kind.ERROR;
            };
            return new Outcome(k.id(), k.masked(), kind, g == null ? 0 : g.httpStatus(), verdict.reason(),
                    g == null ? null : g.error().retryDelay().orElse(null), g == null ? null : g.error().status(),
                    g == null ? cause.getClass().getSimpleName() : null);
        }
    }

    /**
     * The ids of the models {@code key} may use, waiting for the answer.
     *
     * @param key the raw API key
     * @param maxPages the most pages of the list to read
     * @return the model ids (without {@code models/}), or empty when the list could not be read
     */
    public Optional<List<String>> models(String key, int maxPages) {
        ApiKey k = new ApiKey(key);
        List<String> ids = new ArrayList<>();
        String pageToken = null;
        try {
            for (int page = 0; page < maxPages; page++) {
                ListModelsResponse response = client.listModels(k, pageToken).join();
                if (response.models() != null) {
                    response.models().forEach(m -> ids.add(m.id()));
                }
                pageToken = response.nextPageToken();
                if (pageToken == null || pageToken.isEmpty()) {
                    break;
                }
            }
            return Optional.of(ids);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Stops the probe's timer thread. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
