package io.github.geminibalance.translate;

import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.translate.RemoteMediaFetcher.RemoteUrl;
import io.github.geminibalance.translate.RemoteMediaFetcher.Settings;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote media of one chat request: fetched {@value #PARALLEL} at a time against one byte budget,
 * and against the budget all sessions of the fetcher share ({@link RemoteMediaFetcher.InflightBudget}).
 * The first failure fails the session, which aborts every download still running and drops every
 * result, so a refused request holds no image bytes once its future has failed. The shared budget is
 * given back when the session fails, or when its owner {@link #close closes} it.
 */
final class MediaSession {

    private static final Logger log = LoggerFactory.getLogger(RemoteMediaFetcher.class);

    /** Downloads running at once for one request. */
    static final int PARALLEL = 4;
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_REDIRECT_BODY = 64 * 1024;
    private static final String USER_AGENT = "gemini-balance (image fetch)";

    private final Settings settings;
    private final List<RemoteUrl> urls;
    private final AtomicLong budgetLeft;
    private final CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
    private final Set<Runnable> aborts = ConcurrentHashMap.newKeySet();
    private final Map<String, String> inlined = new HashMap<>(); // guarded by this
    private int next; // guarded by this
    private long sharedReserved; // guarded by this: bytes taken from the shared budget
    private boolean closed; // guarded by this
    // set when the shared budget refused bytes, so that the refusal is the 503, not the request's 400
    private volatile boolean sharedExhausted;

    MediaSession(Settings settings, List<RemoteUrl> urls) {
        this.settings = settings;
        this.urls = urls;
        this.budgetLeft = new AtomicLong(settings.limits().maxTotalBytes());
    }

    /**
     * Starts the downloads.
     *
     * @return URL to {@code data:} URL; failing or cancelling it aborts what is still running
     */
    CompletableFuture<Map<String, String>> run() {
        result.whenComplete((ok, failure) -> {
            if (failure != null) {
                abortAll();
                close(); // a failed or cancelled request gives its share back at once
            }
        });
        for (int i = 0; i < PARALLEL; i++) {
            startNext();
        }
        return result;
    }

    private void startNext() {
        RemoteUrl job;
        synchronized (this) {
            if (result.isDone() || next >= urls.size()) {
                return;
            }
            job = urls.get(next++);
        }
        fetch(job, job.uri(), 0)
                .orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((dataUrl, failure) -> {
                    if (failure != null) {
                        if (!result.isDone()) { // else aborted because another one failed first
                            result.completeExceptionally(publicFailure(job, failure));
                        }
                        return;
                    }
                    Map<String, String> all = null;
                    synchronized (this) {
                        if (result.isDone()) {
                            return;
                        }
                        inlined.put(job.url(), dataUrl);
                        if (inlined.size() == urls.size()) {
                            all = Map.copyOf(inlined);
                        }
                    }
                    if (all != null) {
                        result.complete(all);
                    } else {
                        startNext();
                    }
                });
    }

    /**
     * Gives the session's share of the shared budget back; later reservations are refused. Idempotent.
     */
    void close() {
        long reserved;
        synchronized (this) {
            closed = true;
            reserved = sharedReserved;
            sharedReserved = 0;
        }
        settings.inflight().release(reserved);
    }

    /** The bytes this session holds in the shared budget (tests). */
    synchronized long sharedReserved() {
        return sharedReserved;
    }

    private void abortAll() {
        synchronized (this) {
            inlined.clear();
        }
        for (Runnable abort : aborts) {
            abort.run();
        }
        aborts.clear();
    }

    /** The client's 400: a limit as is, anything else the uniform message (the reason goes to the log). */
    private GeminiBalanceException publicFailure(RemoteUrl job, Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof GeminiBalanceException limit) {
            return limit; // a limit of ours (400) or the shared budget (503): as it is
        }
        if (log.isDebugEnabled()) {
            String reason = cause instanceof Unavailable u ? u.getMessage()
                    : cause instanceof TimeoutException ? "no answer within " + settings.timeout()
                    : cause.getClass().getName(); // JDK messages may quote the URL
            log.debug("Remote image from host {} not fetched: {}", MediaErrors.forLog(job.host()), reason);
        }
        return MediaErrors.unavailable(job.host(), job.param());
    }

    private CompletableFuture<String> fetch(RemoteUrl job, URI uri, int redirects) {
        String host = hostOf(uri);
        // The body subscriber records why it refused a response: once it cancels the download, the
        // client may report its own "cancelled" IOException instead.
        AtomicReference<RuntimeException> refused = new AtomicReference<>();
        AtomicReference<LimitedBody> body = new AtomicReference<>();
        return resolve(host)
                .thenApply(addresses -> checkAddresses(host, addresses))
                .thenCompose(ok -> {
                    HttpRequest request = HttpRequest.newBuilder(uri)
                            .timeout(settings.timeout())
                            .header("User-Agent", USER_AGENT)
                            .header("Accept", job.pdf() ? "image/*, application/pdf" : "image/*")
                            .GET()
                            .build();
                    return track(settings.client().sendAsync(request, info -> body(info, job, refused, body)), body);
                })
                .handle((response, failure) -> {
                    if (refused.get() != null) {
                        throw refused.get();
                    }
                    if (failure != null) {
                        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                    }
                    return response;
                })
                .thenCompose(response -> isRedirect(response.statusCode())
                        ? redirect(job, uri, response, redirects)
                        : CompletableFuture.completedFuture(DataUrl.of(mimeType(response), response.body())));
    }

    /** Registers the exchange so that a failing session aborts it; unregisters it once it is over. */
    private <T> CompletableFuture<T> track(CompletableFuture<T> exchange, AtomicReference<LimitedBody> body) {
        Runnable abort = () -> {
            LimitedBody b = body.get();
            if (b != null) {
                b.abort(new CancellationException("the request's media fetch failed"));
            }
            exchange.cancel(true);
        };
        aborts.add(abort);
        exchange.whenComplete((r, e) -> aborts.remove(abort));
        if (result.isDone()) {
            abort.run(); // the session failed while this one was resolving its host
        }
        return exchange;
    }

    private BodySubscriber<byte[]> body(HttpResponse.ResponseInfo info, RemoteUrl job,
            AtomicReference<RuntimeException> refused, AtomicReference<LimitedBody> body) {
        int status = info.statusCode();
        if (isRedirect(status)) {
            // Only the Location header matters; the body is read (cancelling would cost the redirect) but
            // kept small and out of the budget.
            return new LimitedBody(MAX_REDIRECT_BODY, bytes -> true,
                    limit -> record(refused, new Unavailable("a redirect with a body over " + limit + " bytes")),
                    () -> new IllegalStateException("unreachable"));
        }
        RuntimeException reason = null;
        String type = info.headers().firstValue("content-type").map(DataUrl::normaliseMime).orElse("");
        long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
        long maxItem = settings.limits().maxItemBytes();
        if (status < 200 || status > 299) {
            reason = new Unavailable("HTTP status " + status);
        } else if (!type.startsWith("image/") && !(job.pdf() && type.equals("application/pdf"))) {
            reason = new Unavailable("content type " + MediaErrors.forLog(type.isEmpty() ? "(none)" : type));
        } else if (declared > maxItem) {
            reason = MediaErrors.tooLarge(job.host(), job.param(), maxItem);
        } else if (declared > budgetLeft.get()) {
            reason = MediaErrors.totalTooLarge(job.param(), settings.limits().maxTotalBytes());
        }
        if (reason != null) {
            refused.set(reason);
            return refusing(reason);
        }
        LimitedBody limited = new LimitedBody(maxItem, this::reserve,
                limit -> record(refused, MediaErrors.tooLarge(job.host(), job.param(), limit)),
                () -> record(refused, sharedExhausted ? MediaErrors.busy()
                        : MediaErrors.totalTooLarge(job.param(), settings.limits().maxTotalBytes())));
        body.set(limited);
        if (result.isDone()) {
            limited.abort(new CancellationException("the request's media fetch failed"));
        }
        return limited;
    }

    private static RuntimeException record(AtomicReference<RuntimeException> refused, RuntimeException reason) {
        refused.compareAndSet(null, reason);
        return reason;
    }

    /** Reserves from the request's budget, then from the shared one; false, reserving nothing, if either refuses. */
    private boolean reserve(long bytes) {
        while (true) {
            long left = budgetLeft.get();
            if (left < bytes) {
                return false;
            }
            if (budgetLeft.compareAndSet(left, left - bytes)) {
                break;
            }
        }
        synchronized (this) {
            // under the lock so that close() cannot miss bytes reserved while it runs
            if (!closed && settings.inflight().reserve(bytes)) {
                sharedReserved += bytes;
                return true;
            }
            if (!closed) {
                sharedExhausted = true;
            }
        }
        budgetLeft.addAndGet(bytes);
        return false;
    }

    private CompletableFuture<String> redirect(RemoteUrl job, URI from, HttpResponse<byte[]> response,
            int redirects) {
        Optional<String> location = response.headers().firstValue("location");
        if (location.isEmpty()) {
            throw new Unavailable("HTTP status " + response.statusCode() + " without a Location");
        }
        if (redirects >= MAX_REDIRECTS) {
            throw new Unavailable("more than " + MAX_REDIRECTS + " redirects");
        }
        URI target;
        try {
            target = from.resolve(new URI(location.get()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new Unavailable("a redirect to an invalid URL");
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || target.getHost() == null) {
            throw new Unavailable("a redirect to a non-http URL");
        }
        return fetch(job, target, redirects + 1);
    }

    /**
     * Looks the host up on the shared resolver, time-boxed by the image's timeout. A failing session
     * gives the lookup up (a queued one leaves the queue), so a refused request holds no resolver slot
     * it is not using. At most {@value #PARALLEL} lookups of one request run at once: each download
     * resolves its hosts one after the other.
     */
    private CompletableFuture<InetAddress[]> resolve(String host) {
        if (result.isDone()) {
            return CompletableFuture.failedFuture(new CancellationException("the request's media fetch failed"));
        }
        CompletableFuture<InetAddress[]> lookup = settings.resolver().resolve(host, settings.timeout());
        Runnable abort = () -> lookup.cancel(false);
        aborts.add(abort);
        lookup.whenComplete((r, e) -> aborts.remove(abort));
        if (result.isDone()) {
            abort.run();
        }
        return lookup;
    }

    private boolean checkAddresses(String host, InetAddress[] addresses) {
        if (result.isDone()) {
            throw new CancellationException("the request's media fetch failed");
        }
        for (InetAddress address : addresses) {
            if (!settings.addressAllowed().test(address)) {
                throw new Unavailable("host " + MediaErrors.forLog(host) + " has address "
                        + address.getHostAddress() + ", refused by the address policy");
            }
        }
        return true;
    }

    private static String mimeType(HttpResponse<?> response) {
        return response.headers().firstValue("content-type").map(DataUrl::normaliseMime).orElseThrow();
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static String hostOf(URI uri) {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Why a fetch failed, for the log only: the client gets {@link MediaErrors#unavailable}. */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** A body subscriber that fails at once and stops the download. */
    private static <T> BodySubscriber<T> refusing(RuntimeException error) {
        return new Refusing<>(error);
    }

    private static final class Refusing<T> implements BodySubscriber<T> {
        private final CompletableFuture<T> result = new CompletableFuture<>();
        private final RuntimeException error;

        Refusing(RuntimeException error) {
            this.error = error;
        }

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
    }
}
