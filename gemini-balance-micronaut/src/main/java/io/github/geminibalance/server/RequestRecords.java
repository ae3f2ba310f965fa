package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.store.Attempt;
import io.github.geminibalance.store.ErrorRecord;
import io.github.geminibalance.store.RecordSink;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.store.jdbc.DatabaseSettings;
import io.github.geminibalance.util.Secrets;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The record hook: when a client call on a front door is done, its {@link RequestRecord} and one
 * {@link ErrorRecord} per failed upstream attempt are built from the request's {@link RequestTrace} and
 * offered to the store's {@link RecordSink}, which never blocks (a full queue drops and counts). Called
 * by {@link AccessLogFilter} for every response; records only calls with an accepted client token on a
 * known front-door route ({@link #route}), never admin, health, metrics or unknown paths, nor anything a
 * client without a token can cause.
 *
 * <p>Records hold ids and labels only: the key of each attempt by id, the client by its token's label.
 * Gemini's messages are kept with the pool's keys (and anything that looks like a Google key) masked.
 * The request body is kept on error records only with {@code ERROR_LOG_RECORD_REQUEST_BODY=true}: the
 * controllers then hand it over ({@link #keepBody}), up to {@value #MAX_BODY_CHARS} characters.
 */
@Singleton
final class RequestRecords {

    /** The request attribute holding the body to keep on error records. */
    static final String BODY_ATTRIBUTE = "gemini-balance.record-body";
    /** The most characters of a request body kept on an error record. */
    static final int MAX_BODY_CHARS = 64 * 1024;
    private static final int MAX_MESSAGE_CHARS = 2000;

    private final RecordSink sink;
    private final Clock clock;
    private final boolean keepBodies;
    // the pool's keys as they are now: keys added at run time are masked too
    private final KeyScrubbers scrubbers;

    RequestRecords(Store store, Clock clock, DatabaseSettings settings, GeminiBalance gemini) {
        this.sink = store.sink();
        this.clock = clock;
        this.keepBodies = settings.recordRequestBody();
        this.scrubbers = new KeyScrubbers(gemini::keyValues);
    }

    /**
     * The record route of a request: {@code openai.chat}, {@code openai.embeddings}, {@code openai.models},
     * {@code openai.responses}, {@code openai.audio.speech}, {@code openai.audio.transcriptions}, {@code
     * openai.audio.translations}, {@code openai.images}, {@code openai.image_edits}, {@code anthropic.messages},
     * {@code anthropic.count_tokens},
     * {@code openai.model}, {@code gemini.models}, {@code gemini.model} or {@code gemini.<method>} for the
     * native calls, {@code google.openai} for Google's OpenAI layer ({@code /openai/v1/...}); null for
     * anything else (not recorded).
     */
    static String route(HttpRequest<?> request) {
        String path = request.getPath();
        String openAi = path.startsWith("/hf/v1/") ? path.substring(3) : path;
        switch (openAi) {
            case "/v1/chat/completions":
                return "openai.chat";
            case "/v1/embeddings":
                return "openai.embeddings";
            case "/v1/models":
                return "openai.models";
            case "/v1/responses":
                return "openai.responses";
            case "/v1/images/generations":
                return "openai.images";
            case "/v1/images/edits":
                return "openai.image_edits";
            case "/v1/messages":
                return "anthropic.messages";
            case "/v1/messages/count_tokens":
                return "anthropic.count_tokens";
            case "/v1/audio/speech":
                return "openai.audio.speech";
            case "/v1/audio/transcriptions":
                return "openai.audio.transcriptions";
            case "/v1/audio/translations":
                return "openai.audio.translations";
            default:
                break;
        }
        if (openAi.startsWith("/v1/models/")) {
            return "openai.model";
        }
        if (path.startsWith(OpenAiLayerController.PREFIX)) {
            return "google.openai";
        }
        if (path.startsWith(VertexExpressController.PREFIX + "/")) {
            return VertexExpressController.route(request);
        }
        if (FilesController.isUploadPath(path) || FilesController.isDownloadPath(path)) {
            return "gemini.files";
        }
        if (!NativeController.isNativePath(path)) {
            return null;
        }
        String resource = NativeController.resource(request);
        if (resource != null && (resource.equals("files") || resource.startsWith("files/"))) {
            return "gemini.files";
        }
        if (resource != null && (resource.equals("cachedContents") || resource.startsWith("cachedContents/"))) {
            return "gemini.cachedContents";
        }
        if (resource != null && (resource.equals("batches") || resource.startsWith("batches/"))) {
            return "gemini.batches";
        }
        if (resource == null || !resource.startsWith("models")) {
            return null;
        }
        if (resource.equals("models")) {
            return "gemini.models";
        }
        int colon = resource.indexOf(':');
        if (colon < 0) {
            return resource.indexOf('/', "models/".length()) < 0 ? "gemini.model" : null;
        }
        String method = resource.substring(colon + 1);
        return NativeController.METHODS.contains(method) || NativeController.BATCH_METHODS.contains(method)
                ? "gemini." + method : null;
    }

    /**
     * Hands the request body to the error records of this call, when {@code ERROR_LOG_RECORD_REQUEST_BODY}
     * is on (otherwise nothing is kept, not even a reference).
     */
    void keepBody(HttpRequest<?> request, byte[] body) {
        if (keepBodies && body != null && body.length > 0) {
            request.setAttribute(BODY_ATTRIBUTE, body);
        }
    }

    /**
     * Offers the records of a call once it is done (at once for a complete answer, when the body ends for
     * a stream). Does nothing for calls that are not recorded.
     *
     * @param request the request (its route, client label and kept body are read from it)
     * @param requestId the request id the client got
     * @param status the HTTP status answered
     * @param trace the request's trace
     */
    void whenDone(HttpRequest<?> request, String requestId, int status, RequestTrace trace) {
        if (!trace.recording()) {
            return;
        }
        String label = request.getAttribute(AccessLogFilter.LABEL_ATTRIBUTE, String.class).orElse(null);
        if (label == null) {
            return; // no accepted token: anyone could fill the database
        }
        String route = route(request);
        if (route == null) {
            return;
        }
        byte[] body = keepBodies ? request.getAttribute(BODY_ATTRIBUTE, byte[].class).orElse(null) : null;
        trace.whenDone(() -> offer(new Call(requestId, route, label, status, body), trace));
    }

    /** What the filter knew about a call when its response head was ready. */
    private record Call(String requestId, String route, String label, int status, byte[] body) {}

    private void offer(Call call, RequestTrace trace) {
        Instant now = clock.instant();
        long elapsed = trace.elapsedNanos();
        Instant at = now.minusNanos(elapsed);
        List<RequestTrace.Attempt> traced = trace.attempts();
        List<Attempt> attempts = new ArrayList<>(traced.size());
        for (RequestTrace.Attempt a : traced) {
            attempts.add(new Attempt(a.keyId(), a.status()));
        }
        RequestTrace.Tokens tokens = trace.tokens().orElse(null);
        String modelAsked = trace.model().orElse(null);
        String modelSent = trace.modelSent().orElse(null);
        long ttfb = trace.firstByteNanos().isPresent()
                ? TimeUnit.NANOSECONDS.toMillis(trace.firstByteNanos().getAsLong()) : -1;
        sink.offer(new RequestRecord(0, at, call.requestId(), call.route(), modelAsked, modelSent,
                trace.stream().orElse(false), call.label(), attempts, call.status(),
                TimeUnit.NANOSECONDS.toMillis(elapsed), ttfb,
                tokens == null ? 0 : tokens.prompt(),
                tokens == null ? 0 : Math.max(0, tokens.completion() - tokens.thinking()),
                tokens == null ? 0 : tokens.thinking(),
                tokens == null ? 0 : tokens.cached(),
                trace.finishReason().orElse(null), trace.errorCode().orElse(null)));
        List<RequestTrace.FailedAttempt> failures = trace.failures();
        if (failures.isEmpty()) {
            return;
        }
        String model = modelSent != null ? modelSent : modelAsked;
        String body = call.body() == null ? null : text(call.body(), MAX_BODY_CHARS);
        for (RequestTrace.FailedAttempt f : failures) {
            sink.offer(new ErrorRecord(0, at.plusNanos(f.afterNanos()), call.requestId(), f.keyId(), f.status(),
                    f.reason(), f.message() == null ? null : scrub(cut(f.message(), MAX_MESSAGE_CHARS)), model,
                    call.label(), body));
        }
    }

    /** The body as text, cut to {@code max} characters, keys masked. */
    private String text(byte[] body, int max) {
        String text = new String(body, 0, Math.min(body.length, max * 4), StandardCharsets.UTF_8);
        return scrub(cut(text, max));
    }

    private String scrub(String text) {
        return Secrets.scrub(scrubbers.get().scrub(text));
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
