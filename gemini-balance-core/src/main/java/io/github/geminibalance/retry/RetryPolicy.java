package io.github.geminibalance.retry;

import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.keys.Verdict;
import io.github.geminibalance.upstream.GeminiError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Decides, from the typed Gemini error rather than the HTTP status alone, whether an attempt is retried
 * on another key and what it means for the key:
 *
 * <ul>
 *   <li>400 with {@code ErrorInfo.reason} {@code API_KEY_INVALID}, 401, 403 (suspended, blocked, no
 *       permission) -> the key is invalid; retry on another key.
 *   <li>429 -> the key rests for this model for {@code RetryInfo.retryDelay} (default
 *       {@value #DEFAULT_COOLDOWN_SECONDS} s), or until midnight Pacific when the QuotaFailure names a
 *       per-day quota; retry on another key. A 429 about the per-minute <em>input-token</em> quota is
 *       classified the same way but with the reason {@value #INPUT_TOKEN_QUOTA}: the request itself
 *       may be too large for any key, so {@link RetryLoop} holds its cooldown back like a transient
 *       failure.
 *   <li>400 or 403 saying the model is only for billed users (Imagen on a free-tier key) -> the key's
 *       limitation for that model, not an invalid key: the key rests for this model only, for {@link
 *       #BILLING_REST}, with the reason {@value #BILLING_REQUIRED}; retry on another key.
 *   <li>Other 400s (about the request) and 404 -> the client's fault: no retry, no strike.
 *   <li>5xx, timeouts, broken connections, empty answers -> a transient failure ({@link
 *       Verdict.Kind#FAILURE}); retry on another key. Whether it costs the key a strike is decided
 *       later by {@link RetryLoop}: only when another key serves the same request.
 * </ul>
 */
public final class RetryPolicy {

    /** Cooldown for a 429 that does not say how long to wait. */
    public static final long DEFAULT_COOLDOWN_SECONDS = 60;

    /**
     * The verdict reason of a 429 about the per-minute input-token quota, whose cooldown the retry loop
     * holds back until another key shows that the request fits (see {@link Classification#isHeldBack()}).
     */
    public static final String INPUT_TOKEN_QUOTA = "INPUT_TOKEN_QUOTA";

    /** The verdict reason of a key that may not use a model without billing (Imagen on a free tier). */
    public static final String BILLING_REQUIRED = "BILLING_REQUIRED";

    /** How long a key rests for a model it may not use without billing. */
    public static final Duration BILLING_REST = Duration.ofHours(24);

    private static final Set<String> KEY_REASONS = Set.of(
            "API_KEY_INVALID", "API_KEY_EXPIRED", "CONSUMER_SUSPENDED", "API_KEY_SERVICE_BLOCKED",
            "SERVICE_DISABLED", "PERMISSION_DENIED", "ACCESS_TOKEN_SCOPE_INSUFFICIENT");

    private final java.util.function.IntSupplier maxAttempts;
    private final Clock clock;

    /**
     * Creates a policy.
     *
     * @param maxAttempts attempts per request ({@code MAX_RETRIES}), each on another key
     * @param clock the time source for cooldown ends
     */
    public RetryPolicy(int maxAttempts, Clock clock) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.maxAttempts = () -> maxAttempts;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates a policy whose number of attempts is read for every request, so that {@code MAX_RETRIES}
     * can change while the instance runs.
     *
     * @param maxAttempts the current attempts per request, at least 1 whenever read
     * @param clock the time source for cooldown ends
     */
    public RetryPolicy(java.util.function.IntSupplier maxAttempts, Clock clock) {
        this.maxAttempts = Objects.requireNonNull(maxAttempts, "maxAttempts");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The policy's clock reading. */
    public Instant now() {
        return clock.instant();
    }

    /** The policy's clock (the default upstream circuit shares it). */
    Clock clock() {
        return clock;
    }

    /** Attempts per request. */
    public int maxAttempts() {
        return maxAttempts.getAsInt();
    }

    /** Classifies a failed attempt (see {@link Failure#classification}). */
    public Classification classify(Throwable failure) {
        return Failure.of(failure).classification(this);
    }

    /** Classifies a Gemini error response. */
    public Classification classify(int status, GeminiError error) {
        if ((status == 400 || status == 403) && isBillingOnly(error)) {
            // a paid-only model: the key stays fine for every other model
            return new Classification(new Verdict(Verdict.Kind.COOLDOWN, clock.instant().plus(BILLING_REST), status,
                    BILLING_REQUIRED), true);
        }
        String reason = error.reason().orElse(null);
        if (isKeyReason(reason)) {
            return new Classification(new Verdict(Verdict.Kind.INVALID, null, status, reason), true);
        }
        if (status == 401 || (status == 403 && isAboutTheKey(error))) {
            return new Classification(new Verdict(Verdict.Kind.INVALID, null, status,
                    error.status() != null ? error.status() : "PERMISSION_DENIED"), true);
        }
        if (status == 429) {
            Instant now = clock.instant();
            if (error.isDailyQuota()) {
                Instant midnight = LocalDate.ofInstant(now, KeyPool.QUOTA_ZONE).plusDays(1)
                        .atStartOfDay(KeyPool.QUOTA_ZONE).toInstant();
                return new Classification(new Verdict(Verdict.Kind.EXHAUSTED, midnight, 429, "DAILY_QUOTA"), true);
            }
            Duration delay = error.retryDelay().orElse(Duration.ofSeconds(DEFAULT_COOLDOWN_SECONDS));
            return new Classification(new Verdict(Verdict.Kind.COOLDOWN, now.plus(delay), 429,
                    error.isInputTokenQuota() ? INPUT_TOKEN_QUOTA : "RESOURCE_EXHAUSTED"), true);
        }
        if (status == 400 && "FAILED_PRECONDITION".equals(error.status())) {
            // e.g. "User location is not supported": the same for every key from this host
            return new Classification(Verdict.NEUTRAL, false);
        }
        if (status >= 400 && status < 500 && status != 408) {
            return new Classification(Verdict.NEUTRAL, false);
        }
        return new Classification(Verdict.failure(status, error.status() != null ? error.status() : "HTTP_" + status),
                true);
    }

    /** Whether a Gemini error rejects the key itself (invalid, expired, suspended, unregistered). */
    public static boolean isKeyError(int status, GeminiError error) {
        return isKeyReason(error.reason().orElse(null)) || status == 401 || (status == 403 && isAboutTheKey(error));
    }

    // A 403 with no ErrorInfo may still be about the key ("unregistered callers", "Consumer ... suspended");
    // one about a resource (a file of another project) is the request's problem, not the key's.
    private static boolean isAboutTheKey(GeminiError error) {
        if (error.reason().isPresent()) {
            return true; // an ErrorInfo on a 403 names a key/consumer/service problem
        }
        String m = error.message().toLowerCase(java.util.Locale.ROOT);
        if (m.contains("not found") && !m.contains("api key") && !m.contains("api_key")) {
            // "CachedContent not found (or permission denied)": a cache expired, deleted or another project's
            return false;
        }
        return m.contains("api key") || m.contains("api_key") || m.contains("consumer") || m.contains("unregistered")
                || m.contains("suspended") || m.contains("permission denied") || m.isEmpty();
    }

    // "Imagen API is only accessible to billed users at this time."
    private static boolean isBillingOnly(GeminiError error) {
        String m = error.message().toLowerCase(java.util.Locale.ROOT);
        return m.contains("billed users") || m.contains("billing account") || m.contains("only available on paid")
                || m.contains("requires billing");
    }

    /** Whether an {@code ErrorInfo.reason} says the key itself was rejected. */
    public static boolean isKeyReason(String reason) {
        return reason != null && KEY_REASONS.contains(reason);
    }

    /** Strips the wrappers that CompletableFuture adds. */
    public static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
