package io.github.geminibalance;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * What happened while one request was served, for an access log: the model, whether it streams, each
 * attempt (the key's stable id and the upstream status), when the first chunk arrived, the tokens
 * Gemini counted, and when a streamed body ended. The facade fills it in from any thread; the HTTP
 * adapter reads it when the response is done. It holds key ids only, never keys, and nothing of the
 * request's or the answer's content.
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

    /** Token counts as Gemini reported them. */
    public record Tokens(int prompt, int completion, int total) {}

    private final LongSupplier ticker;
    private final long started;
    private String model;
    private Boolean stream;
    private final List<Attempt> attempts = new ArrayList<>(2);
    private long firstByte = -1;
    private Tokens tokens;
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
        if (recording()) {
            tokens = new Tokens(prompt, completion, total);
        }
    }

    /** The token counts, if Gemini reported them. */
    public synchronized Optional<Tokens> tokens() {
        return Optional.ofNullable(tokens);
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
