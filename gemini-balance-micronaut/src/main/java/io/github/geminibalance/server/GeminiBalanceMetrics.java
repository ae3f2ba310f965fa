package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiBalanceListener;
import io.github.geminibalance.KeyState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy's Prometheus metrics: a {@link GeminiBalanceListener} that records into a Micrometer
 * {@link MeterRegistry}. Micrometer's Prometheus naming turns the dotted names into the series
 * documented in {@code docs/operations.md}:
 * <ul>
 *   <li>{@code gemini_balance_requests_total{operation,model,status}} and the timer
 *       {@code gemini_balance_request_duration_seconds{operation,model,status}}: client requests;</li>
 *   <li>{@code gemini_balance_upstream_attempts_total{model,outcome,key}}: calls to Gemini;</li>
 *   <li>{@code gemini_balance_rate_limited_total{model,key}}: Gemini's 429s (rate limit or quota);</li>
 *   <li>{@code gemini_balance_cooldown_seconds}: a distribution of the cooldowns set on keys;</li>
 *   <li>{@code gemini_balance_time_to_first_chunk_seconds{model}}: streams, request to first chunk;</li>
 *   <li>{@code gemini_balance_keys{state}}: keys per state, read from the pool at each scrape.</li>
 * </ul>
 * {@code key} is the key's id ({@code k-3f9a1c07}), never the key. {@code model} is bounded by
 * {@link ModelTags}: a name Gemini never accepted is {@code other}.
 */
final class GeminiBalanceMetrics implements GeminiBalanceListener {

    private static final Duration[] REQUEST_BUCKETS = seconds(0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300);
    private static final Duration[] FIRST_CHUNK_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
    private static final double[] COOLDOWN_BUCKETS = {1, 5, 15, 30, 60, 300, 3600, 86400};

    private final MeterRegistry registry;
    private final ModelTags models;
    private final Meter.MeterProvider<Counter> requests;
    private final Meter.MeterProvider<Timer> requestDuration;
    private final Meter.MeterProvider<Counter> attempts;
    private final Meter.MeterProvider<Counter> rateLimited;
    private final Meter.MeterProvider<Timer> firstChunk;
    private final DistributionSummary cooldowns;
    // Micrometer's withTags sorts the tags and looks the meter up on every call; label values are
    // bounded (ModelTags, the key ids, a few statuses), so each meter is found once and kept here.
    private final Map<RequestKey, RequestMeters> requestMeters = new ConcurrentHashMap<>();
    private final Map<AttemptKey, Counter> attemptMeters = new ConcurrentHashMap<>();
    private final Map<AttemptKey, Counter> rateLimitMeters = new ConcurrentHashMap<>();
    private final Map<String, Timer> firstChunkMeters = new ConcurrentHashMap<>();

    private record RequestKey(String operation, String model, int status) {}

    private record RequestMeters(Counter count, Timer duration) {}

    private record AttemptKey(String model, String outcome, String keyId) {}

    /**
     * Creates the meters in {@code registry}.
     *
     * @param modelCapacity how many distinct model names may become label values
     */
    GeminiBalanceMetrics(MeterRegistry registry, int modelCapacity) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.models = new ModelTags(modelCapacity);
        this.requests = Counter.builder("gemini.balance.requests")
                .description("Client requests by operation, model and the HTTP status answered")
                .withRegistry(registry);
        this.requestDuration = Timer.builder("gemini.balance.request.duration")
                .description("Time a client request took (streams: until the answer was committed or refused)")
                .serviceLevelObjectives(REQUEST_BUCKETS)
                .withRegistry(registry);
        this.attempts = Counter.builder("gemini.balance.upstream.attempts")
                .description("Calls to Gemini by model, outcome and key id")
                .withRegistry(registry);
        this.rateLimited = Counter.builder("gemini.balance.rate.limited")
                .description("Gemini 429 answers (rate limit or daily quota) by model and key id")
                .withRegistry(registry);
        this.firstChunk = Timer.builder("gemini.balance.time.to.first.chunk")
                .description("Streamed chat: from the client's request to the first chunk")
                .serviceLevelObjectives(FIRST_CHUNK_BUCKETS)
                .withRegistry(registry);
        this.cooldowns = DistributionSummary.builder("gemini.balance.cooldown")
                .description("Cooldowns set on keys after a rate limit or an exhausted quota")
                .baseUnit("seconds")
                .serviceLevelObjectives(COOLDOWN_BUCKETS)
                .register(registry);
    }

    /** Registers {@code gemini_balance_keys{state}}, one gauge per {@link KeyState}, read from the pool. */
    void bindKeyGauges(GeminiBalance gemini) {
        Objects.requireNonNull(gemini, "gemini");
        for (KeyState state : KeyState.values()) {
            Gauge.builder("gemini.balance.keys", gemini, g -> g.keyStateCounts().getOrDefault(state, 0))
                    .description("Keys in each state")
                    .tag("state", state.name())
                    .strongReference(true)
                    .register(registry);
        }
    }

    @Override
    public void onAttempt(String model, String keyId, String outcome, int status, Duration duration) {
        boolean rateLimit = "rate_limited".equals(outcome) || "quota_exhausted".equals(outcome);
        // A success or a 429 (quota is counted per model) is Gemini answering about a model it knows;
        // anything else may concern a made-up name. ModelTags's cap bounds what slips through.
        String tag = "success".equals(outcome) || rateLimit ? models.admit(model) : models.of(model);
        AttemptKey key = new AttemptKey(tag, outcome, keyId);
        attemptMeters.computeIfAbsent(key,
                k -> attempts.withTags("model", k.model(), "outcome", k.outcome(), "key", k.keyId())).increment();
        if (rateLimit) {
            rateLimitMeters.computeIfAbsent(new AttemptKey(tag, "", keyId),
                    k -> rateLimited.withTags("model", k.model(), "key", k.keyId())).increment();
        }
    }

    @Override
    public void onCooldown(String keyId, String model, Duration cooldown) {
        cooldowns.record(Math.max(0, cooldown.toMillis()) / 1000.0);
    }

    @Override
    public void onRequest(String operation, String model, int status, Duration duration) {
        String tag = status == 200 ? models.admit(model) : models.of(model);
        RequestMeters meters = requestMeters.computeIfAbsent(new RequestKey(operation, tag, status), k -> {
            String code = Integer.toString(k.status());
            return new RequestMeters(
                    requests.withTags("operation", k.operation(), "model", k.model(), "status", code),
                    requestDuration.withTags("operation", k.operation(), "model", k.model(), "status", code));
        });
        meters.count().increment();
        meters.duration().record(duration);
    }

    @Override
    public void onFirstChunk(String model, Duration timeToFirstChunk) {
        firstChunkMeters.computeIfAbsent(models.admit(model), m -> firstChunk.withTags("model", m))
                .record(timeToFirstChunk);
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofMillis(Math.round(values[i] * 1000));
        }
        return out;
    }
}
