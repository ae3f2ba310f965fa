package io.github.geminibalance.upstream;

import io.github.geminibalance.spi.HttpTransport;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** {@link HttpTransport} over {@link HttpClient#sendAsync}, with the body as a publisher. */
public final class JdkHttpTransport implements HttpTransport {

    private final HttpClient client;

    public JdkHttpTransport(HttpClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public CompletableFuture<Response> send(Request request) {
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(request.timeout());
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            b.header(h.getKey(), h.getValue());
        }
        b.method(request.method(), request.streamed() != null && request.streamed().length() > 0
                ? HttpRequest.BodyPublishers.fromPublisher(request.streamed().publisher(), request.streamed().length())
                : request.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofPublisher())
                .thenApply(r -> new Response(r.statusCode(), r.headers().firstValue("content-type").orElse(null),
                        r.body(), firstValues(r.headers())));
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
