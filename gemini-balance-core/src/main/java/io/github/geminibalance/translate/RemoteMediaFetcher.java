package io.github.geminibalance.translate;

import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.ChatMessage;
import io.github.geminibalance.openai.ContentPart;
import io.github.geminibalance.openai.MessageContent;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Fetches the {@code http(s)} image URLs of a chat request and inlines them as base64 {@code data:}
 * URLs, so that {@link ChatRequestTranslator} can send them as {@code inlineData} (Gemini does not fetch
 * arbitrary web URLs itself).
 *
 * <p>Every distinct URL is fetched once, all in parallel. A fetch is refused with a 400 when the host
 * resolves to an address the address policy rejects (by default loopback, site-local, link-local,
 * any-local, multicast, IPv6 unique-local and carrier-grade NAT addresses, so clients cannot make the
 * server probe its own network), when the answer is not 2xx, is not {@code image/*}, or exceeds
 * {@code maxBytes} (code {@code image_too_large}), or when the whole fetch takes longer than the timeout.
 * Redirects (at most {@value #MAX_REDIRECTS}) are followed here, each target checked like the first,
 * which is why the client must not follow redirects itself. Error messages name the host only, never
 * the path or query string. The check resolves the host before the client connects, so a DNS answer
 * that changes in between (rebinding) is not caught; deployments that need that guarantee should
 * route the client through an egress proxy.
 */
public final class RemoteMediaFetcher {

    private static final int MAX_REDIRECTS = 5;
    private static final String USER_AGENT = "gemini-balance (image fetch)";

    private final HttpClient client;
    private final long maxBytes;
    private final Duration timeout;
    private final Predicate<InetAddress> addressAllowed;
    private final Executor resolverExecutor;

    /**
     * Creates a fetcher that refuses non-public addresses ({@link #isPublicAddress}).
     *
     * @param client the HTTP client; it must not follow redirects ({@link HttpClient.Redirect#NEVER})
     * @param maxBytes the largest image accepted, in bytes
     * @param timeout the limit for one image, from DNS resolution to the last byte
     */
    public RemoteMediaFetcher(HttpClient client, long maxBytes, Duration timeout) {
        this(client, maxBytes, timeout, RemoteMediaFetcher::isPublicAddress);
    }

    /**
     * Creates a fetcher with its own address policy.
     *
     * @param client the HTTP client; it must not follow redirects ({@link HttpClient.Redirect#NEVER})
     * @param maxBytes the largest image accepted, in bytes
     * @param timeout the limit for one image, from DNS resolution to the last byte
     * @param addressAllowed whether a resolved address may be contacted; every address of a host must pass
     * @throws IllegalArgumentException if the client follows redirects or a limit is not positive
     */
    public RemoteMediaFetcher(HttpClient client, long maxBytes, Duration timeout,
            Predicate<InetAddress> addressAllowed) {
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.addressAllowed = Objects.requireNonNull(addressAllowed, "addressAllowed");
        if (client.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("the client must not follow redirects: every target is checked here");
        }
        if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBytes must be between 1 and " + (Integer.MAX_VALUE - 8));
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        this.maxBytes = maxBytes;
        this.resolverExecutor = RESOLVER;
    }

    // DNS lookups block, so they get their own few threads: never the HTTP client's (kept small and
    // non-blocking) nor the common pool (one thread on a one-core machine).
    private static final java.util.concurrent.ExecutorService RESOLVER;

    static {
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(4, 4, 30,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "gemini-balance-dns");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        RESOLVER = pool;
    }

    /**
     * The default address policy: false for loopback, any-local, link-local, site-local, multicast,
     * IPv6 unique-local ({@code fc00::/7}) and carrier-grade NAT ({@code 100.64.0.0/10}) addresses.
     */
    public static boolean isPublicAddress(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] raw = address.getAddress();
        if (address instanceof Inet6Address) {
            return (raw[0] & 0xfe) != 0xfc;
        }
        if (address instanceof Inet4Address) {
            boolean carrierNat = (raw[0] & 0xff) == 100 && (raw[1] & 0xc0) == 64;
            return !carrierNat && raw[0] != 0;
        }
        return true;
    }

    /**
     * Returns the request with every {@code http(s)} {@code image_url} replaced by a {@code data:} URL.
     * A request without such URLs is returned as is.
     *
     * @return a future that fails with an {@link InvalidRequestException} when any image cannot be used
     */
    public CompletableFuture<ChatCompletionRequest> inline(ChatCompletionRequest request) {
        Map<String, String> urls = remoteUrls(request);
        if (urls.isEmpty()) {
            return CompletableFuture.completedFuture(request);
        }
        Map<String, CompletableFuture<String>> fetches = new LinkedHashMap<>();
        urls.forEach((url, param) -> fetches.put(url, fetch(url, param)));
        return CompletableFuture.allOf(fetches.values().toArray(CompletableFuture[]::new))
                .handle((ignored, failure) -> {
                    if (failure != null) {
                        throw asCompletion(failure);
                    }
                    Map<String, String> inlined = new LinkedHashMap<>();
                    fetches.forEach((url, future) -> inlined.put(url, future.join()));
                    return replace(request, inlined);
                });
    }

    private static Map<String, String> remoteUrls(ChatCompletionRequest request) {
        Map<String, String> urls = new LinkedHashMap<>();
        List<ChatMessage> messages = request.messages() == null ? List.of() : request.messages();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message == null || message.content() == null || message.content().parts() == null) {
                continue;
            }
            List<ContentPart> parts = message.content().parts();
            for (int j = 0; j < parts.size(); j++) {
                String url = remoteUrl(parts.get(j));
                if (url != null) {
                    urls.putIfAbsent(url, "messages[" + i + "].content[" + j + "].image_url.url");
                }
            }
        }
        return urls;
    }

    private static String remoteUrl(ContentPart part) {
        if (part == null || !"image_url".equals(part.type()) || part.imageUrl() == null
                || part.imageUrl().url() == null) {
            return null;
        }
        String url = part.imageUrl().url();
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://") ? url : null;
    }

    private CompletableFuture<String> fetch(String url, String param) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return CompletableFuture.failedFuture(new InvalidRequestException(param, "The image URL is not a valid URL."));
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return CompletableFuture.failedFuture(new InvalidRequestException(param, "The image URL has no host."));
        }
        return fetch(uri, param, 0)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(failure -> {
                    Throwable cause = unwrap(failure);
                    if (cause instanceof InvalidRequestException invalid) {
                        throw invalid;
                    }
                    if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
                        throw new InvalidRequestException(param, "Fetching the image from " + host + " timed out.");
                    }
                    throw new InvalidRequestException(param, "The image could not be fetched from " + host + ".");
                });
    }

    private CompletableFuture<String> fetch(URI uri, String param, int redirects) {
        String host = hostOf(uri);
        // The body handler records why it refused a response: once it cancels the download, the client
        // may report its own "cancelled" IOException instead of the subscriber's error.
        AtomicReference<InvalidRequestException> refused = new AtomicReference<>();
        return CompletableFuture.supplyAsync(() -> checkHost(host, param), resolverExecutor)
                .thenCompose(ok -> {
                    HttpRequest request = HttpRequest.newBuilder(uri)
                            .timeout(timeout)
                            .header("User-Agent", USER_AGENT)
                            .header("Accept", "image/*")
                            .GET()
                            .build();
                    return client.sendAsync(request, info -> body(info, host, param, refused));
                })
                .handle((response, failure) -> {
                    if (refused.get() != null) {
                        throw refused.get();
                    }
                    if (failure != null) {
                        throw asCompletion(failure);
                    }
                    return response;
                })
                .thenCompose(response -> {
                    if (isRedirect(response.statusCode())) {
                        return redirect(uri, response, param, redirects);
                    }
                    return CompletableFuture.completedFuture(DataUrl.of(mimeType(response.headers()), response.body()));
                });
    }

    private CompletableFuture<String> redirect(URI from, HttpResponse<byte[]> response, String param, int redirects) {
        String host = hostOf(from);
        Optional<String> location = response.headers().firstValue("location");
        if (location.isEmpty()) {
            throw new InvalidRequestException(param,
                    "Fetching the image from " + host + " failed with HTTP " + response.statusCode() + ".");
        }
        if (redirects >= MAX_REDIRECTS) {
            throw new InvalidRequestException(param, "Fetching the image from " + host + " redirected too often.");
        }
        URI target;
        try {
            target = from.resolve(new URI(location.get()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new InvalidRequestException(param, "The image host " + host + " redirected to an invalid URL.");
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || target.getHost() == null) {
            throw new InvalidRequestException(param, "The image host " + host + " redirected to a non-http URL.");
        }
        return fetch(target, param, redirects + 1);
    }

    private boolean checkHost(String host, String param) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new InvalidRequestException(param, "The image host " + host + " could not be resolved.");
        }
        for (InetAddress address : addresses) {
            if (!addressAllowed.test(address)) {
                throw new InvalidRequestException(param, "The image URL points to a private address (" + host + ").");
            }
        }
        return true;
    }

    private BodySubscriber<byte[]> body(HttpResponse.ResponseInfo info, String host, String param,
            AtomicReference<InvalidRequestException> refused) {
        int status = info.statusCode();
        Supplier<RuntimeException> overflow = () -> {
            InvalidRequestException tooLarge = tooLarge(host, param);
            refused.set(tooLarge);
            return tooLarge;
        };
        if (isRedirect(status)) {
            return new LimitedBody(maxBytes, overflow); // read and dropped, but never more than an image
        }
        InvalidRequestException reason = null;
        String type = info.headers().firstValue("content-type").map(DataUrl::normaliseMime).orElse("");
        if (status < 200 || status > 299) {
            reason = new InvalidRequestException(param,
                    "Fetching the image from " + host + " failed with HTTP " + status + ".");
        } else if (!type.startsWith("image/")) {
            reason = new InvalidRequestException(param, "The URL at " + host + " did not return an image"
                    + (type.isEmpty() ? "." : " (content type " + type + ")."));
        } else if (info.headers().firstValueAsLong("content-length").orElse(0) > maxBytes) {
            reason = tooLarge(host, param);
        }
        if (reason != null) {
            refused.set(reason);
            return refusing(reason);
        }
        return new LimitedBody(maxBytes, overflow);
    }

    private InvalidRequestException tooLarge(String host, String param) {
        return new InvalidRequestException(400, param, "image_too_large",
                "The image at " + host + " is larger than " + maxBytes + " bytes.");
    }

    private static String mimeType(HttpHeaders headers) {
        return headers.firstValue("content-type").map(DataUrl::normaliseMime).orElseThrow();
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static String hostOf(URI uri) {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static ChatCompletionRequest replace(ChatCompletionRequest r, Map<String, String> inlined) {
        List<ChatMessage> messages = new ArrayList<>();
        for (ChatMessage m : r.messages()) {
            if (m == null || m.content() == null || m.content().parts() == null) {
                messages.add(m);
                continue;
            }
            List<ContentPart> parts = new ArrayList<>();
            for (ContentPart part : m.content().parts()) {
                String url = remoteUrl(part);
                parts.add(url == null ? part : new ContentPart(part.type(), part.text(),
                        new ContentPart.ImageUrl(inlined.get(url), part.imageUrl().detail()),
                        part.inputAudio(), part.file(), part.refusal()));
            }
            messages.add(new ChatMessage(m.role(), new MessageContent(null, parts), m.name(), m.toolCalls(),
                    m.toolCallId(), m.refusal(), m.reasoningContent(), m.functionCall()));
        }
        return new ChatCompletionRequest(r.model(), messages, r.temperature(), r.topP(), r.topK(), r.n(), r.stop(),
                r.maxTokens(), r.maxCompletionTokens(), r.presencePenalty(), r.frequencyPenalty(), r.seed(),
                r.logprobs(), r.topLogprobs(), r.responseFormat(), r.tools(), r.toolChoice(), r.parallelToolCalls(),
                r.reasoningEffort(), r.stream(), r.streamOptions(), r.user(), r.google(), r.extraBody(), r.functions(),
                r.functionCall(), r.webSearchOptions());
    }

    /** The most telling cause: our own 400, a timeout, or else the failure itself. */
    private static Throwable unwrap(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidRequestException || t instanceof TimeoutException
                    || t instanceof HttpTimeoutException) {
                return t;
            }
        }
        return failure;
    }

    private static CompletionException asCompletion(Throwable failure) {
        return failure instanceof CompletionException c ? c : new CompletionException(failure);
    }

    /** A body subscriber that fails at once and stops the download. */
    private static <T> BodySubscriber<T> refusing(RuntimeException error) {
        return new BodySubscriber<>() {
            private final CompletableFuture<T> result = new CompletableFuture<>();

            @Override
            public CompletionStage<T> getBody() {
                return result;
            }

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                result.completeExceptionally(error);
                subscription.cancel();
            }

            @Override
            public void onNext(List<ByteBuffer> item) {}

            @Override
            public void onError(Throwable throwable) {
                result.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                result.completeExceptionally(error);
            }
        };
    }

    /** Collects a body, failing (and cancelling the download) once it exceeds the limit. */
    private static final class LimitedBody implements BodySubscriber<byte[]> {
        private final long maxBytes;
        private final Supplier<RuntimeException> tooLarge;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        LimitedBody(long maxBytes, Supplier<RuntimeException> tooLarge) {
            this.maxBytes = maxBytes;
            this.tooLarge = tooLarge;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : items) {
                if (out.size() + (long) buffer.remaining() > maxBytes) {
                    result.completeExceptionally(tooLarge.get());
                    subscription.cancel();
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
