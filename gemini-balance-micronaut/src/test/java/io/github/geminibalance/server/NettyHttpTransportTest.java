package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.geminibalance.spi.HttpTransport.Request;
import io.github.geminibalance.spi.HttpTransport.Response;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NettyHttpTransport} against WireMock and against a hand-written socket server that controls
 * connections exactly: keep-alive, stale connections and the one retry, the head timeout, connect
 * failures, demand-driven body reads, cancellation, the one-subscriber rule, TLS with host name
 * verification, secrets kept out of errors, and thread affinity.
 *
 * <p>The keystore {@code tls/localhost.p12} (password {@code changeit}) holds a self-signed certificate for
 * the DNS name {@code localhost} only, made once with:
 * <pre>
 * keytool -genkeypair -alias localhost -keyalg RSA -keysize 2048 -validity 36500 -dname "CN=localhost" \
 *     -ext "SAN=dns:localhost" -keystore localhost.p12 -storetype PKCS12 -storepass changeit -keypass changeit
 * </pre>
 */
class NettyHttpTransportTest {

    private static final String KEY = "AIzaSyFAKE-transport-test-key-0001";
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String REQUEST_JSON = """
            {"contents": [{"role": "user","parts": [{"text": "Say hello"}]}],\
            "generationConfig": {"temperature": 0.2}}""";
    private static final String RESPONSE_JSON = """
            {"candidates": [{"content": {"parts": [{"text": "Hello!"}],"role": "model"},\
            "finishReason": "STOP","index": 0}],\
            "usageMetadata": {"promptTokenCount": 3,"candidatesTokenCount": 2,"totalTokenCount": 5},\
            "modelVersion": "gemini-2.5-flash","responseId": "dHJhbnNwb3J0"}""";
    private static final String QUOTA_JSON = """
            {"error": {"code": 429,"message": "Resource has been exhausted (e.g. check quota).",\
            "status": "RESOURCE_EXHAUSTED"}}""";
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static EventLoopGroup group;
    private static NettyHttpTransport transport;
    private static WireMockServer wireMock;
    private static X509Certificate localhostCert;

