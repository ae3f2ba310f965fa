package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.NativeResponse;
import io.github.geminibalance.StreamRelay;
import io.github.geminibalance.util.LogText;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Gemini's successful native answer into the client's response, so that a body that breaks
 * after Gemini's {@code 200} head never becomes a framework 500:
 *
 * <ul>
 *   <li>A call ({@code generateContent}, {@code countTokens}, {@code GET models}...) is read whole
 *       before the head is sent, so a body cut short is answered {@code 502} in Gemini's error shape.
 *   <li>A stream ({@code streamGenerateContent}) commits its {@code 200} only once its first piece is
 *       there (a stream that breaks before it gets the {@code 502}); a failure after that ends it with
 *       an error in the stream's own format: an SSE event {@code data: {"error":{...}}}, or a last
 *       element of the JSON-array stream, then a normal end, as the OpenAI routes do.
 * </ul>
 *
 * <p>Either way the pool's keys are masked in what Gemini sent ({@link KeyScrubber}). Server-sent
 * events are relayed whole: a piece that ends mid-event is held until the event is complete, so an
 * error never lands inside a half-written event and a key never straddles two scans.
 */
final class NativeRelay {

    /** The largest non-streamed answer read into memory; Gemini's are far smaller (inline images: a few MB). */
    static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;
    // An event larger than this is passed on in pieces rather than held (no real event comes near it).
    private static final int MAX_HELD_EVENT_BYTES = 16 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(NativeController.class);

    private final Supplier<KeyScrubber> scrubbers;

    /** A relay that masks the keys of one fixed list. */
    private final java.util.function.Function<GeminiBalanceException, byte[]> errorBody;
    private final java.util.function.UnaryOperator<Flow.Publisher<byte[]>> keepAlive;

    NativeRelay(KeyScrubber scrubber) {
        this(() -> scrubber);
    }

    /** A relay that masks the pool's keys as they are when each answer starts. */
    NativeRelay(Supplier<KeyScrubber> scrubbers) {
        this(scrubbers, NativeErrors::body);
    }

    /**
     * A relay that masks the pool's keys and, when a stream breaks after its first bytes, ends it with
     * {@code errorBody}'s error (Gemini's shape for the native API, OpenAI's for Google's OpenAI layer).
     */
    NativeRelay(Supplier<KeyScrubber> scrubbers, java.util.function.Function<GeminiBalanceException, byte[]> errorBody) {
        this(scrubbers, errorBody, java.util.function.UnaryOperator.identity());
    }

    /**
     * A relay as above whose server-sent event streams pass through {@code keepAlive} (comments in the
     * silences, {@link SseResponses#keepAlive}); it sees whole events only.
     */
    NativeRelay(Supplier<KeyScrubber> scrubbers, java.util.function.Function<GeminiBalanceException, byte[]> errorBody,
            java.util.function.UnaryOperator<Flow.Publisher<byte[]>> keepAlive) {
        this.scrubbers = scrubbers;
        this.errorBody = errorBody;
        this.keepAlive = keepAlive;
    }

    /** The response for Gemini's answer; fails (with the body's error) when a call's body breaks. */
    CompletableFuture<MutableHttpResponse<byte[]>> answer(HttpRequest<?> request, NativeResponse response,
            boolean stream) {
        MediaType type = mediaType(response.contentType());
        KeyScrubber scrubber = scrubbers.get();
        if (!stream) {
            return collect(response.body()).thenApply(body -> head(response.status(), type).body(scrubber.scrub(body)));
        }
        boolean sse = type.matches(MediaType.TEXT_EVENT_STREAM_TYPE);
        return StreamRelay.primed(response.body(), new StreamStage(request, sse, scrubber)).handle((primed, failure) -> {
            if (failure instanceof NoSuchElementException) {
                return head(response.status(), type).body(new byte[0]); // Gemini sent an empty 200
            }
            if (failure != null) {
                throw failure instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(failure);
            }
            return streamed(response.status(), type, FlowAdapters.toPublisher(sse ? keepAlive.apply(primed) : primed));
        });
    }

    /**
     * The handlers declare {@code MutableHttpResponse<byte[]>} on purpose: Micronaut turns a publisher
     * body with a JSON content type into a JSON array of its items unless the route's declared body
     * type is {@code byte[]}, and Gemini's JSON-array stream must pass unchanged. The declared type
     * only steers that choice; at run time the body is the publisher, which Micronaut streams.
     */
    @SuppressWarnings("unchecked")
    private static MutableHttpResponse<byte[]> streamed(int status, MediaType type, Publisher<byte[]> body) {
        MutableHttpResponse<Object> out = HttpResponse.status(status, ErrorResponses.reason(status))
                .contentType(type).body(body);
        if (type.matches(MediaType.TEXT_EVENT_STREAM_TYPE)) {
            out.header(HttpHeaders.CACHE_CONTROL, "no-cache").header("X-Accel-Buffering", "no");
        }
        return (MutableHttpResponse<byte[]>) (MutableHttpResponse<?>) out;
    }

    private static MutableHttpResponse<byte[]> head(int status, MediaType type) {
        return HttpResponse.<byte[]>status(status, ErrorResponses.reason(status)).contentType(type);
    }

    // A content type Micronaut cannot parse must not fail the response: the body would never be
    // subscribed to, and the key never returned to the pool.
    private static MediaType mediaType(String contentType) {
        try {
            return MediaType.of(contentType);
        } catch (RuntimeException unparseable) {
            return MediaType.APPLICATION_OCTET_STREAM_TYPE;
        }
    }

