package io.github.geminibalance.upstream;

import io.github.geminibalance.spi.HttpTransport;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link HttpTransport} over {@link HttpClient#sendAsync}, with the body as a publisher. A request with an
 * {@code http://} {@linkplain Request#proxy proxy} goes through a client of its own per proxy, made like
 * the given one; {@code https://} and {@code socks5://} proxies need the server's transport. The JDK
 * sends proxy credentials for an https target (a {@code CONNECT} tunnel) only when the JVM runs with
 * {@code -Djdk.http.auth.tunneling.disabledSchemes=} (Basic is disabled for tunnels by default).
 */
public final class JdkHttpTransport implements HttpTransport {

    private final HttpClient client;
    // one client per proxy (the record, credentials included, is the key)
    private final Map<Proxy, HttpClient> byProxy = new ConcurrentHashMap<>();

    public JdkHttpTransport(HttpClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public CompletableFuture<Response> send(Request request) {
        Proxy proxy = request.proxy();
        if (proxy != null && !proxy.scheme().equals("http")) {
            return CompletableFuture.failedFuture(new ProxyException("proxy " + proxy
                    + " needs the server's transport: the JDK client supports http:// proxies only", null));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(request.timeout());
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            b.header(h.getKey(), h.getValue());
        }
        b.method(request.method(), request.streamed() != null && request.streamed().length() > 0
                ? HttpRequest.BodyPublishers.fromPublisher(request.streamed().publisher(), request.streamed().length())
                : request.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        HttpClient via = proxy == null ? client : byProxy.computeIfAbsent(proxy, this::proxied);
        CompletableFuture<Response> sent = via.sendAsync(b.build(), HttpResponse.BodyHandlers.ofPublisher())
                .thenApply(r -> new Response(r.statusCode(), r.headers().firstValue("content-type").orElse(null),
                        r.body(), firstValues(r.headers())));
        if (proxy == null) {
            return sent;
        }
        return sent.handle((response, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(response);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            // through a proxy the JDK connects to the proxy only: a failed connect is the proxy's
            if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
                return CompletableFuture.<Response>failedFuture(new ProxyException("cannot connect to proxy " + proxy
                        + (cause instanceof HttpConnectTimeoutException ? ": timed out" : ""), null));
            }
            return CompletableFuture.<Response>failedFuture(cause);
        }).thenCompose(f -> f);
    }

    private HttpClient proxied(Proxy proxy) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(client.version())
                .followRedirects(client.followRedirects())
                .proxy(ProxySelector.of(InetSocketAddress.createUnresolved(proxy.host(), proxy.port())));
        client.executor().ifPresent(b::executor);
        client.connectTimeout().ifPresent(b::connectTimeout);
        if (proxy.username() != null) {
            PasswordAuthentication credentials = new PasswordAuthentication(proxy.username(),
                    (proxy.password() == null ? "" : proxy.password()).toCharArray());
            b.authenticator(new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return getRequestorType() == RequestorType.PROXY ? credentials : null;
                }
            });
        }
        return b.build();
    }

    private static Map<String, String> firstValues(java.net.http.HttpHeaders headers) {
        Map<String, String> first = new java.util.HashMap<>();
        headers.map().forEach((name, values) -> {
            if (!values.isEmpty()) {
                first.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), values.get(0));
            }
        });
        return first;
    }
}
