package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.geminibalance.testing.FakeGemini;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An upload is streamed through the server, not held: the client sends part of a chunk and then waits
 * until Gemini (a small raw HTTP server standing in for Gemini's upload URL) has received bytes of it.
 * A server that buffered the body would never forward anything before the client's last byte, and the
 * client would give up (its wait is a deadlock guard, not a timing assertion).
 */
class FilesStreamingTest {

    private static final String KEY = "AIzaSyTEST-files-stream-0001";
    private static final int MIB = 1024 * 1024;
    private static final long TOTAL = 40L * MIB;
    private static final long HOLD_AT = 4L * MIB;

    private static FakeGemini gemini;
    private static HttpServer uploads;
    private static TestServer server;
    private static final AtomicLong received = new AtomicLong();
    private static final CountDownLatch firstBytes = new CountDownLatch(1);
    private static final AtomicBoolean keySeen = new AtomicBoolean();

    @BeforeAll
    static void start() throws IOException {
        gemini = FakeGemini.start();
        uploads = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        uploads.createContext("/upload", exchange -> {
            keySeen.set(KEY.equals(exchange.getRequestHeaders().getFirst("x-goog-api-key")));
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = exchange.getRequestBody()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    received.addAndGet(n);
                    firstBytes.countDown();
                }
            }
            byte[] body = ("{\"file\":{\"name\":\"files/big1\",\"mimeType\":\"application/octet-stream\",\"sizeBytes\":\""
                    + received.get() + "\",\"uri\":\"https://generativelanguage.googleapis.com/v1beta/files/big1\","
                    + "\"state\":\"ACTIVE\"}}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("X-Goog-Upload-Status", "final");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        uploads.start();
        gemini.server().stubFor(post(urlEqualTo("/upload/v1beta/files")).willReturn(aResponse().withStatus(200)
                .withHeader("X-Goog-Upload-URL", "http://127.0.0.1:" + uploads.getAddress().getPort()
                        + "/upload/v1beta/files?upload_id=big&upload_protocol=resumable")
                .withHeader("X-Goog-Upload-Status", "active")));
        server = TestServer.start(TestServer.config(gemini, List.of(KEY)).build());
    }

    @AfterAll
    static void stop() {
        server.close();
        uploads.stop(0);
        gemini.close();
    }

    /** {@link #TOTAL} bytes in 1 MiB buffers, held at {@link #HOLD_AT} until the upstream has some. */
    private static final class HeldBody implements Flow.Publisher<ByteBuffer> {
        final ExecutorService thread = Executors.newSingleThreadExecutor();
        final AtomicBoolean streamedBeforeEnd = new AtomicBoolean();

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            AtomicLong demand = new AtomicLong();
            AtomicLong sent = new AtomicLong();
            AtomicBoolean done = new AtomicBoolean();
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    demand.addAndGet(n);
                    thread.execute(this::pump);
                }

                void pump() {
                    try {
                        while (!done.get() && demand.get() > 0 && sent.get() < TOTAL) {
                            if (sent.get() == HOLD_AT) {
                                streamedBeforeEnd.set(firstBytes.await(30, TimeUnit.SECONDS));
                                if (!streamedBeforeEnd.get()) {
                                    done.set(true);
                                    subscriber.onError(new IOException("the server forwarded nothing before the end"));
                                    return;
                                }
                            }
                            demand.decrementAndGet();
                            sent.addAndGet(MIB);
                            subscriber.onNext(ByteBuffer.wrap(new byte[MIB]));
                        }
                        if (sent.get() == TOTAL && done.compareAndSet(false, true)) {
                            subscriber.onComplete();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void cancel() {
                    done.set(true);
                }
            });
        }
    }

    @Test
    void aLargeChunkReachesGeminiWhileTheClientIsStillSendingIt() throws Exception {
        HttpResponse<String> start = server.send(server.request("/upload/v1beta/files", null)
                .header("x-goog-api-key", TestServer.TOKEN).header("X-Goog-Upload-Protocol", "resumable")
                .header("X-Goog-Upload-Command", "start").header("X-Goog-Upload-Header-Content-Length", "" + TOTAL)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"file\":{\"display_name\":\"big\"}}")).build());
        assertThat(start.statusCode()).isEqualTo(200);
        String url = start.headers().firstValue("X-Goog-Upload-URL").orElseThrow();

        HeldBody body = new HeldBody();
        try {
            HttpResponse<String> done = server.send(HttpRequest.newBuilder(java.net.URI.create(url))
                    .timeout(java.time.Duration.ofSeconds(120))
                    .header("x-goog-api-key", TestServer.TOKEN).header("X-Goog-Upload-Command", "upload, finalize")
                    .header("X-Goog-Upload-Offset", "0")
                    .POST(HttpRequest.BodyPublishers.fromPublisher(body, TOTAL)).build());
            assertThat(body.streamedBeforeEnd).as("Gemini had bytes before the client sent the rest").isTrue();
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(done.body()).contains("files/big1");
            assertThat(received.get()).isEqualTo(TOTAL);
            assertThat(keySeen).as("the key that started the upload").isTrue();
        } finally {
            body.thread.shutdownNow();
        }
    }
}