    /** Reads a whole body, up to {@link #MAX_ANSWER_BYTES}; the future fails with the body's error. */
    static CompletableFuture<byte[]> collect(Flow.Publisher<ByteBuffer> body) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        body.subscribe(new Flow.Subscriber<>() {
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer buffer) {
                if (result.isDone()) {
                    return;
                }
                if (bytes.size() + (long) buffer.remaining() > MAX_ANSWER_BYTES) {
                    subscription.cancel();
                    result.completeExceptionally(new GeminiBalanceException(502, "server_error", "upstream_too_large",
                            null, null, "Gemini's answer is larger than this proxy relays ("
                            + MAX_ANSWER_BYTES / (1024 * 1024) + " MiB)", null));
                    return;
                }
                byte[] piece = new byte[buffer.remaining()];
                buffer.get(piece);
                bytes.writeBytes(piece);
            }

            @Override
            public void onError(Throwable error) {
                result.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                result.complete(bytes.toByteArray());
            }
        });
        return result;
    }

    /** Scrubs a stream piece by piece, holds partial events (or partial keys), and ends a broken stream with an error. */
    private final class StreamStage implements StreamRelay.Stage<ByteBuffer, byte[]> {
        private final HttpRequest<?> request;
        private final boolean sse;
        private final KeyScrubber scrubber;
        /**
         * What is held back (a partial event, or a key's first characters) in {@code held[0, heldLength)}:
         * a buffer grown by doubling, so an event arriving in many small pieces is copied a few times
         * in all rather than once per piece.
         */
        private byte[] held = new byte[0];
        private int heldLength;
        private boolean emitted;
        private byte lastSignificant; // the last non-blank byte sent, to close a JSON array correctly

        StreamStage(HttpRequest<?> request, boolean sse, KeyScrubber scrubber) {
            this.request = request;
            this.sse = sse;
            this.scrubber = scrubber;
        }

        @Override
        public void onItem(ByteBuffer buffer, Consumer<byte[]> out) {
            int before = heldLength;
            int length = before + buffer.remaining();
            if (length > held.length) {
                held = Arrays.copyOf(held, Math.max(length, Math.max(8192, held.length * 2)));
            }
            buffer.get(held, before, length - before);
            heldLength = length;
            // what was held has no event end in it: only the new bytes (with the blank line's first
            // bytes, up to 2 before them) need a look
            int end = sse ? eventsEnd(held, before, length) : scrubber.partialKeyStart(held, length);
            if (sse && end == 0 && length > MAX_HELD_EVENT_BYTES) {
                end = scrubber.partialKeyStart(held, length);
            }
            if (end == 0) {
                return;
            }
            byte[] bytes = held;
            // a new buffer for the rest: scrub may return the very array it was given
            held = Arrays.copyOfRange(bytes, end, Math.max(length, end + 8192));
            heldLength = length - end;
            emit(scrubber.scrub(bytes, end), out);
        }

        @Override
        public void onComplete(Consumer<byte[]> out) {
            emit(scrubber.scrub(Arrays.copyOf(held, heldLength)), out);
            held = new byte[0];
            heldLength = 0;
        }

        @Override
        public boolean onError(Throwable error, Consumer<byte[]> out) {
            if (!emitted) {
                return false; // nothing reached the client: the caller answers with a real status
            }
            GeminiBalanceException e = GeminiBalanceException.from(error);
            AccessLogFilter.trace(request).errorCode(e.code().orElse(e.type())); // for the request record
            // the path and the message carry client text (and Gemini's): quoted, so no line can be forged
            log.warn("{} {} -> stream ended early ({}): {}", request.getMethodName(), LogText.quote(request.getPath()),
                    e.httpStatus(), LogText.quote(e.getMessage()));
            // a partial event (or a key's first characters) is dropped: the error follows whole events
            held = new byte[0];
            heldLength = 0;
            String json = new String(errorBody.apply(e), StandardCharsets.UTF_8);
            String tail;
            if (sse) {
                tail = "data: " + json + "\r\n\r\n";
            } else if (lastSignificant == '[') {
                tail = json + "\r\n]";
            } else {
                tail = "\r\n,\r\n" + json + "\r\n]";
            }
            out.accept(tail.getBytes(StandardCharsets.UTF_8));
            return true;
        }

        private void emit(byte[] bytes, Consumer<byte[]> out) {
            if (bytes.length == 0) {
                return;
            }
            for (int i = bytes.length - 1; i >= 0; i--) {
                byte b = bytes[i];
                if (b != ' ' && b != '\r' && b != '\n' && b != '\t') {
                    lastSignificant = b;
                    break;
                }
            }
            emitted = true;
            out.accept(bytes);
        }
    }

    /** The end of the last complete event (after its blank line), or 0 when no event is complete yet. */
    static int eventsEnd(byte[] bytes) {
        return eventsEnd(bytes, 0, bytes.length);
    }

    /**
     * The end of the last complete event in {@code bytes[0, to)} whose blank line ends at or after
     * {@code from} (the blank line's first bytes may lie before it), or 0 when there is none.
     */
    static int eventsEnd(byte[] bytes, int from, int to) {
        for (int i = to - 1; i >= Math.max(1, from); i--) {
            if (bytes[i] == '\n' && (bytes[i - 1] == '\n' || (i >= 2 && bytes[i - 1] == '\r' && bytes[i - 2] == '\n'))) {
                return i + 1;
            }
        }
        return 0;
    }
}