    @BeforeAll
    static void startAll() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        transport = new NettyHttpTransport(group, NioSocketChannel.class, Duration.ofSeconds(2), null, 8,
                Duration.ofSeconds(60));
        Path keystore = Path.of(NettyHttpTransportTest.class.getResource("/tls/localhost.p12").toURI());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        localhostCert = (X509Certificate) ks.getCertificate("localhost");
        wireMock = new WireMockServer(options().dynamicPort().dynamicHttpsPort()
                .keystorePath(keystore.toString()).keystoreType("PKCS12")
                .keystorePassword("changeit").keyManagerPassword("changeit"));
        wireMock.start();
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        if (wireMock != null) {
            wireMock.stop();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    @BeforeEach
    void resetWireMock() {
        wireMock.resetAll();
    }

    // ---- round trips ---------------------------------------------------------------------------------

    @Test
    void postRoundTripCarriesMethodTargetHeadersAndBodyBothWays() throws Exception {
        wireMock.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json; charset=UTF-8").withBody(RESPONSE_JSON)));
        String target = GENERATE + "?alt=json&note=a%20b";
        byte[] body = REQUEST_JSON.getBytes(StandardCharsets.UTF_8);

        Response response = send(new Request("POST", URI.create(wireMockUrl() + target),
                Map.of("x-goog-api-key", KEY, "content-type", "application/json"), body, WAIT));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/json; charset=UTF-8");
        assertThat(new String(collect(response), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);
        wireMock.verify(1, postRequestedFor(urlEqualTo(target))
                .withHeader("x-goog-api-key", equalTo(KEY))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Host", equalTo("localhost:" + wireMock.port()))
                .withHeader("Content-Length", equalTo(Integer.toString(body.length)))
                .withRequestBody(binaryEqualTo(body)));
    }

    @Test
    void getSendsNoBodyAndAnErrorStatusIsDeliveredNotJudged() throws Exception {
        wireMock.stubFor(get(urlPathEqualTo("/v1beta/models")).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json").withBody(QUOTA_JSON)));

        Response response = send(new Request("GET", URI.create(wireMockUrl() + "/v1beta/models?pageSize=50"),
                Map.of("x-goog-api-key", KEY), null, WAIT));

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(new String(collect(response), StandardCharsets.UTF_8)).isEqualTo(QUOTA_JSON);
        wireMock.verify(1, getRequestedFor(urlEqualTo("/v1beta/models?pageSize=50"))
                .withHeader("x-goog-api-key", equalTo(KEY))
                .withHeader("Content-Length", absent())
                .withHeader("Transfer-Encoding", absent()));
        assertThat(wireMock.getAllServeEvents().get(0).getRequest().getBody()).isEmpty();
    }

    // ---- keep-alive, stale connections, retry --------------------------------------------------------

    @Test
    void sequentialCallsReuseOneConnection() throws Exception {
        try (RawServer server = RawServer.plain((conn, index) -> {
            while (conn.readRequest() != null) {
                conn.respond(200, "application/json", RESPONSE_JSON);
            }
        })) {
            for (int i = 0; i < 5; i++) {
                Response response = send(postTo(server.uri(GENERATE), WAIT));
                assertThat(response.status()).isEqualTo(200);
                assertThat(new String(collect(response), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);
            }
            assertThat(server.requests).hasSize(5);
            assertThat(server.requests).allSatisfy(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.target()).isEqualTo(GENERATE);
                assertThat(r.headers()).containsEntry("host", "127.0.0.1:" + server.port());
                assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(REQUEST_JSON);
            });
            assertThat(server.accepted.get()).isEqualTo(1);
        }
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsNotUsedAgain() throws Exception {
        CompletableFuture<Boolean> idleClosedByClient = new CompletableFuture<>();
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            conn.respond(200, "application/json", RESPONSE_JSON); // keep-alive, then hang up while idle
            conn.socket.shutdownOutput();
            // the pooled connection reads while idle, so the client notices and closes its end at once
            idleClosedByClient.complete(conn.awaitEof());
        })) {
            assertThat(collect(send(postTo(server.uri(GENERATE), WAIT)))).isNotEmpty();
            assertThat(idleClosedByClient.get(5, TimeUnit.SECONDS)).isTrue();

            Response second = send(postTo(server.uri(GENERATE), WAIT));

            assertThat(second.status()).isEqualTo(200);
            assertThat(new String(collect(second), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);
            assertThat(server.accepted.get()).isEqualTo(2);
        }
    }

    @Test
    void aRequestTheServerDropsOnAReusedConnectionIsSentOnceMoreOnANewOne() throws Exception {
        try (RawServer server = RawServer.plain((conn, index) -> {
            if (index == 0) {
                conn.readRequest();
                conn.respond(200, "application/json", RESPONSE_JSON);
                conn.readRequest(); // the second request: hang up without a word
                return;
            }
            while (conn.readRequest() != null) {
                conn.respond(200, "application/json", "{\"retried\": true}");
            }
        })) {
            assertThat(collect(send(postTo(server.uri(GENERATE), WAIT)))).isNotEmpty();

            Response second = send(postTo(server.uri(GENERATE + "?attempt=2"), WAIT));

            assertThat(second.status()).isEqualTo(200);
            assertThat(new String(collect(second), StandardCharsets.UTF_8)).isEqualTo("{\"retried\": true}");
            assertThat(server.accepted.get()).isEqualTo(2);
            assertThat(server.requests).hasSize(3);
            assertThat(server.requests.get(1).target()).isEqualTo(GENERATE + "?attempt=2");
            assertThat(server.requests.get(2).target()).isEqualTo(GENERATE + "?attempt=2");
            assertThat(server.requests.get(2).body()).isEqualTo(REQUEST_JSON.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theRetryHappensOnlyOnce() throws Exception {
        try (RawServer server = RawServer.plain((conn, index) -> {
            if (index == 0) {
                conn.readRequest();
                conn.respond(200, "application/json", RESPONSE_JSON);
            }
            conn.readRequest(); // then hang up without answering
        })) {
            assertThat(collect(send(postTo(server.uri(GENERATE), WAIT)))).isNotEmpty();

            Throwable failure = failure(transport.send(postTo(server.uri(GENERATE), WAIT)));

            assertThat(failure).isInstanceOf(IOException.class);
            assertThat(server.accepted.get()).isEqualTo(2);
        }
    }

    @Test
    void aReusedConnectionThatFailsLongAfterTheRequestWentOutIsNotResent() throws Exception {
        // Gemini may have run the request by then: sending it again could run it twice
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            conn.respond(200, "application/json", RESPONSE_JSON);
            conn.readRequest();
            Thread.sleep(1_300); // working on it... then the connection drops
        })) {
            assertThat(collect(send(postTo(server.uri(GENERATE), WAIT)))).isNotEmpty();

            Throwable failure = failure(transport.send(postTo(server.uri(GENERATE), WAIT)));

            assertThat(failure).isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
            assertThat(server.accepted.get()).isEqualTo(1);
            assertThat(server.requests).hasSize(2);
        }
    }

    @Test
    void aCallAfterTheEventLoopsShutDownFailsTheFutureInsteadOfThrowing() throws Exception {
        EventLoopGroup gone = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        gone.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        NettyHttpTransport late = new NettyHttpTransport(gone, NioSocketChannel.class, Duration.ofSeconds(2), null, 8,
                Duration.ofSeconds(60));

        CompletableFuture<Response> call = late.send(postTo(URI.create(wireMockUrl() + GENERATE), WAIT));

        assertThat(failure(call)).isInstanceOf(IOException.class).hasMessageContaining("shutting down");
    }

    @Test
    void aDroppedRequestOnAFreshConnectionIsNotRetried() throws Exception {
        try (RawServer server = RawServer.plain((conn, index) -> conn.readRequest())) {
            Throwable failure = failure(transport.send(postTo(server.uri(GENERATE), WAIT)));

            assertThat(failure).isInstanceOf(IOException.class);
            assertThat(server.accepted.get()).isEqualTo(1);
        }
    }

    // ---- timeouts and connect failures ---------------------------------------------------------------

    @Test
    void noAnswerWithinTheTimeoutFailsWithHttpTimeoutExceptionAndClosesTheConnection() throws Exception {
        CompletableFuture<Boolean> clientClosed = new CompletableFuture<>();
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            clientClosed.complete(conn.awaitEof());
        })) {
            Throwable failure = failure(transport.send(postTo(server.uri(GENERATE), Duration.ofMillis(300))));

            assertThat(failure).isInstanceOf(HttpTimeoutException.class);
            assertThat(clientClosed.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aTimeoutOnAReusedConnectionIsNotRetried() throws Exception {
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            conn.respond(200, "application/json", RESPONSE_JSON);
            conn.readRequest();
            conn.awaitEof();
        })) {
            assertThat(collect(send(postTo(server.uri(GENERATE), WAIT)))).isNotEmpty();

            Throwable failure = failure(transport.send(postTo(server.uri(GENERATE), Duration.ofMillis(300))));

            assertThat(failure).isInstanceOf(HttpTimeoutException.class);
            assertThat(server.accepted.get()).isEqualTo(1);
            assertThat(server.requests).hasSize(2);
        }
    }

    @Test
    void aClosedPortFailsWithConnectException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }

        Throwable failure = failure(transport.send(postTo(URI.create("http://127.0.0.1:" + port + GENERATE), WAIT)));

        assertThat(failure).isInstanceOf(ConnectException.class);
        assertThat(failure.getMessage()).doesNotContain(KEY);
    }

    @Test
    void anUnknownHostFailsWithAnIOException() throws Exception {
        Throwable failure = failure(transport.send(postTo(URI.create("http://no-such-host.invalid" + GENERATE), WAIT)));

        assertThat(failure).isInstanceOf(IOException.class);
        assertThat(failure.getMessage()).doesNotContain(KEY);
    }

    @Test
    void aUrlThatIsNotHttpFailsTheFuture() {
        Throwable failure = failure(transport.send(postTo(URI.create("ftp://localhost/x"), WAIT)));

        assertThat(failure).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- malformed answers ---------------------------------------------------------------------------

    @Test
    void aMalformedChunkFailsTheBodyAndDoesNotPoisonTheNextCall() throws Exception {
        try (RawServer server = RawServer.plain((conn, index) -> {
            if (index == 0) {
                conn.readRequest();
                conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "6\r\ndata: \r\nZZZ\r\n");
            }
            while (conn.readRequest() != null) { // a later request on the same connection is answered well
                conn.respond(200, "application/json", RESPONSE_JSON);
            }
        })) {
            Response broken = send(postTo(server.uri(GENERATE), WAIT));
            Probe probe = Probe.unbounded();
            broken.body().subscribe(probe);

            assertThat(failure(probe.done)).isInstanceOf(IOException.class);

            Response next = send(postTo(server.uri(GENERATE), Duration.ofSeconds(1)));
            assertThat(new String(collect(next), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);
        }
    }

    @Test
    void aStatusLineThatIsNotHttpFailsTheCallAndIsNotSentAgain() throws Exception {
        String garbage = "HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n";
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            if (index == 0) { // on a fresh connection
                conn.write(garbage);
            } else if (index == 1) { // on a reused one
                conn.respond(200, "application/json", RESPONSE_JSON);
                conn.readRequest();
                conn.write(garbage);
            } else {
                conn.respond(200, "application/json", RESPONSE_JSON);
            }
            conn.awaitEof();
        })) {
            assertThat(failure(transport.send(postTo(server.uri(GENERATE), WAIT)))).isInstanceOf(IOException.class);

            assertThat(collect(send(postTo(server.uri(GENERATE), WAIT)))).isNotEmpty();
            Throwable failure = failure(transport.send(postTo(server.uri(GENERATE), WAIT)));

            assertThat(failure).isInstanceOf(IOException.class);
            assertThat(server.accepted.get()).isEqualTo(2); // an answer came, so no second try
        }
    }

    // ---- streaming and backpressure ------------------------------------------------------------------

    @Test
    void aChunkedBodyArrivesInOrderOneRequestedItemAtATime() throws Exception {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            expected.append(sseEvent(i));
        }
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 20; i++) {
                conn.writeChunk(sseEvent(i));
                Thread.sleep(5);
            }
            conn.write("0\r\n\r\n");
            while (conn.readRequest() != null) {
                conn.respond(200, "application/json", RESPONSE_JSON);
            }
        })) {
            Response response = send(postTo(server.uri(GENERATE + "?alt=sse"), WAIT));
            assertThat(response.contentType()).isEqualTo("text/event-stream");
            Probe probe = Probe.oneAtATime();
            response.body().subscribe(probe);

            byte[] body = probe.done.get(5, TimeUnit.SECONDS);

            assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(expected.toString());
            assertThat(probe.pushedWithoutDemand).isFalse();
            assertThat(probe.items.get()).isGreaterThanOrEqualTo(1);
            // the whole body was read: the connection went back to the pool
            assertThat(collect(send(postTo(server.uri(GENERATE), WAIT)))).isNotEmpty();
            assertThat(server.accepted.get()).isEqualTo(1);
        }
    }

    @Test
    void nothingIsPushedWithoutDemand() throws Exception {
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 20; i++) {
                conn.writeChunk(sseEvent(i));
            }
            conn.write("0\r\n\r\n");
            conn.awaitEof();
        })) {
            Response response = send(postTo(server.uri(GENERATE + "?alt=sse"), WAIT));
            Probe probe = Probe.manual();
            response.body().subscribe(probe);
            probe.subscribed.get(5, TimeUnit.SECONDS);
            Thread.sleep(200);
            assertThat(probe.items.get()).isZero();

            probe.request(1);
            probe.awaitItems(1);
            Thread.sleep(300); // the server has sent everything by now
            assertThat(probe.items.get()).isEqualTo(1);
            assertThat(probe.done).isNotDone();

            probe.request(Long.MAX_VALUE);
            byte[] body = probe.done.get(5, TimeUnit.SECONDS);
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                expected.append(sseEvent(i));
            }
            assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(expected.toString());
            assertThat(probe.pushedWithoutDemand).isFalse();
        }
    }

    @Test
    void aSubscriberWithoutDemandStopsTheReadsFromTheSocket() throws Exception {
        long total = 96L * 1024 * 1024; // far more than the socket buffers on both sides can hold
        AtomicLong written = new AtomicLong();
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            conn.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + total
                    + "\r\n\r\n");
            byte[] block = new byte[64 * 1024];
            while (written.get() < total) {
                conn.out.write(block);
                written.addAndGet(block.length);
            }
            conn.out.flush();
            conn.awaitEof();
        })) {
            Response response = send(postTo(server.uri("/download"), WAIT));
            Probe probe = Probe.counting();
            response.body().subscribe(probe);
            probe.request(1);
            probe.awaitItems(1);

            long seen;
            long now = written.get();
            do { // until the writer is stuck on full socket buffers
                seen = now;
                Thread.sleep(200);
                now = written.get();
            } while (now != seen);
            assertThat(now).isLessThan(total);

            probe.request(Long.MAX_VALUE);
            probe.done.get(10, TimeUnit.SECONDS);
            assertThat(probe.byteCount.get()).isEqualTo(total);
            assertThat(probe.pushedWithoutDemand).isFalse();
        }
    }

    @Test
    void cancellingMidBodyClosesTheConnectionAndTheNextCallOpensANewOne() throws Exception {
        CompletableFuture<Boolean> firstClosedByClient = new CompletableFuture<>();
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            if (index == 0) {
                conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
                try {
                    for (int i = 0; i < 500; i++) {
                        conn.writeChunk(sseEvent(i));
                        Thread.sleep(10);
                    }
                } catch (IOException e) {
                    firstClosedByClient.complete(true);
                }
                firstClosedByClient.complete(false);
                return;
            }
            conn.respond(200, "application/json", RESPONSE_JSON);
        })) {
            Response response = send(postTo(server.uri(GENERATE + "?alt=sse"), WAIT));
            Probe probe = Probe.manual();
            response.body().subscribe(probe);
            probe.request(3);
            probe.awaitItems(3);

            probe.cancel();

            assertThat(firstClosedByClient.get(5, TimeUnit.SECONDS)).isTrue();
            Response next = send(postTo(server.uri(GENERATE), WAIT));
            assertThat(new String(collect(next), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);
            assertThat(server.accepted.get()).isEqualTo(2);
            assertThat(probe.done).isNotDone();
        }
    }

    @Test
    void aBodyNobodySubscribedToKeepsItsConnectionAndCanStillBeRead() throws Exception {
        CountDownLatch secondArrived = new CountDownLatch(1);
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            if (index == 0) { // the rest of the body only once the second call came on a connection of its own
                conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
                conn.writeChunk(sseEvent(0));
                secondArrived.await(5, TimeUnit.SECONDS);
                conn.writeChunk(sseEvent(1));
                conn.writeChunk(sseEvent(2));
                conn.write("0\r\n\r\n");
                conn.awaitEof();
                return;
            }
            secondArrived.countDown();
            conn.respond(200, "application/json", RESPONSE_JSON);
        })) {
            Response first = send(postTo(server.uri(GENERATE + "?alt=sse"), WAIT));

            Response second = send(postTo(server.uri(GENERATE), WAIT));
            assertThat(new String(collect(second), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);
            assertThat(server.accepted.get()).isEqualTo(2);

            assertThat(new String(collect(first), StandardCharsets.UTF_8))
                    .isEqualTo(sseEvent(0) + sseEvent(1) + sseEvent(2));
        }
    }

    // ---- pooling details and other answer shapes -----------------------------------------------------

    @Test
    void anAnswerWithConnectionCloseIsNotPooled() throws Exception {
        CompletableFuture<Boolean> closedByClient = new CompletableFuture<>();
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            if (index == 0) {
                conn.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                        + "Content-Length: " + RESPONSE_JSON.length() + "\r\n\r\n" + RESPONSE_JSON);
                closedByClient.complete(conn.awaitEof()); // the server leaves it to the client
                return;
            }
            conn.respond(200, "application/json", RESPONSE_JSON);
        })) {
            assertThat(new String(collect(send(postTo(server.uri(GENERATE), WAIT))), StandardCharsets.UTF_8))
                    .isEqualTo(RESPONSE_JSON);
            assertThat(closedByClient.get(5, TimeUnit.SECONDS)).isTrue();

            assertThat(collect(send(postTo(server.uri(GENERATE), WAIT)))).isNotEmpty();
            assertThat(server.accepted.get()).isEqualTo(2);
        }
    }

    @Test
    void aBodyDelimitedByTheEndOfTheConnectionCompletes() throws Exception {
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            conn.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + RESPONSE_JSON);
        })) {
            for (int i = 0; i < 2; i++) {
                Response response = send(postTo(server.uri(GENERATE), WAIT));
                assertThat(new String(collect(response), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);
            }
            assertThat(server.accepted.get()).isEqualTo(2);
        }
    }

    @Test
    void aContinueAnswerIsSkipped() throws Exception {
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            conn.write("HTTP/1.1 100 Continue\r\n\r\n");
            conn.respond(200, "application/json", RESPONSE_JSON);
            conn.awaitEof();
        })) {
            Response response = send(postTo(server.uri(GENERATE), WAIT));

            assertThat(response.status()).isEqualTo(200);
            assertThat(new String(collect(response), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);
        }
    }

    @Test
    void anIdleConnectionOlderThanItsTtlIsClosedNotReused() throws Exception {
        NettyHttpTransport shortLived = new NettyHttpTransport(group, NioSocketChannel.class, Duration.ofSeconds(2),
                null, 8, Duration.ofMillis(100));
        CompletableFuture<Boolean> firstClosedByClient = new CompletableFuture<>();
        try (RawServer server = RawServer.plain((conn, index) -> {
            while (conn.readRequest() != null) {
                conn.respond(200, "application/json", RESPONSE_JSON);
            }
            if (index == 0) {
                firstClosedByClient.complete(true);
            }
        })) {
            assertThat(collect(shortLived.send(postTo(server.uri(GENERATE), WAIT)).get(5, TimeUnit.SECONDS)))
                    .isNotEmpty();
            Thread.sleep(300);

            assertThat(collect(shortLived.send(postTo(server.uri(GENERATE), WAIT)).get(5, TimeUnit.SECONDS)))
                    .isNotEmpty();

            assertThat(server.accepted.get()).isEqualTo(2);
            assertThat(firstClosedByClient.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(server.requests).hasSize(2);
        }
    }

    @Test
    void atMostMaxIdleConnectionsAreKeptPerOrigin() throws Exception {
        NettyHttpTransport oneIdle = new NettyHttpTransport(group, NioSocketChannel.class, Duration.ofSeconds(2),
                null, 1, Duration.ofSeconds(60));
        CountDownLatch bothArrived = new CountDownLatch(2);
        CompletableFuture<Integer> closedByClient = new CompletableFuture<>();
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            bothArrived.countDown();
            bothArrived.await(5, TimeUnit.SECONDS); // two connections at once
            conn.respond(200, "application/json", RESPONSE_JSON);
            while (conn.readRequest() != null) {
                conn.respond(200, "application/json", RESPONSE_JSON);
            }
            closedByClient.complete(index);
        })) {
            CompletableFuture<Response> a = oneIdle.send(postTo(server.uri(GENERATE), WAIT));
            CompletableFuture<Response> b = oneIdle.send(postTo(server.uri(GENERATE), WAIT));
            assertThat(collect(a.get(5, TimeUnit.SECONDS))).isNotEmpty();
            assertThat(collect(b.get(5, TimeUnit.SECONDS))).isNotEmpty();
            assertThat(server.accepted.get()).isEqualTo(2);

            closedByClient.get(5, TimeUnit.SECONDS); // the client closed one of the two instead of keeping it
            for (int i = 0; i < 3; i++) {
                assertThat(collect(oneIdle.send(postTo(server.uri(GENERATE), WAIT)).get(5, TimeUnit.SECONDS)))
                        .isNotEmpty();
            }
            assertThat(server.accepted.get()).isEqualTo(2);
            assertThat(server.requests).hasSize(5);
        }
    }

    @Test
    void aCallStartedWhenTheLastBodyCompletedReusesItsConnection() throws Exception {
        try (RawServer server = RawServer.plain((conn, index) -> {
            while (conn.readRequest() != null) {
                conn.respond(200, "application/json", RESPONSE_JSON);
            }
        })) {
            CompletableFuture<byte[]> chained = new CompletableFuture<>();
            Response first = send(postTo(server.uri(GENERATE), WAIT));
            first.body().subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(List<ByteBuffer> item) {}

                @Override
                public void onError(Throwable t) {
                    chained.completeExceptionally(t);
                }

                @Override
                public void onComplete() { // on the event loop, as a retry on another key would be
                    transport.send(postTo(server.uri(GENERATE + "?attempt=2"), WAIT)).thenAccept(r -> {
                        Probe probe = Probe.unbounded();
                        r.body().subscribe(probe);
                        probe.done.whenComplete((bytes, e) -> {
                            if (e != null) {
                                chained.completeExceptionally(e);
                            } else {
                                chained.complete(bytes);
                            }
                        });
                    }).exceptionally(e -> {
                        chained.completeExceptionally(e);
                        return null;
                    });
                }
            });

            assertThat(new String(chained.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);
            assertThat(server.accepted.get()).isEqualTo(1);
            assertThat(server.requests).extracting(RawRequest::target)
                    .containsExactly(GENERATE, GENERATE + "?attempt=2");
        }
    }

    @Test
    void manyConcurrentCallsAllComplete() throws Exception {
        wireMock.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(RESPONSE_JSON)));
        List<CompletableFuture<byte[]>> bodies = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            bodies.add(transport.send(postTo(URI.create(wireMockUrl() + GENERATE + "?n=" + i), WAIT))
                    .thenCompose(r -> {
                        Probe probe = Probe.unbounded();
                        r.body().subscribe(probe);
                        return probe.done;
                    }));
        }
        for (CompletableFuture<byte[]> body : bodies) {
            assertThat(new String(body.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);
        }
        assertThat(wireMock.getAllServeEvents()).hasSize(40);
    }

    @Test
    void aLargeRequestBodyArrivesWhole() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(42).nextBytes(big);
        try (RawServer server = RawServer.plain((conn, index) -> {
            while (conn.readRequest() != null) {
                conn.respond(200, "application/json", RESPONSE_JSON);
            }
        })) {
            Response response = send(new Request("POST", server.uri("/upload"),
                    Map.of("x-goog-api-key", KEY, "content-type", "application/octet-stream"), big, WAIT));

            assertThat(collect(response)).isNotEmpty();
            assertThat(server.requests).hasSize(1);
            assertThat(server.requests.get(0).headers()).containsEntry("content-length", Integer.toString(big.length));
            assertThat(server.requests.get(0).body()).isEqualTo(big);
        }
    }

    // ---- reactive-streams rules ----------------------------------------------------------------------

    @Test
    void aSecondSubscriberIsRefusedWhileTheFirstIsActive() throws Exception {
        wireMock.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(RESPONSE_JSON)));
        Response response = send(postTo(URI.create(wireMockUrl() + GENERATE), WAIT));
        Probe first = Probe.manual();
        response.body().subscribe(first);
        first.subscribed.get(5, TimeUnit.SECONDS);

        Probe second = Probe.unbounded();
        response.body().subscribe(second);

        assertThat(failure(second.done)).isInstanceOf(IllegalStateException.class);
        first.request(Long.MAX_VALUE);
        assertThat(new String(first.done.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);
        assertThat(second.items.get()).isZero();
    }

    @Test
    void aSecondSubscriberAfterTheFirstCompletedIsRefused() throws Exception {
        wireMock.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(RESPONSE_JSON)));
        Response response = send(postTo(URI.create(wireMockUrl() + GENERATE), WAIT));
        assertThat(new String(collect(response), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);

        Probe second = Probe.unbounded();
        response.body().subscribe(second);

        assertThat(failure(second.done)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aNonPositiveRequestSignalsIllegalArgumentException() throws Exception {
        wireMock.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(RESPONSE_JSON)));
        for (long n : new long[] {0, -1}) {
            Response response = send(postTo(URI.create(wireMockUrl() + GENERATE), WAIT));
            Probe probe = Probe.manual();
            response.body().subscribe(probe);
            probe.subscribed.get(5, TimeUnit.SECONDS);

            probe.request(n);

            assertThat(failure(probe.done)).isInstanceOf(IllegalArgumentException.class);
            assertThat(probe.items.get()).isZero();
        }
        // the transport is still fine afterwards
        assertThat(collect(send(postTo(URI.create(wireMockUrl() + GENERATE), WAIT)))).isNotEmpty();
    }

    @Test
    void aNonPositiveRequestFromInsideOnNextSignalsIllegalArgumentException() throws Exception {
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            conn.writeChunk(sseEvent(0));
            conn.awaitEof();
        })) {
            Response response = send(postTo(server.uri(GENERATE + "?alt=sse"), WAIT));
            Probe probe = Probe.manual();
            probe.onItem = () -> probe.request(0); // runs on the event loop
            response.body().subscribe(probe);
            probe.request(1);

            assertThat(failure(probe.done)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ---- cancellation straight after the head --------------------------------------------------------

    @Test
    void cancellingStraightAfterTheHeadReleasesTheConnection() throws Exception {
        try (RawServer server = RawServer.plain((conn, index) -> {
            while (conn.readRequest() != null) {
                conn.respond(200, "application/json", RESPONSE_JSON);
            }
        })) {
            for (int i = 0; i < 3; i++) { // from the test thread
                Response response = send(postTo(server.uri(GENERATE), WAIT));
                Probe probe = Probe.cancelling();
                response.body().subscribe(probe);
                probe.subscribed.get(5, TimeUnit.SECONDS);
                assertThat(probe.items.get()).isZero();
            }
            for (int i = 0; i < 3; i++) { // from the event loop, before any body content is read
                Probe probe = Probe.cancelling();
                CompletableFuture<Response> head = transport.send(postTo(server.uri(GENERATE), WAIT))
                        .whenComplete((r, e) -> r.body().subscribe(probe));
                assertThat(head.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
                probe.subscribed.get(5, TimeUnit.SECONDS);
                assertThat(probe.items.get()).isZero();
            }
            Response last = send(postTo(server.uri(GENERATE), WAIT));
            assertThat(new String(collect(last), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);
            assertThat(server.requests).hasSize(7);
        }
    }

    @Test
    void cancellingAStreamStraightAfterTheHeadClosesItsConnection() throws Exception {
        CompletableFuture<Boolean> clientClosed = new CompletableFuture<>();
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            if (index == 0) {
                conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
                conn.writeChunk(sseEvent(0));
                clientClosed.complete(conn.awaitEof());
                return;
            }
            conn.respond(200, "application/json", RESPONSE_JSON);
        })) {
            Response response = send(postTo(server.uri(GENERATE + "?alt=sse"), WAIT));
            Probe probe = Probe.cancelling();
            response.body().subscribe(probe);

            assertThat(clientClosed.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(probe.items.get()).isZero();
            Response next = send(postTo(server.uri(GENERATE), WAIT));
            assertThat(new String(collect(next), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);
            assertThat(server.accepted.get()).isEqualTo(2);
        }
    }

    @Test
    void aHeadTheCallerGaveUpOnDoesNotKeepItsConnection() throws Exception {
        CountDownLatch gaveUp = new CountDownLatch(1);
        CompletableFuture<Boolean> closedByClient = new CompletableFuture<>();
        try (RawServer server = RawServer.plain((conn, index) -> {
            conn.readRequest();
            gaveUp.await(5, TimeUnit.SECONDS);
            conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            conn.writeChunk(sseEvent(0));
            closedByClient.complete(conn.awaitEof());
        })) {
            CompletableFuture<Response> head = transport.send(postTo(server.uri(GENERATE + "?alt=sse"), WAIT));
            head.cancel(false);
            gaveUp.countDown();

            // nobody can subscribe to this body: the transport must let the connection go
            assertThat(closedByClient.get(6, TimeUnit.SECONDS)).isTrue();
        }
    }

    // ---- TLS -----------------------------------------------------------------------------------------

    @Test
    void tlsWorksWithATrustedCertificate() throws Exception {
        wireMock.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(RESPONSE_JSON)));
        NettyHttpTransport tls = new NettyHttpTransport(group, NioSocketChannel.class, Duration.ofSeconds(2),
                trustingLocalhost(), 8, Duration.ofSeconds(60));
        URI uri = URI.create("https://localhost:" + wireMock.httpsPort() + GENERATE);

        for (int i = 0; i < 2; i++) { // the second call on the pooled TLS connection
            Response response = tls.send(new Request("POST", uri,
                    Map.of("x-goog-api-key", KEY, "content-type", "application/json"),
                    REQUEST_JSON.getBytes(StandardCharsets.UTF_8), WAIT)).get(5, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(200);
            assertThat(new String(collect(response), StandardCharsets.UTF_8)).isEqualTo(RESPONSE_JSON);
        }
        wireMock.verify(2, postRequestedFor(urlEqualTo(GENERATE))
                .withHeader("Host", equalTo("localhost:" + wireMock.httpsPort()))
                .withHeader("x-goog-api-key", equalTo(KEY))
                .withRequestBody(binaryEqualTo(REQUEST_JSON.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void tlsWithTheJvmTrustStoreRejectsASelfSignedCertificate() {
        URI uri = URI.create("https://localhost:" + wireMock.httpsPort() + GENERATE);

        Throwable failure = failure(transport.send(postTo(uri, WAIT)));

        assertThat(failure).isInstanceOf(IOException.class);
        assertThat(causes(failure)).anyMatch(SSLHandshakeException.class::isInstance);
        assertThat(wireMock.getAllServeEvents()).isEmpty();
    }

    @Test
    void tlsVerifiesTheHostName() throws Exception {
        NettyHttpTransport tls = new NettyHttpTransport(group, NioSocketChannel.class, Duration.ofSeconds(2),
                trustingLocalhost(), 8, Duration.ofSeconds(60));
        // the certificate names localhost, not 127.0.0.1
        URI uri = URI.create("https://127.0.0.1:" + wireMock.httpsPort() + GENERATE);

        Throwable failure = failure(tls.send(postTo(uri, WAIT)));

        assertThat(failure).isInstanceOf(IOException.class);
        assertThat(causes(failure)).anyMatch(SSLHandshakeException.class::isInstance);
        assertThat(wireMock.getAllServeEvents()).isEmpty();
    }

    @Test
    void aServerThatNeverCompletesTheTlsHandshakeFailsWithHttpConnectTimeoutException() throws Exception {
        NettyHttpTransport tls = new NettyHttpTransport(group, NioSocketChannel.class, Duration.ofMillis(300),
                trustingLocalhost(), 8, Duration.ofSeconds(60));
        CompletableFuture<Boolean> closedByClient = new CompletableFuture<>();
        try (RawServer server = RawServer.plain((conn, index) -> closedByClient.complete(conn.awaitEof()))) {
            URI uri = URI.create("https://localhost:" + server.port() + GENERATE);

            Throwable failure = failure(tls.send(postTo(uri, WAIT)));

            assertThat(failure).isInstanceOf(HttpConnectTimeoutException.class);
            assertThat(closedByClient.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    // ---- secrets -------------------------------------------------------------------------------------

    @Test
    void aHeaderValueThatCannotBeSentFailsWithoutShowingTheValue() throws Exception {
        String secret = "AIzaSyFAKE-secret-never-shown-0002";
        try (RawServer server = RawServer.plain((conn, index) -> {
            while (conn.readRequest() != null) {
                conn.respond(200, "application/json", RESPONSE_JSON);
            }
        })) {
            Request bad = new Request("POST", server.uri(GENERATE),
                    Map.of("x-goog-api-key", secret + "\r\nx-injected: 1", "content-type", "application/json"),
                    REQUEST_JSON.getBytes(StandardCharsets.UTF_8), WAIT);

            Throwable failure = failure(transport.send(bad));

            assertThat(failure).isInstanceOf(IOException.class);
            assertThat(causes(failure)).allSatisfy(t -> {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
                assertThat(t.toString()).doesNotContain(secret);
            });
            // nothing of it reached the server, and the transport still works
            assertThat(collect(send(postTo(server.uri(GENERATE), WAIT)))).isNotEmpty();
            assertThat(server.requests).hasSize(1);
            assertThat(server.requests.get(0).headers()).doesNotContainKey("x-injected")
                    .containsEntry("x-goog-api-key", KEY);
        }
    }

    // ---- threads -------------------------------------------------------------------------------------

    @Test
    void aCallFromAnEventLoopStaysOnThatLoop() throws Exception {
        wireMock.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(RESPONSE_JSON)));
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(4, NioIoHandler.newFactory());
        try {
            NettyHttpTransport onLoops = new NettyHttpTransport(loops, NioSocketChannel.class, Duration.ofSeconds(2),
                    null, 8, Duration.ofSeconds(60));
            for (int i = 0; i < 12; i++) {
                EventLoop loop = loops.next();
                CompletableFuture<Thread> headThread = new CompletableFuture<>();
                CompletableFuture<Response> head = new CompletableFuture<>();
                Thread loopThread = loop.submit(() -> {
                    onLoops.send(postTo(URI.create(wireMockUrl() + GENERATE), WAIT)).whenComplete((r, e) -> {
                        headThread.complete(Thread.currentThread());
                        if (e != null) {
                            head.completeExceptionally(e);
                        } else {
                            head.complete(r);
                        }
                    });
                    return Thread.currentThread();
                }).get(5, TimeUnit.SECONDS);

                Response response = head.get(5, TimeUnit.SECONDS);
                Probe probe = Probe.oneAtATime(); // subscribed from this (non-loop) thread
                response.body().subscribe(probe);

                assertThat(new String(probe.done.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8))
                        .isEqualTo(RESPONSE_JSON);
                assertThat(headThread.get()).isSameAs(loopThread);
                assertThat(probe.threads).containsOnly(loopThread);
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static String wireMockUrl() {
        return "http://localhost:" + wireMock.port();
    }

    private static Request postTo(URI uri, Duration timeout) {
        return new Request("POST", uri, Map.of("x-goog-api-key", KEY, "content-type", "application/json"),
                REQUEST_JSON.getBytes(StandardCharsets.UTF_8), timeout);
    }

    private static String sseEvent(int i) {
        return "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"part " + i
                + "\"}],\"role\": \"model\"},\"index\": 0}],\"modelVersion\": \"gemini-2.5-flash\"}\r\n\r\n";
    }

    private static Response send(Request request) throws Exception {
        return transport.send(request).get(5, TimeUnit.SECONDS);
    }

    private static byte[] collect(Response response) throws Exception {
        Probe probe = Probe.unbounded();
        response.body().subscribe(probe);
        return probe.done.get(5, TimeUnit.SECONDS);
    }

    /** What the future failed with, unwrapped; fails the test when it completes normally or hangs. */
    private static Throwable failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("neither completed nor failed within 5 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<Throwable> causes(Throwable t) {
        List<Throwable> all = new ArrayList<>();
        for (Throwable c = t; c != null && !all.contains(c); c = c.getCause()) {
            all.add(c);
        }
        return all;
    }

    private static SslContext trustingLocalhost() throws IOException {
        return SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(localhostCert)
                .endpointIdentificationAlgorithm("HTTPS").build();
    }

    /** A subscriber that records what it is given and whether anything came without demand. */
    private static final class Probe implements Flow.Subscriber<List<ByteBuffer>> {
        final CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        final AtomicInteger items = new AtomicInteger();
        final AtomicLong byteCount = new AtomicLong();
        final AtomicBoolean pushedWithoutDemand = new AtomicBoolean();
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        private final AtomicLong outstanding = new AtomicLong();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final long initial;
        private final boolean morePerItem;
        private final boolean keepBytes;
        private final boolean cancelAtOnce;
        volatile Runnable onItem = () -> {};

        private Probe(long initial, boolean morePerItem, boolean keepBytes, boolean cancelAtOnce) {
            this.initial = initial;
            this.morePerItem = morePerItem;
            this.keepBytes = keepBytes;
            this.cancelAtOnce = cancelAtOnce;
        }

        static Probe unbounded() {
            return new Probe(Long.MAX_VALUE, false, true, false);
        }

        static Probe oneAtATime() {
            return new Probe(1, true, true, false);
        }

        static Probe manual() {
            return new Probe(0, false, true, false);
        }

        static Probe counting() {
            return new Probe(0, false, false, false);
        }

        static Probe cancelling() {
            return new Probe(0, false, true, true);
        }

        void request(long n) {
            if (n > 0) {
                outstanding.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            }
            subscribed.join().request(n);
        }

        void cancel() {
            subscribed.join().cancel();
        }

        void awaitItems(int n) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (items.get() < n && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertThat(items.get()).as("items received").isGreaterThanOrEqualTo(n);
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscribed.complete(subscription);
            if (cancelAtOnce) {
                subscription.cancel();
            } else if (initial > 0) {
                request(initial);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            threads.add(Thread.currentThread());
            long left = outstanding.get() == Long.MAX_VALUE ? Long.MAX_VALUE : outstanding.decrementAndGet();
            if (left < 0) {
                pushedWithoutDemand.set(true);
            }
            for (ByteBuffer b : item) {
                byteCount.addAndGet(b.remaining());
                if (keepBytes) {
                    byte[] copy = new byte[b.remaining()];
                    b.get(copy);
                    synchronized (bytes) {
                        bytes.writeBytes(copy);
                    }
                }
            }
            items.incrementAndGet();
            onItem.run();
            if (morePerItem) {
                request(1);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            threads.add(Thread.currentThread());
            done.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            threads.add(Thread.currentThread());
            synchronized (bytes) {
                done.complete(bytes.toByteArray());
            }
        }
    }

    /** A request as the raw server read it; header names in lower case. */
    private record RawRequest(String method, String target, Map<String, String> headers, byte[] body) {}

    /** A blocking HTTP/1.1 server on a plain socket, one thread per connection, that counts connections. */
    private static final class RawServer implements AutoCloseable {
        interface Handler {
            void handle(Conn conn, int index) throws Exception;
        }

        final AtomicInteger accepted = new AtomicInteger();
        final List<RawRequest> requests = new CopyOnWriteArrayList<>();
        private final ServerSocket socket;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        private RawServer(ServerSocket socket, Handler handler) {
            this.socket = socket;
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        int index = accepted.getAndIncrement();
                        sockets.add(s);
                        Thread t = new Thread(() -> {
                            try (s) {
                                handler.handle(new Conn(s, requests), index);
                            } catch (Exception ignored) {
                                // the client went away; the test asserts what it saw
                            }
                        }, "raw-server-conn-" + index);
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "raw-server-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static RawServer plain(Handler handler) throws IOException {
            return new RawServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), handler);
        }

        int port() {
            return socket.getLocalPort();
        }

        URI uri(String pathAndQuery) {
            try {
                return new URI("http://127.0.0.1:" + port() + pathAndQuery);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** One accepted connection of the raw server. */
    private static final class Conn {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        private final List<RawRequest> log;

        Conn(Socket socket, List<RawRequest> log) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
            this.log = log;
        }

        /** The next request, or {@code null} when the client closed the connection. */
        RawRequest readRequest() throws IOException {
            String line = readLine();
            if (line == null) {
                return null;
            }
            String[] parts = line.split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            String h;
            while ((h = readLine()) != null && !h.isEmpty()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            RawRequest request = new RawRequest(parts[0], parts[1], headers, body);
            log.add(request);
            return request;
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                line.write(b);
            }
            if (b == -1 && line.size() == 0) {
                return null;
            }
            String s = line.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        void write(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void writeChunk(String s) throws IOException {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            write(Integer.toHexString(bytes.length) + "\r\n" + s + "\r\n");
        }

        void respond(int status, String contentType, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            write("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
                    + "\r\n\r\n" + body);
        }

        /** Whether the client closed the connection within 5 s (anything it still sends is skipped). */
        boolean awaitEof() throws IOException {
            socket.setSoTimeout(5000);
            try {
                while (in.read() != -1) {
                    // skip
                }
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset by the client
            }
        }
    }
}
