package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.geminibalance.spi.HttpTransport;
import io.github.geminibalance.spi.HttpTransport.Proxy;
import io.github.geminibalance.spi.HttpTransport.Request;
import io.github.geminibalance.spi.HttpTransport.Response;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link NettyHttpTransport} through proxies ({@link ProxyTunnels}): TLS to an {@code https://} proxy, TLS to
 * Gemini inside a tunnel (also inside a TLS proxy connection), SOCKS5 to an https target, and the failures
 * that are the proxy's ({@link HttpTransport.ProxyException}, credentials masked). The test certificate is
 * {@code tls/localhost.p12} (see {@link NettyHttpTransportTest}).
 */
class ProxyTunnelsTest {

    private static final String PATH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String SECRET = "tunnel-s3cret";

    private static EventLoopGroup group;
    private static NettyHttpTransport transport;
    private static WireMockServer wireMock;
    private static SSLContext serverTls;

    @BeforeAll
    static void startAll() throws Exception {
        Path keystore = Path.of(ProxyTunnelsTest.class.getResource("/tls/localhost.p12").toURI());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        X509Certificate cert = (X509Certificate) ks.getCertificate("localhost");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        transport = new NettyHttpTransport(group, NioSocketChannel.class, Duration.ofSeconds(2),
                SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(cert)
                        .endpointIdentificationAlgorithm("HTTPS").build(), 8, Duration.ofSeconds(60));
        wireMock = new WireMockServer(options().dynamicPort().dynamicHttpsPort()
                .keystorePath(keystore.toString()).keystoreType("PKCS12")
                .keystorePassword("changeit").keyManagerPassword("changeit"));
        wireMock.start();
        wireMock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        wireMock.stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private static Request request(boolean https, Proxy proxy) {
        String base = https ? "https://localhost:" + wireMock.httpsPort() : "http://localhost:" + wireMock.port();
        return new Request("POST", URI.create(base + PATH), Map.of("x-goog-api-key", "AIzaSyTUNNEL-key-0000001",
                "content-type", "application/json"), "{}".getBytes(), Duration.ofSeconds(5)).via(proxy);
    }

    private static String body(Response response) throws Exception {
        CompletableFuture<String> text = new CompletableFuture<>();
        StringBuilder sb = new StringBuilder();
        response.body().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
                item.forEach(b -> sb.append(java.nio.charset.StandardCharsets.UTF_8.decode(b)));
            }

            @Override
            public void onError(Throwable t) {
                text.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                text.complete(sb.toString());
            }
        });
        return text.get(5, TimeUnit.SECONDS);
    }

    @Test
    void anHttpsProxyCarriesPlainAndTlsTargets() throws Exception {
        try (TestProxy proxy = TestProxy.connectOverTls("u", SECRET, serverTls)) {
            Proxy via = Proxy.parse("https://u:" + SECRET + "@localhost:" + proxy.port());
            for (boolean https : new boolean[] {false, true}) {
                Response response = transport.send(request(https, via)).get(5, TimeUnit.SECONDS);
                assertThat(response.status()).isEqualTo(200);
                assertThat(body(response)).isEqualTo("{\"ok\":true}");
            }
            assertThat(proxy.handshakes()).extracting(TestProxy.Handshake::target)
                    .containsExactly("localhost:" + wireMock.port(), "localhost:" + wireMock.httpsPort());
            assertThat(proxy.handshakes()).allSatisfy(h -> assertThat(h.password()).isEqualTo(SECRET));
        }
    }

    @Test
    void aSocks5ProxyCarriesATlsTargetAndConnectionsArePooledPerProxy() throws Exception {
        try (TestProxy one = TestProxy.socks5(null, null); TestProxy two = TestProxy.socks5(null, null)) {
            Proxy first = Proxy.parse("socks5://127.0.0.1:" + one.port());
            Proxy second = Proxy.parse("socks5://127.0.0.1:" + two.port());
            for (Proxy via : List.of(first, first, second, first)) {
                Response response = transport.send(request(true, via)).get(5, TimeUnit.SECONDS);
                assertThat(body(response)).isEqualTo("{\"ok\":true}");
            }
            // one event loop: the idle connection through each proxy is reused, never one through the other
            assertThat(one.handshakes()).hasSize(1);
            assertThat(two.handshakes()).hasSize(1);
            assertThat(one.handshakes().get(0).target()).isEqualTo("localhost:" + wireMock.httpsPort());
            wireMock.verify(postRequestedFor(urlPathEqualTo(PATH)).withHeader("Host",
                    equalTo("localhost:" + wireMock.httpsPort())));
        }
    }

    @Test
    void failuresThroughTheProxyAreProxyExceptionsWithoutCredentials() throws Exception {
        try (TestProxy strict = TestProxy.connect("u", "right")) {
            List<Proxy> broken = List.of(
                    Proxy.parse("http://u:" + SECRET + "@127.0.0.1:" + strict.port()), // 407
                    Proxy.parse("socks5://u:" + SECRET + "@127.0.0.1:" + TestProxy.deadPort()), // refused
                    Proxy.parse("http://u:" + SECRET + "@no-such-proxy.invalid:3128")); // unknown host
            for (Proxy via : broken) {
                ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> transport.send(request(false, via)).get(10, TimeUnit.SECONDS));
                assertThat(e.getCause()).isInstanceOf(HttpTransport.ProxyException.class);
                assertThat(e.getCause().getMessage()).contains(via.toString()).doesNotContain(SECRET);
            }
            assertThat(strict.handshakes()).hasSize(1);
            assertThat(strict.handshakes().get(0).accepted()).isFalse();
        }
    }
}
