package io.github.geminibalance.retry;

import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.keys.Verdict;
import io.github.geminibalance.upstream.GeminiApiException;
import io.github.geminibalance.upstream.SoftFailureException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * Whatever ended an attempt, recognised once: the one place that looks at a failure's type. From it come
 * both the verdict on the key that was used ({@link #classification}, for the retry loop and the pool)
 * and the error the client sees ({@link #clientError}); the two used to be parallel {@code instanceof}
 * ladders in {@link RetryPolicy} and {@link ErrorMapper}.
 */
public final class Failure {

    /** The kinds of failure the core tells apart. */
    public enum Kind {
        /** Gemini answered with an error response (or an error inside a stream). */
        GEMINI,
        /** Gemini answered 200 with nothing usable (no candidate, an empty stream). */
        EMPTY_ANSWER,
        /** The call or the stream timed out. */
        TIMEOUT,
        /** The caller cancelled. */
        CANCELLED,
        /** The connection to Gemini failed. */
        CONNECTION,
        /** Already a client error (an invalid request, say): passed on as it is. */
        CLIENT_ERROR,
        /** Anything else: a bug of ours. */
        INTERNAL
    }

    private final Kind kind;
    private final Throwable cause;

    private Failure(Kind kind, Throwable cause) {
        this.kind = kind;
        this.cause = cause;
    }

    /**
     * Recognises a failure, after unwrapping {@code CompletionException} and {@code ExecutionException}.
     *
     * @param failure what ended the attempt (null counts as {@link Kind#INTERNAL})
     * @return the failure
     */
    public static Failure of(Throwable failure) {
        Throwable t = failure == null ? null : RetryPolicy.unwrap(failure);
        Kind kind;
        if (t instanceof GeminiBalanceException) {
            kind = Kind.CLIENT_ERROR;
        } else if (t instanceof GeminiApiException) {
            kind = Kind.GEMINI;
        } else if (t instanceof SoftFailureException) {
            kind = Kind.EMPTY_ANSWER;
        } else if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
            kind = Kind.TIMEOUT;
        } else if (t instanceof CancellationException) {
            kind = Kind.CANCELLED;
        } else if (t instanceof IOException) {
            kind = Kind.CONNECTION;
        } else {
            kind = Kind.INTERNAL;
        }
        return new Failure(kind, t);
    }

    /**
     * The kind of failure.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The unwrapped failure.
     *
     * @return the failure, or null when none was given
     */
    public Throwable cause() {
        return cause;
    }

    /**
     * Whether Gemini or the way to it failed: an error answer, an empty answer, a timeout, a broken
     * connection. Not the client leaving, not a client error raised before the call, not a bug of ours.
     *
     * @return whether the failure is an upstream one, worth an error record
     */
    public boolean isUpstream() {
        return kind == Kind.GEMINI || kind == Kind.EMPTY_ANSWER || kind == Kind.TIMEOUT || kind == Kind.CONNECTION;
    }

    /**
     * The HTTP status of an upstream failure: Gemini's own (the code inside an in-stream error), else the
     * gateway status it maps to (504 for a timeout, 502 for a connection failure, 200 for an empty answer);
     * 0 for other failures.
     *
     * @return the status
     */
    public int upstreamStatus() {
        return switch (kind) {
            case GEMINI -> ((GeminiApiException) cause).httpStatus();
            case EMPTY_ANSWER -> 200;
            case TIMEOUT -> 504;
            case CONNECTION -> 502;
            case CANCELLED, CLIENT_ERROR, INTERNAL -> 0;
        };
    }

    /**
     * The reason of an upstream failure: Gemini's {@code ErrorInfo.reason} ({@code API_KEY_INVALID}),
     * else its {@code status} ({@code RESOURCE_EXHAUSTED}); for the others the proxy's name ({@code
     * TIMEOUT}, {@code CONNECTION}, or the empty answer's code such as {@code EMPTY_RESPONSE}).
     *
     * @return the reason, or null when there is none
     */
    public String reason() {
        return switch (kind) {
            case GEMINI -> {
                GeminiApiException e = (GeminiApiException) cause;
                yield e.error().reason().orElse(e.error().status());
            }
            case EMPTY_ANSWER -> ((SoftFailureException) cause).reason();
            case TIMEOUT -> "TIMEOUT";
            case CONNECTION -> "CONNECTION";
            case CANCELLED, CLIENT_ERROR, INTERNAL -> null;
        };
    }

    /**
     * What went wrong, in one line without API keys: Gemini's message for an error answer, else the
     * message the client would get. Never a Java type name.
     *
     * @return the message
     */
    public String message() {
        String text = kind == Kind.GEMINI ? ((GeminiApiException) cause).error().message() : clientError(null).getMessage();
        return io.github.geminibalance.util.Secrets.scrub(text == null ? "" : text.replaceAll("\\s+", " ").strip());
    }

    /**
     * What the failure means for the key that was used, and whether another key may succeed.
     *
     * @param policy the policy that judges Gemini's errors (cooldown lengths, daily quotas)
     * @return the classification
     */
    public Classification classification(RetryPolicy policy) {
        return switch (kind) {
            case GEMINI -> {
                GeminiApiException e = (GeminiApiException) cause;
                yield policy.classify(e.httpStatus(), e.error());
            }
            case EMPTY_ANSWER -> new Classification(Verdict.failure(200, ((SoftFailureException) cause).reason()), true);
            case TIMEOUT -> new Classification(Verdict.failure(504, "TIMEOUT"), true);
            // no proxy could be got through: the proxies' fault, and another key would leave through them too
            case CONNECTION -> cause instanceof io.github.geminibalance.spi.HttpTransport.ProxyException
                    ? new Classification(Verdict.NEUTRAL, false)
                    : new Classification(Verdict.failure(502, "CONNECTION"), true);
            // the client went away, the request was bad, or a bug of ours: not the key's fault
            case CANCELLED, CLIENT_ERROR, INTERNAL -> new Classification(Verdict.NEUTRAL, false);
        };
    }

    /**
     * The error the client sees: Gemini's own status and message where they concern the request, an
     * honest gateway error (502, 503, 504) where the upstream or the key pool failed.
     *
     * @param retryAfter how long to wait, used for rate limits when known; may be null
     * @return the exception to answer with
     */
    public GeminiBalanceException clientError(Duration retryAfter) {
        return switch (kind) {
            case CLIENT_ERROR -> (GeminiBalanceException) cause;
            case GEMINI -> {
                GeminiApiException e = (GeminiApiException) cause;
                yield ErrorMapper.fromGemini(e.httpStatus(), e.error(), retryAfter, e);
            }
            case EMPTY_ANSWER -> new GeminiBalanceException(502, "server_error", "empty_response", null, null,
                    "Gemini returned no usable answer: " + cause.getMessage(), cause);
            case TIMEOUT -> new GeminiBalanceException(504, "server_error", "upstream_timeout", null, null,
                    "Gemini did not answer in time", cause);
            case CANCELLED -> new GeminiBalanceException(499, "invalid_request_error", "cancelled", null, null,
                    "the request was cancelled", cause);
            case CONNECTION -> cause instanceof io.github.geminibalance.spi.HttpTransport.ProxyException
                    ? new GeminiBalanceException(502, "server_error", "proxy_unreachable", null, null,
                            "could not reach Gemini: no configured proxy could be got through", cause)
                    : new GeminiBalanceException(502, "server_error", "upstream_unreachable", null, null,
                            "could not reach Gemini: " + ErrorMapper.describe((IOException) cause), cause);
            case INTERNAL -> new GeminiBalanceException(500, "server_error", "internal_error", null, null,
                    "internal error; see the server log", cause);
        };
    }
}
