package io.github.geminibalance.translate;

import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.config.MediaLimits;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.ChatMessage;
import io.github.geminibalance.openai.ContentPart;
import io.github.geminibalance.openai.MessageContent;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.net.UnknownHostException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Fetches the {@code http(s)} image URLs of a chat request and inlines them as base64 {@code data:}
 * URLs, so that {@link ChatRequestTranslator} can send them as {@code inlineData} (Gemini does not fetch
 * arbitrary web URLs itself).
 *
 * <p>One request may name at most {@link MediaLimits#maxItems()} distinct URLs, checked before anything
 * is fetched. Every distinct URL is fetched once, {@value MediaSession#PARALLEL} at a time; each body is
 * streamed with a hard stop at {@link MediaLimits#maxItemBytes()} and counted against
 * {@link MediaLimits#maxTotalBytes()} for the whole request as it arrives. The first failure aborts the
 * request's other downloads and drops what they hold.
 *
 * <p>A host is contacted only when every address it resolves to passes the address policy (by default
 * {@link PublicAddressPolicy}); the answer must be 2xx {@code image/*} and arrive within the timeout.
 * Redirects (at most 5) are followed here, each target checked like the first, which is why the client
 * must not follow redirects itself. Every failure gets one message naming the URL's host
 * ({@link MediaErrors#unavailable}) so that clients learn nothing about the server's network; the
 * reason is logged at DEBUG. The check resolves the host before the client connects, so a DNS answer
 * that changes in between (rebinding) is not caught; deployments that need that guarantee should route
 * the client through an egress proxy. Host lookups run on a bounded resolver ({@link Resolver}) so
 * that slow DNS for one client's hosts cannot stall every client's images.
 */
public final class RemoteMediaFetcher {

    /** What every session of this fetcher shares. */
    record Settings(HttpClient client, MediaLimits limits, Duration timeout, Predicate<InetAddress> addressAllowed,
            Resolver resolver, InflightBudget inflight) {}

    /** One distinct remote URL of a request, with the first part that names it. */
    /** One URL to fetch; {@code pdf}: a PDF is accepted as well as an image (Anthropic's document sources). */
    record RemoteUrl(String url, URI uri, String host, String param, boolean pdf) {

        RemoteUrl(String url, URI uri, String host, String param) {
            this(url, uri, host, param, false);
        }

        RemoteUrl withPdf(boolean accept) {
            return new RemoteUrl(url, uri, host, param, accept);
        }
    }

    private final Settings settings;

    /**
     * Creates a fetcher that contacts only public addresses that are not this host's ({@link PublicAddressPolicy}).
     *
     * @param client the HTTP client; it must not follow redirects ({@link HttpClient.Redirect#NEVER})
     * @param limits how much one request may fetch
     * @param timeout the limit for one image, from DNS resolution to the last byte
     */
    public RemoteMediaFetcher(HttpClient client, MediaLimits limits, Duration timeout) {
        this(client, limits, timeout, new PublicAddressPolicy());
    }

    /**
     * Creates a fetcher with its own address policy (tests; a deployment behind an egress proxy).
     *
     * @param client the HTTP client; it must not follow redirects ({@link HttpClient.Redirect#NEVER})
     * @param limits how much one request may fetch
     * @param timeout the limit for one image, from DNS resolution to the last byte
     * @param addressAllowed whether a resolved address may be contacted; every address of a host must pass
     * @throws IllegalArgumentException if the client follows redirects or the timeout is not positive
     */
    public RemoteMediaFetcher(HttpClient client, MediaLimits limits, Duration timeout,
            Predicate<InetAddress> addressAllowed) {
        this(client, limits, timeout, addressAllowed, SHARED_RESOLVER);
    }

    /** Creates a fetcher with its own resolver (tests: a resolver whose lookups block). */
    RemoteMediaFetcher(HttpClient client, MediaLimits limits, Duration timeout, Predicate<InetAddress> addressAllowed,
            Resolver resolver) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(addressAllowed, "addressAllowed");
        if (client.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("the client must not follow redirects: every target is checked here");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        this.settings = new Settings(client, limits, timeout, addressAllowed, resolver,
                new InflightBudget(limits.maxInflightBytes()));
    }

    /**
     * The image bytes held by all requests of this fetcher (one per facade) while they are prepared:
     * reserved as they arrive, next to each request's own budget, and given back when the request's
     * session ends. Per-request limits alone let 8-10 concurrent requests fill a 1 GB heap.
     */
    static final class InflightBudget {
        private final long max;
        private final AtomicLong used = new AtomicLong();

        InflightBudget(long max) {
            this.max = max;
        }

        /** Reserves {@code bytes}; false, reserving nothing, when they do not fit. */
        boolean reserve(long bytes) {
            while (true) {
                long now = used.get();
                if (now + bytes > max) {
                    return false;
                }
                if (used.compareAndSet(now, now + bytes)) {
                    return true;
                }
            }
        }

        void release(long bytes) {
            used.addAndGet(-bytes);
        }

        long used() {
            return used.get();
        }
    }

    /** Image bytes reserved by this fetcher's requests right now (tests: back to zero once they end). */
    long inflightBytes() {
        return settings.inflight().used();
    }

    // One resolver for the process: the threads it bounds are the process's, whatever the facades.
    private static final Resolver SHARED_RESOLVER = new Resolver(Resolver.THREADS, Resolver.QUEUE,
            Resolver::systemLookup);

    /**
     * Host name lookups on a few threads of their own. The JDK has no asynchronous resolver: {@link
     * InetAddress#getAllByName} blocks for as long as the OS resolver waits for a name server (seconds,
     * for a zone whose server never answers), so lookups must not run on the HTTP client's threads nor
     * the common pool. A client could still fill these threads with random subdomains of such a zone;
     * so that it cannot stall every client's images:
     *
     * <ul>
     *   <li>the queue is bounded ({@value #QUEUE}); when it is full a lookup is refused at once (the
     *       image gets the uniform "could not be fetched" 400) instead of waiting behind the stalled ones;
     *   <li>each lookup is time-boxed: when its time is up its future fails and the request moves on
     *       (a queued lookup is taken off the queue; a running one is <em>abandoned</em>: its thread stays
     *       blocked until the OS gives up, and it is counted in {@link #abandoned()});
     *   <li>a request runs at most {@value MediaSession#PARALLEL} lookups at once (one per download, see
     *       {@link MediaSession}), fewer than the {@value #THREADS} threads, so one request alone
     *       leaves threads for the others.
     * </ul>
     */
    static final class Resolver {

        /** Lookup threads (daemon, created on demand, ended after 30 s idle). */
        static final int THREADS = 8;
        /** Lookups that may wait for a thread; more are refused at once. */
        static final int QUEUE = 32;

        private static final int QUEUED = 0;
        private static final int RUNNING = 1;
        private static final int DONE = 2;
        private static final int ABANDONED = 3;

        private final ThreadPoolExecutor executor;
        private final Function<String, InetAddress[]> lookup;
        private final AtomicInteger abandoned = new AtomicInteger();

        /**
         * Creates a resolver.
         *
         * @param threads lookups running at once
         * @param queue lookups waiting for a thread, at most
         * @param lookup the blocking lookup; it throws {@link MediaSession.Unavailable} for an unknown host
         */
        Resolver(int threads, int queue, Function<String, InetAddress[]> lookup) {
            this.lookup = Objects.requireNonNull(lookup, "lookup");
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(queue), r -> {
                        Thread t = new Thread(r, "gemini-balance-dns");
                        t.setDaemon(true);
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            this.executor = pool;
        }

        static InetAddress[] systemLookup(String host) {
            try {
                return InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                throw new MediaSession.Unavailable("host " + MediaErrors.forLog(host) + " not resolved");
            }
        }

        /**
         * Looks a host up. The future fails with {@link MediaSession.Unavailable} when the queue is full,
         * with a {@link TimeoutException} when the time is up, and cancelling it gives the lookup up.
         */
        CompletableFuture<InetAddress[]> resolve(String host, Duration timeout) {
            CompletableFuture<InetAddress[]> result = new CompletableFuture<>();
            AtomicInteger state = new AtomicInteger(QUEUED);
            Runnable task = () -> {
                if (!state.compareAndSet(QUEUED, RUNNING)) {
                    return; // given up while queued
                }
                try {
                    result.complete(lookup.apply(host));
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                } finally {
                    if (!state.compareAndSet(RUNNING, DONE)) {
                        abandoned.decrementAndGet(); // the abandoned lookup's thread is free again
                    }
                }
            };
            try {
                executor.execute(task);
            } catch (RejectedExecutionException e) {
                return CompletableFuture.failedFuture(new MediaSession.Unavailable("the DNS resolver is busy"));
            }
            Runnable giveUp = () -> {
                if (state.compareAndSet(QUEUED, DONE)) {
                    executor.remove(task); // frees its queue slot at once
                } else if (state.compareAndSet(RUNNING, ABANDONED)) {
                    abandoned.incrementAndGet();
                }
            };
            // given up before the future fails, so that whoever sees the failure sees the count
            CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (!result.isDone()) {
                    giveUp.run();
                    result.completeExceptionally(new TimeoutException("no DNS answer within " + timeout));
                }
            });
            result.whenComplete((addresses, failure) -> {
                if (failure != null) {
                    giveUp.run(); // cancelled: the request failed or went away
                }
            });
            return result;
        }

        /** Lookups given up while running whose threads are still blocked (for tests and diagnostics). */
        int abandoned() {
            return abandoned.get();
        }

        /** Lookups waiting for a thread. */
        int queued() {
            return executor.getQueue().size();
        }
    }

    /**
     * Returns the request with every {@code http(s)} {@code image_url} replaced by a {@code data:} URL.
     * A request without such URLs is returned as is. Cancelling the returned future aborts the downloads.
     * The images count against the server-wide budget ({@link MediaLimits#maxInflightBytes()}) until the
     * future completes; {@link #inline(ChatCompletionRequest, Function)} keeps them counted while the
     * request is turned into what is sent.
     *
     * @return a future that fails with an {@link InvalidRequestException} when any image cannot be used,
     *     or with a 503 {@code server_busy} when the server-wide budget is taken by other requests
     */
    public CompletableFuture<ChatCompletionRequest> inline(ChatCompletionRequest request) {
        return inline(request, Function.identity());
    }

    /**
     * Inlines the remote images, then builds from the inlined request what is sent upstream (the
     * translated request and its JSON), holding the images' share of the server-wide budget until that is
     * built: the base64 text and the JSON are the largest copies. The share is given back once {@code
     * build} returns or throws, and at once when the fetch fails or is cancelled.
     *
     * @param build turns the inlined request into the result; runs on the thread that finished the fetch
     * @return a future that fails as {@link #inline(ChatCompletionRequest)}'s does, or with what {@code build} threw
     */
    public <T> CompletableFuture<T> inline(ChatCompletionRequest request, Function<ChatCompletionRequest, T> build) {
        List<RemoteUrl> urls;
        try {
            urls = remoteUrls(request);
        } catch (InvalidRequestException e) {
            return CompletableFuture.failedFuture(e);
        }
        return fetch(urls, inlined -> build.apply(inlined.isEmpty() ? request : replace(request, inlined)));
    }

    /**
     * Fetches remote media for any front door: each distinct URL (in order, with the JSON path named in
     * errors) becomes a {@code data:} URL, then {@code build} turns the URL-to-data-URL map into what is
     * sent upstream, with the same budget, limits, address policy and errors as
     * {@link #inline(ChatCompletionRequest, Function)}. With no URL, {@code build} gets an empty map at once.
     *
     * @param urls remote URL to the request field that holds it
     * @param build turns the fetched media into the result; runs on the thread that finished the fetch
     * @return a future that fails with an {@link InvalidRequestException} when a URL cannot be used
     */
    public <T> CompletableFuture<T> inlineUrls(Map<String, String> urls, Function<Map<String, String>, T> build) {
        return inlineUrls(urls, java.util.Set.of(), build);
    }

    /**
     * {@link #inlineUrls(Map, Function)}, where the URLs in {@code documents} may also serve
     * {@code application/pdf} (others must serve an image).
     */
    public <T> CompletableFuture<T> inlineUrls(Map<String, String> urls, java.util.Set<String> documents,
            Function<Map<String, String>, T> build) {
        List<RemoteUrl> parsed = new ArrayList<>();
        try {
            int max = settings.limits().maxItems();
            for (Map.Entry<String, String> url : urls.entrySet()) {
                parsed.add(parse(url.getKey(), url.getValue()).withPdf(documents.contains(url.getKey())));
                if (parsed.size() == max + 1) {
                    throw MediaErrors.tooMany(urls.size(), max, url.getValue());
                }
            }
        } catch (InvalidRequestException e) {
            return CompletableFuture.failedFuture(e);
        }
        return fetch(parsed, build);
    }

    private <T> CompletableFuture<T> fetch(List<RemoteUrl> urls, Function<Map<String, String>, T> build) {
        if (urls.isEmpty()) {
            try {
                return CompletableFuture.completedFuture(build.apply(Map.of()));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        MediaSession session = new MediaSession(settings, urls);
        CompletableFuture<Map<String, String>> fetched = session.run();
        CompletableFuture<T> out = new CompletableFuture<>();
        fetched.whenComplete((inlined, failure) -> {
            T built = null;
            Throwable error = failure;
            if (failure == null) {
                try {
                    built = build.apply(inlined);
                } catch (RuntimeException e) {
                    error = e;
                }
            }
            // built (or failed): the bytes are the JSON's now, or garbage. Given back before the caller
            // hears of it, so that whoever sees the result sees the budget free.
            session.close();
            if (error != null) {
                out.completeExceptionally(error);
            } else {
                out.complete(built);
            }
        });
        out.whenComplete((r, failure) -> {
            if (failure != null) {
                fetched.cancel(false); // the caller gave up: stop downloading
            }
        });
        return out;
    }

    /** The distinct remote URLs, validated and within the count limit, before anything is fetched. */
    private List<RemoteUrl> remoteUrls(ChatCompletionRequest request) {
        Map<String, RemoteUrl> urls = new LinkedHashMap<>();
        int max = settings.limits().maxItems();
        String firstExcess = null;
        List<ChatMessage> messages = request.messages() == null ? List.of() : request.messages();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message == null || message.content() == null || message.content().parts() == null) {
                continue;
            }
            List<ContentPart> parts = message.content().parts();
            for (int j = 0; j < parts.size(); j++) {
                String url = remoteUrl(parts.get(j));
                String param = "messages[" + i + "].content[" + j + "].image_url.url";
                if (url == null || urls.containsKey(url)) {
                    continue;
                }
                urls.put(url, parse(url, param));
                if (urls.size() == max + 1) {
                    firstExcess = param;
                }
            }
        }
        if (firstExcess != null) {
            throw MediaErrors.tooMany(urls.size(), max, firstExcess);
        }
        return List.copyOf(urls.values());
    }

    private static RemoteUrl parse(String url, String param) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw MediaErrors.invalidUrl(param, "The image URL is not a valid URL.");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw MediaErrors.invalidUrl(param, "The image URL has no host.");
        }
        return new RemoteUrl(url, uri, MediaSession.hostOf(uri), param);
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
}
