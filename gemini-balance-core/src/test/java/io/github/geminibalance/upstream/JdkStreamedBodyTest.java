package io.github.geminibalance.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.geminibalance.spi.HttpTransport;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The JDK transport sends a streamed body with its declared length and hands back the answer's headers. */
class JdkStreamedBodyTest {

    @Test
    void aStreamedBodyArrivesWholeAndTheAnswerHeadersComeBack() throws Exception {
        AtomicLong received = new AtomicLong();
        AtomicReference<String> length = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/upload", exchange -> {
            length.set(exchange.getRequestHeaders().getFirst("Content-Length"));
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    received.addAndGet(n);
                }
            }
            exchange.getResponseHeaders().add("X-Goog-Upload-Status", "final");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            // three buffers, each only when asked for
            java.util.concurrent.Flow.Publisher<ByteBuffer> body = subscriber -> subscriber.onSubscribe(
                    new java.util.concurrent.Flow.Subscription() {
                        int left = 3;
                        boolean ended;

                        @Override
                        public synchronized void request(long n) {
                            for (long i = 0; i < n && left > 0; i++) {
                                left--;
                                subscriber.onNext(ByteBuffer.wrap(new byte[65536]));
                            }
                            if (left == 0 && !ended) {
                                ended = true;
                                subscriber.onComplete();
                            }
                        }

                        @Override
                        public void cancel() {
                            left = 0;
                        }
                    });
            HttpTransport transport = HttpTransport.jdk(HttpClient.newHttpClient());
            var sent = transport.send(new HttpTransport.Request("POST",
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/upload"), Map.of(), null,
                    Duration.ofSeconds(30), new HttpTransport.StreamedBody(body, 3 * 65536)));
            HttpTransport.Response response = sent.get(30, TimeUnit.SECONDS);
            response.body().subscribe(new java.util.concurrent.Flow.Subscriber<List<ByteBuffer>>() {
                @Override public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }
                @Override public void onNext(List<ByteBuffer> item) {}
                @Override public void onError(Throwable t) {}
                @Override public void onComplete() {}
            });
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers()).containsEntry("x-goog-upload-status", "final");
            assertThat(received.get()).isEqualTo(3 * 65536);
            assertThat(length.get()).isEqualTo(String.valueOf(3 * 65536));
        } finally {
            server.stop(0);
        }
    }
}
