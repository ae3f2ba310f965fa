package io.github.geminibalance;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * What happened while one request was served, for an access log and a request record: the model asked
 * and the model sent, whether it streams, each attempt (the key's stable id and the upstream status),
 * each failed attempt (its status, Gemini's reason and message), when the first chunk arrived, the
 * tokens Gemini counted, the finish reason, the error code the client got, and when a streamed body
 * ended. The facade fills it in from any thread; the HTTP adapter reads it when the response is done.
 * It holds key ids only, never keys, and nothing of the request's or the answer's content (Gemini's
 * error messages are kept with keys masked).
 *
 * <pre>{@code
 * RequestTrace trace = RequestTrace.start(System::nanoTime);
 * gb.chat(request, trace).whenComplete((answer, failure) ->
 *         trace.whenDone(() -> log.info("{} attempts, keys {}", trace.attempts().size(), trace.keyIds())));
 * }</pre>
 *
 * <p>{@link #none()} records nothing; the facade's methods without a trace use it. Thread-safe.
 */
public final class RequestTrace {

    private static final RequestTrace NONE = new RequestTrace(null);

    /**
     * One attempt with one key.
     *
     * @param keyId the key's stable id ({@link io.github.geminibalance.keys.ApiKey#id()})
     * @param status the upstream HTTP status the attempt ended with (200 on success), or 0 while it runs
     *     or when no status is known (a timeout, a connection failure)
     */
    public record Attempt(String keyId, int status) {}

    /**
     * Token counts as Gemini reported them, counted the way OpenAI does: {@code completion} includes
     * the thinking tokens, {@code prompt} the tool-use prompt tokens, so {@code prompt + completion ==
     * total} as a rule.
     *
     * @param prompt prompt tokens (with tool-use prompt tokens)
     * @param completion answer tokens, thinking included
     * @param total all tokens
     * @param thinking the thinking tokens inside {@code completion}
     * @param cached the cached-content tokens inside {@code prompt}
     */
    public record Tokens(int prompt, int completion, int total, int thinking, int cached) {

        /** Counts without thinking and cached tokens. */
        public Tokens(int prompt, int completion, int total) {
            this(prompt, completion, total, 0, 0);
        }
    }

    /**
     * One failed upstream attempt: Gemini answered with an error (also inside a stream that had started),
     * or the way to it failed (a timeout, a broken connection, an empty answer). Failures that are not
     * upstream ones (the client left, a bug of ours) are not noted.
     *
     * @param keyId the id of the key used
     * @param status Gemini's HTTP status (the code inside an in-stream error), or the gateway status the
     *     failure maps to (504 for a timeout, 502 for a connection failure), or 0 when none applies
     * @param reason Gemini's reason ({@code API_KEY_INVALID}, {@code RESOURCE_EXHAUSTED}...: the error's
     *     {@code ErrorInfo.reason}, else its {@code status}) or the proxy's name for the failure
     *     ({@code TIMEOUT}, {@code CONNECTION}, {@code EMPTY_RESPONSE}...); may be null
     * @param message Gemini's message (or the proxy's description), one line, with API keys masked
     * @param afterNanos nanoseconds from the start of the request to the failure
     */
    public record FailedAttempt(String keyId, int status, String reason, String message, long afterNanos) {}

    private final LongSupplier ticker;
    private final long started;
    private String model;
    private String modelSent;
    private Boolean stream;
    private final List<Attempt> attempts = new ArrayList<>(2);
    private List<FailedAttempt> failures;
    private long firstByte = -1;
    private Tokens tokens;
    private String finishReason;
    private String errorCode;
    private boolean bodyExpected;
    private boolean bodyEnded;
    private List<Runnable> whenDone;

    private RequestTrace(LongSupplier ticker) {
        this.ticker = ticker;
        this.started = ticker == null ? 0 : ticker.getAsLong();
    }

    /** The trace that records nothing. */
    public static RequestTrace none() {
        return NONE;
    }

    /**
     * A trace started now.
     *
     * @param nanoTicker the time source in nanoseconds ({@code System::nanoTime}; a fake one in tests)
     */
    public static RequestTrace start(LongSupplier nanoTicker) {
        return new RequestTrace(java.util.Objects.requireNonNull(nanoTicker, "nanoTicker"));
    }

    /** Whether this trace records (false for {@link #none()}). */
    public boolean recording() {
        return ticker != null;
    }

    /** Notes the model the client asked for. */
    public synchronized void model(String model) {
        if (recording()) {
            this.model = model;
        }
    }

    /** The model the client asked for, if known. */
    public synchronized Optional<String> model() {
        return Optional.ofNullable(model);
    }

    /** Notes the Gemini model the request is sent to (the asked one without the proxy's suffixes). */
    public synchronized void modelSent(String model) {
        if (recording()) {
            this.modelSent = model;
        }
    }

    /** The Gemini model the request was sent to, if it got that far. */
    public synchronized Optional<String> modelSent() {
        return Optional.ofNullable(modelSent);
    }

    /** Notes whether the answer streams. */
    public synchronized void stream(boolean stream) {
        if (recording()) {
            this.stream = stream;
        }
    }

    /** Whether the answer streams, if the request got that far. */
    public synchronized Optional<Boolean> stream() {
        return Optional.ofNullable(stream);
    }

    /** Notes that an attempt started with the key of this id; returns its number for {@link #attemptEnded}. */
    public synchronized int attemptStarted(String keyId) {
        if (!recording()) {
            return -1;
        }
        attempts.add(new Attempt(keyId, 0));
        return attempts.size() - 1;
    }

    /** Notes the upstream status an attempt ended with (0 when none is known). */
    public synchronized void attemptEnded(int attempt, int status) {
        if (attempt >= 0 && attempt < attempts.size()) {
            attempts.set(attempt, new Attempt(attempts.get(attempt).keyId(), status));
        }
    }

    /**
     * Notes a failed upstream attempt (see {@link FailedAttempt}); {@code message} must already be free of
     * keys.
     */
    public void attemptFailed(String keyId, int status, String reason, String message) {
        if (!recording()) {
            return;
        }
        long after = ticker.getAsLong() - started;
        synchronized (this) {
            if (failures == null) {
                failures = new ArrayList<>(2);
            }
            failures.add(new FailedAttempt(keyId, status, reason, message, after));
        }
    }

    /** The failed upstream attempts so far, in the order they failed. */
    public synchronized List<FailedAttempt> failures() {
        return failures == null ? List.of() : List.copyOf(failures);
    }

    /** The attempts so far, in the order they started. */
    public synchronized List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** The ids of the keys tried, in order (a key tried twice is listed twice). */
    public synchronized List<String> keyIds() {
        return attempts.stream().map(Attempt::keyId).toList();
    }

    /** Notes that the first byte or chunk of the answer is ready; later calls change nothing. */
    public synchronized void firstByte() {
        if (recording() && firstByte < 0) {
            firstByte = ticker.getAsLong();
        }
    }

    /** Nanoseconds from the start to the first byte or chunk, if it came. */
    public synchronized OptionalLong firstByteNanos() {
        return firstByte < 0 ? OptionalLong.empty() : OptionalLong.of(firstByte - started);
    }

    /** Nanoseconds since the start. */
    public long elapsedNanos() {
        return recording() ? ticker.getAsLong() - started : 0;
    }

    /** Notes the token counts (the last report wins: a stream's counts grow). */
    public synchronized void tokens(int prompt, int completion, int total) {
        tokens(prompt, completion, total, 0, 0);
    }

    /** Notes the token counts with the thinking and cached ones (see {@link Tokens}); the last report wins. */
    public synchronized void tokens(int prompt, int completion, int total, int thinking, int cached) {
        if (recording()) {
            tokens = new Tokens(prompt, completion, total, thinking, cached);
        }
    }

    /** The token counts, if Gemini reported them. */
    public synchronized Optional<Tokens> tokens() {
        return Optional.ofNullable(tokens);
    }

    /**
     * Notes Gemini's finish reason ({@code STOP}, {@code MAX_TOKENS}, {@code SAFETY}..., or {@code
     * BLOCKED_<reason>} when the prompt was blocked); the last one noted wins.
     */
    public synchronized void finishReason(String reason) {
        if (recording() && reason != null) {
            this.finishReason = reason;
        }
    }

    /** Gemini's finish reason, if the answer had one. */
    public synchronized Optional<String> finishReason() {
        return Optional.ofNullable(finishReason);
    }

    /**
     * Notes the error the client got: its code ({@code rate_limit_exceeded}...), else its type. Also for a
     * stream that failed after its {@code 200}.
     */
    public synchronized void errorCode(String code) {
        if (recording() && code != null) {
            this.errorCode = code;
        }
    }

    /** The error the client got, if any. */
    public synchronized Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /**
     * Notes that the answer has a body that is still being produced (a stream, a native passthrough):
     * {@link #whenDone} waits for {@link #bodyEnded()}. Called before the answer is handed over.
     */
    public synchronized void expectBody() {
        if (recording() && !bodyEnded) {
            bodyExpected = true;
        }
    }

    /** Notes that the body ended: it completed, failed, or the client left. Runs the waiting actions. */
    public void bodyEnded() {
        List<Runnable> run;
        synchronized (this) {
            if (!bodyExpected || bodyEnded) {
                return;
            }
            bodyEnded = true;
            run = whenDone;
            whenDone = null;
        }
        if (run != null) {
            run.forEach(RequestTrace::runQuietly);
        }
    }

    /**
     * Runs {@code action} once the request is done: now, unless a body is expected and has not ended,
     * then when it ends (on the thread that ends it).
     */
    public void whenDone(Runnable action) {
        synchronized (this) {
            if (bodyExpected && !bodyEnded) {
                if (whenDone == null) {
                    whenDone = new ArrayList<>(1);
                }
                whenDone.add(action);
                return;
            }
        }
        runQuietly(action);
    }

    // an observer's bug must not break the stream that reports to it
    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(RequestTrace.class).warn("A request trace action failed", e);
        }
    }
}
