package io.github.geminibalance.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.github.geminibalance.gemini.BatchEmbedContentsResponse;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.gemini.ListModelsResponse;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.internal.StagePublisher;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.spi.HttpTransport;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Calls the Gemini REST API asynchronously through one shared {@link HttpTransport}. The key travels in
 * the {@code x-goog-api-key} header, never in the URL. Non-2xx answers fail the future with a
 * {@link GeminiApiException} carrying the typed error body.
 */
public final class GeminiClient {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GeminiClient.class);

    private static final ObjectReader RESPONSE_READER = Json.mapper().readerFor(GenerateContentResponse.class);
    private static final ObjectReader EMBED_READER = Json.mapper().readerFor(BatchEmbedContentsResponse.class);
    private static final ObjectReader MODELS_READER = Json.mapper().readerFor(ListModelsResponse.class);
    private static final ObjectReader PREDICT_READER = Json.mapper()
            .readerFor(io.github.geminibalance.gemini.PredictResponse.class);
    private static final int MAX_ERROR_BODY = 64 * 1024;
    // Far above any real answer (inline images and embeddings included); only guards the heap.
    private static final int MAX_BODY = 64 * 1024 * 1024;

    private static final int MAX_CACHED_URIS = 512;

    private final HttpTransport transport;
    private final Map<String, URI> modelUris = new java.util.concurrent.ConcurrentHashMap<>();
    private final String baseUrl;
    // run-time settings: every call reads them once, reconfigure swaps them
    private volatile Duration timeout;
    private volatile Duration streamIdleTimeout;
    private final ScheduledExecutorService scheduler;
    private final ProxyRouter proxies;
    private final Map<String, String> customHeaders;

    /**
     * Creates a client over the JDK's HTTP client.
     *
     * @param http the shared HTTP client
     * @param baseUrl the API base, such as {@code https://generativelanguage.googleapis.com/v1beta}
     * @param timeout the total timeout of a non-streamed call, and the wait for a stream's headers
     * @param streamIdleTimeout the longest gap between two stream events
     * @param scheduler runs the stream idle timers
     */
    public GeminiClient(HttpClient http, URI baseUrl, Duration timeout, Duration streamIdleTimeout,
            ScheduledExecutorService scheduler) {
        this(HttpTransport.jdk(http), baseUrl, timeout, streamIdleTimeout, scheduler);
    }

    /**
     * Creates a client.
     *
     * @param transport how requests travel
     * @param baseUrl the API base, such as {@code https://generativelanguage.googleapis.com/v1beta}
     * @param timeout the total timeout of a non-streamed call, and the wait for a stream's headers
     * @param streamIdleTimeout the longest gap between two stream events
     * @param scheduler runs the stream idle timers
     */
    public GeminiClient(HttpTransport transport, URI baseUrl, Duration timeout, Duration streamIdleTimeout,
            ScheduledExecutorService scheduler) {
        this(transport, baseUrl, timeout, streamIdleTimeout, scheduler, ProxyRouter.none(), Map.of());
    }

    /**
     * Creates a client whose calls leave through proxies and carry extra headers.
     *
     * @param transport how requests travel
     * @param baseUrl the API base, such as {@code https://generativelanguage.googleapis.com/v1beta}
     * @param timeout the total timeout of a non-streamed call, and the wait for a stream's headers
     * @param streamIdleTimeout the longest gap between two stream events
     * @param scheduler runs the stream idle timers
     * @param proxies picks each attempt's proxy ({@code PROXIES}); {@link ProxyRouter#none()} for none
     * @param customHeaders headers sent on every call ({@code CUSTOM_HEADERS}), names in lower case; the
     *     client's own headers win
     */
    public GeminiClient(HttpTransport transport, URI baseUrl, Duration timeout, Duration streamIdleTimeout,
            ScheduledExecutorService scheduler, ProxyRouter proxies, Map<String, String> customHeaders) {
        this.proxies = Objects.requireNonNull(proxies, "proxies");
        this.customHeaders = Map.copyOf(customHeaders);
        this.transport = Objects.requireNonNull(transport, "transport");
        String base = baseUrl.toString();
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.streamIdleTimeout = Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * Replaces the timeouts for the calls made from now on (run-time settings); calls under way keep theirs.
     *
     * @param timeout the total timeout of a non-streamed call, and the wait for a stream's headers
     * @param streamIdleTimeout the longest gap between two stream events
     */
    public void timeouts(Duration timeout, Duration streamIdleTimeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.streamIdleTimeout = Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
    }

    /** {@code POST models/{model}:generateContent}. */
    public CompletableFuture<GenerateContentResponse> generateContent(ApiKey key, String model, byte[] body) {
        return call(key, request(key, "POST", modelUri(model, "generateContent", ""), body, JSON))
                .thenApply(bytes -> read(bytes, RESPONSE_READER));
    }

    /** {@code POST models/{model}:predict} (Imagen). */
    public CompletableFuture<io.github.geminibalance.gemini.PredictResponse> predict(ApiKey key, String model,
            byte[] body) {
        return call(key, request(key, "POST", modelUri(model, "predict", ""), body, JSON))
                .thenApply(bytes -> read(bytes, PREDICT_READER));
    }

    /** {@code POST models/{model}:countTokens}: Gemini's answer as a tree ({@code totalTokens}...). */
    public CompletableFuture<com.fasterxml.jackson.databind.JsonNode> countTokens(ApiKey key, String model, byte[] body) {
        return call(key, request(key, "POST", modelUri(model, "countTokens", ""), body, JSON))
                .thenApply(bytes -> read(bytes, Json.mapper().readerFor(com.fasterxml.jackson.databind.JsonNode.class)));
    }

    /** {@code POST models/{model}:batchEmbedContents}. */
    public CompletableFuture<BatchEmbedContentsResponse> batchEmbedContents(ApiKey key, String model, byte[] body) {
        return call(key, request(key, "POST", modelUri(model, "batchEmbedContents", ""), body, JSON))
                .thenApply(bytes -> read(bytes, EMBED_READER));
    }

    /** {@code GET models}, one page of up to 1000 models. */
    public CompletableFuture<ListModelsResponse> listModels(ApiKey key, String pageToken) {
        String query = "?pageSize=1000" + (pageToken == null ? ""
                : "&pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
        return call(key, request(key, "GET", URI.create(baseUrl + "/models" + query), null, null))
                .thenApply(bytes -> read(bytes, MODELS_READER));
    }

    /**
     * {@code POST models/{model}:streamGenerateContent?alt=sse}. The future completes when Gemini has
     * answered 200; the publisher then yields each event's {@code data} as it arrives. An
     * {@code {"error":...}} event ends the stream with a {@link GeminiApiException}; no event for the
     * idle timeout ends it with a timeout. Cancelling the subscription closes the upstream connection.
     */
    public CompletableFuture<Flow.Publisher<String>> streamGenerateContent(ApiKey key, String model, byte[] body) {
        HttpTransport.Request request = new HttpTransport.Request("POST",
                modelUri(model, "streamGenerateContent", "?alt=sse"),
                headers(Map.of("x-goog-api-key", key.value(), "content-type", JSON, "accept", "text/event-stream")),
                body, timeout);
        return open(key, request).thenApply(response -> (Flow.Publisher<String>)
                StagePublisher.of(response.body(), new SseStage(scheduler, streamIdleTimeout)));
    }

    /**
     * Sends a request as is (the Gemini-native passthrough): {@code pathAndQuery} is relative to the
     * base URL, such as {@code /models/gemini-2.5-flash:countTokens}. The body of a 2xx answer is
     * streamed; a non-2xx answer fails with {@link GeminiApiException}.
     */
    public CompletableFuture<Exchange> exchange(ApiKey key, String method,
            String pathAndQuery, byte[] body, String contentType) {
        return exchange(key, method, pathAndQuery, body, contentType, false);
    }

    /**
     * {@link #exchange(ApiKey, String, String, byte[], String)}, with the key sent as {@code Authorization:
     * Bearer} when {@code bearer} is true (Google's OpenAI-compatible layer under {@code /openai/}).
     */
    public CompletableFuture<Exchange> exchange(ApiKey key, String method,
            String pathAndQuery, byte[] body, String contentType, boolean bearer) {
        String type = body != null && body.length > 0 ? (contentType == null ? JSON : contentType) : null;
        HttpTransport.Request request = request(key, method, URI.create(baseUrl + pathAndQuery), body, type);
        if (bearer) {
            Map<String, String> headers = type == null ? Map.of("authorization", "Bearer " + key.value())
                    : Map.of("authorization", "Bearer " + key.value(), "content-type", type);
            request = new HttpTransport.Request(method, request.uri(), headers(headers), body, request.timeout());
        }
        return open(key, request)
                .thenApply(response -> new Exchange(response.status(),
                        response.contentType() == null ? JSON : response.contentType(),
                        StagePublisher.of(response.body(), new IdleStage(scheduler, streamIdleTimeout))));
    }

    /**
     * A call of Gemini's Files API ({@code files/...} under the base URL, or the upload endpoint from
     * {@link #uploadUri}): the headers are sent as given (upload protocol headers), the key in
     * {@code x-goog-api-key}, the body from memory or {@code streamed} (an upload, never held whole). The
     * answer's body (file metadata, small) is read whole; a non-2xx answer fails with {@link GeminiApiException}.
     *
     * @param timeout the longest wait for the answer's head once the request is sent
     */
    public CompletableFuture<FileExchange> files(ApiKey key, String method, URI uri, Map<String, String> headers,
            byte[] body, HttpTransport.StreamedBody streamed, Duration timeout) {
        Map<String, String> sent = new java.util.HashMap<>(headers);
        sent.put("x-goog-api-key", key.value());
        return open(key, new HttpTransport.Request(method, uri, headers(sent), body, timeout, streamed))
                .thenCompose(response -> BodyCollector.collect(response.body(), MAX_BODY)
                        .thenApply(bytes -> new FileExchange(response.status(), response.contentType(),
                                response.headers(), bytes)));
    }

    /**
     * A file's bytes ({@code GET /download/v1beta/files/{id}:download?alt=media}, a batch's results say),
     * streamed as {@link #exchange} streams; a non-2xx answer fails with {@link GeminiApiException}.
     *
     * @param name the file's name, {@code files/{id}}
     */
    public CompletableFuture<Exchange> download(ApiKey key, String name) {
        URI base = URI.create(baseUrl);
        URI uri = URI.create(base.getScheme() + "://" + base.getRawAuthority() + "/download"
                + (base.getRawPath() == null ? "" : base.getRawPath()) + "/" + name + ":download?alt=media");
        return open(key, request(key, "GET", uri, null, null))
                .thenApply(response -> new Exchange(response.status(),
                        response.contentType() == null ? "application/octet-stream" : response.contentType(),
                        StagePublisher.of(response.body(), new IdleStage(scheduler, streamIdleTimeout))));
    }

    /** A Files API URI: {@code pathAndQuery} relative to the base URL ({@code /files/abc}). */
    public URI apiUri(String pathAndQuery) {
        return URI.create(baseUrl + pathAndQuery);
    }

    /**
     * The upload endpoint of the Files API: {@code /upload} before the base URL's path
     * ({@code https://generativelanguage.googleapis.com/upload/v1beta/files}), with a query.
     */
    public URI uploadUri(String query) {
        URI base = URI.create(baseUrl);
        String prefix = base.getScheme() + "://" + base.getRawAuthority();
        return URI.create(prefix + "/upload" + (base.getRawPath() == null ? "" : base.getRawPath()) + "/files"
                + (query == null || query.isEmpty() ? "" : "?" + query));
    }

    /**
     * A Files API answer.
     *
     * @param status the HTTP status
     * @param contentType Gemini's content type, or null
     * @param headers the answer's headers (lower-case names)
     * @param body the whole body
     */
    public record FileExchange(int status, String contentType, Map<String, String> headers, byte[] body) {}

    /**
     * A passthrough answer: status, content type and the body as it arrives (ended by the stream idle
     * timeout if Gemini stalls).
     *
     * @param status the HTTP status
     * @param contentType Gemini's content type
     * @param body the body buffers
     */
    public record Exchange(int status, String contentType, Flow.Publisher<List<ByteBuffer>> body) {}

    /** Parses one SSE event's data as a Gemini response, surfacing an in-stream error as an exception. */
    public static GenerateContentResponse parseEvent(String data) {
        try {
            // One parse in the common case; only an event that carries none of a response's fields is
            // read again as a tree to look for {"error": ...}.
            GenerateContentResponse response = RESPONSE_READER.readValue(data);
            if (response.candidates() != null || response.promptFeedback() != null
                    || response.usageMetadata() != null) {
                return response;
            }
            JsonNode node = Json.mapper().readTree(data);
            JsonNode error = node == null ? null : node.get("error");
            if (error != null && error.isObject()) {
                GeminiError e = GeminiError.fromNode(error, 500);
                throw new GeminiApiException(e.code(), e, true);
            }
            return response;
        } catch (IOException e) {
            throw new GeminiApiException(502, new GeminiError(502,
                    "Gemini sent an event that is not valid JSON", "BAD_GATEWAY", List.of()), true);
        }
    }

    private static final String JSON = "application/json";

    private HttpTransport.Request request(ApiKey key, String method, URI uri, byte[] body, String contentType) {
        Map<String, String> headers = contentType == null ? Map.of("x-goog-api-key", key.value())
                : Map.of("x-goog-api-key", key.value(), "content-type", contentType);
        return new HttpTransport.Request(method, uri, headers(headers), body, timeout);
    }

    /** {@code own} with the custom headers added under them. */
    private Map<String, String> headers(Map<String, String> own) {
        if (customHeaders.isEmpty()) {
            return own;
        }
        Map<String, String> all = new java.util.HashMap<>(customHeaders);
        all.putAll(own);
        return all;
    }

    /** The URI of a model method; the few models in use are encoded and parsed once. */
    private URI modelUri(String model, String method, String query) {
        String cacheKey = model + ':' + method + query;
        URI uri = modelUris.get(cacheKey);
        if (uri == null) {
            uri = URI.create(baseUrl + modelPath(model, method) + query);
            if (modelUris.size() >= MAX_CACHED_URIS) {
                // model names come from clients: stay bounded, and let made-up names not lock out real ones
                modelUris.clear();
            }
            modelUris.put(cacheKey, uri);
        }
        return uri;
    }

    /**
     * A whole 2xx body within the total timeout; anything else fails. A timeout (or a caller's cancel)
     * also cancels a body still being read, so a stalled answer does not keep its connection.
     */
    private CompletableFuture<byte[]> call(ApiKey key, HttpTransport.Request request) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        // Armed up front, for the whole call: the JDK's delay queue then holds one timer per call in
        // flight, and a new one rarely becomes its head (which would wake its thread on every call).
        result.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        open(key, request).whenComplete((response, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
                return;
            }
            CompletableFuture<byte[]> body = BodyCollector.collect(response.body(), MAX_BODY);
            result.whenComplete((bytes, failure) -> {
                if (failure != null) {
                    body.completeExceptionally(failure); // stops the download
                }
            });
            body.whenComplete((bytes, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(bytes);
                }
            });
        });
        return result;
    }

    /**
     * The response of a 2xx answer; a non-2xx one becomes a {@link GeminiApiException} with its body,
     * read within the timeout (a stalled error body ends the call, and its connection, all the same).
     */
    private CompletableFuture<HttpTransport.Response> open(ApiKey key, HttpTransport.Request request) {
        CompletableFuture<HttpTransport.Response> sent = proxies.isEmpty() ? send(request)
                : sendVia(request, proxies.order(key.id()), 0);
        return sent.thenCompose(response -> {
            int status = response.status();
            if (status / 100 == 2) {
                return CompletableFuture.completedFuture(response);
            }
            return BodyCollector.collectPrefix(response.body(), MAX_ERROR_BODY, timeout.toNanos())
                    .thenCompose(bytes -> CompletableFuture.failedFuture(new GeminiApiException(status,
                            GeminiError.parse(status, bytes), false)));
        });
    }

    private CompletableFuture<HttpTransport.Response> send(HttpTransport.Request request) {
        try {
            return transport.send(request);
        } catch (RuntimeException e) { // a transport that throws instead of failing the future
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Sends through {@code order[i]}; a proxy that cannot be got through rests and the next one is tried,
     * so the key is charged only for what Gemini answered. When every proxy failed, the last {@link
     * HttpTransport.ProxyException} ends the attempt (the retry loop charges nobody for it).
     */
    private CompletableFuture<HttpTransport.Response> sendVia(HttpTransport.Request request,
            List<HttpTransport.Proxy> order, int i) {
        HttpTransport.Proxy proxy = order.get(i);
        return send(request.via(proxy)).handle((response, error) -> {
            if (error == null) {
                proxies.succeeded(proxy);
                return CompletableFuture.completedFuture(response);
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (!(cause instanceof HttpTransport.ProxyException)) {
                return CompletableFuture.<HttpTransport.Response>failedFuture(cause);
            }
            proxies.failed(proxy);
            if (i + 1 >= order.size()) {
                log.warn("Proxy {} failed and no other proxy is left: {}", proxy, cause.getMessage());
                return CompletableFuture.<HttpTransport.Response>failedFuture(cause);
            }
            log.warn("Proxy {} failed ({}); it rests for {} s, trying proxy {}", proxy, cause.getMessage(),
                    ProxyRouter.COOLDOWN.toSeconds(), order.get(i + 1));
            return sendVia(request, order, i + 1);
        }).thenCompose(f -> f);
    }

    private static String modelPath(String model, String method) {
        return "/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20") + ":" + method;
    }

    private static <T> T read(byte[] bytes, ObjectReader reader) {
        try {
            return reader.readValue(bytes);
        } catch (IOException e) {
            throw new GeminiApiException(502, new GeminiError(502,
                    "Gemini sent a body that could not be parsed", "BAD_GATEWAY",
                    List.of()), false);
        }
    }

    /**
     * A stage over the response body that ends the stream when Gemini goes quiet: the idle timer's whole
     * lifecycle lives here, subclasses only turn bytes into output.
     */
    private abstract static class IdleTimedStage<R> implements StagePublisher.Stage<List<ByteBuffer>, R> {
        private final IdleTimer idle;

        IdleTimedStage(ScheduledExecutorService scheduler, Duration idleTimeout) {
            this.idle = new IdleTimer(scheduler, idleTimeout);
        }

        abstract void bytes(List<ByteBuffer> item, Consumer<R> out);

        void end(Consumer<R> out) {}

        @Override
        public final void onStart(StagePublisher.Control control) {
            idle.start(control);
        }

        @Override
        public final void onRequest() {
            idle.requested();
        }

        @Override
        public final void onItem(List<ByteBuffer> item, Consumer<R> out) {
            idle.received();
            bytes(item, out);
        }

        @Override
        public final void onComplete(Consumer<R> out) {
            idle.stop();
            end(out);
        }

        @Override
        public final boolean onError(Throwable error, Consumer<R> out) {
            idle.stop();
            return false;
        }

        @Override
        public final void onCancel() {
            idle.stop();
        }
    }

    /** Passes bytes through unchanged, with the idle timer. */
    private static final class IdleStage extends IdleTimedStage<List<ByteBuffer>> {
        IdleStage(ScheduledExecutorService scheduler, Duration idleTimeout) {
            super(scheduler, idleTimeout);
        }

        @Override
        void bytes(List<ByteBuffer> item, Consumer<List<ByteBuffer>> out) {
            out.accept(item);
        }
    }

    /** Bytes to SSE event data, with the idle timer. */
    private static final class SseStage extends IdleTimedStage<String> {
        private final SseReader reader = new SseReader();

        SseStage(ScheduledExecutorService scheduler, Duration idleTimeout) {
            super(scheduler, idleTimeout);
        }

        @Override
        void bytes(List<ByteBuffer> item, Consumer<String> out) {
            for (String data : reader.feed(item)) {
                out.accept(data);
            }
        }

        @Override
        void end(Consumer<String> out) {
            for (String data : reader.finish()) {
                out.accept(data);
            }
        }
    }
}
