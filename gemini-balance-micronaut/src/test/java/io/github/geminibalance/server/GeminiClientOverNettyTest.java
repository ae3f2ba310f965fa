package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.upstream.GeminiClient;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The core's {@link GeminiClient} over {@link NettyHttpTransport} when Gemini stalls part-way through a
 * body: the call still ends within its timeout, and the half-read connection is closed, not kept.
 */
class GeminiClientOverNettyTest {

    private static final ApiKey KEY = new ApiKey("AIzaSyFAKE-review-key-0001");
    private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

    private EventLoopGroup group;
    private ScheduledExecutorService scheduler;

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() throws InterruptedException {
        scheduler.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /** A client over the transport, to a one-connection server on {@code server}. */
    private GeminiClient clientOf(ServerSocket server, Duration streamIdleTimeout) {
        NettyHttpTransport transport = new NettyHttpTransport(group, NioSocketChannel.class,
                Duration.ofSeconds(2), null, 8, Duration.ofSeconds(60));
        return new GeminiClient(transport, URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1beta"),
                Duration.ofMillis(500), streamIdleTimeout, scheduler);
    }

    private static void serveInBackground(Runnable connection) {
        Thread t = new Thread(connection);
        t.setDaemon(true);
        t.start();
    }

    @Test
    void aCallThatTimesOutMidBodyReleasesItsConnection() throws Exception {
        CompletableFuture<Boolean> clientClosed = new CompletableFuture<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            serveInBackground(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[8192];
                    in.read(buf); // the request (small: one read is enough here)
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                            + "{\"candidates\"").getBytes(StandardCharsets.UTF_8));
                    out.flush(); // ... and then Gemini stalls mid-body
                    s.setSoTimeout(4000);
                    try {
                        while (in.read(buf) != -1) {
                            // skip
                        }
                        clientClosed.complete(true);
                    } catch (SocketTimeoutException e) {
                        clientClosed.complete(false);
                    }
                } catch (Exception e) {
                    clientClosed.complete(true);
                }
            });
            GeminiClient client = clientOf(server, Duration.ofSeconds(30));

            var call = client.generateContent(KEY, "gemini-2.5-flash", BODY);
            assertThat(call).failsWithin(Duration.ofSeconds(3))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(java.util.concurrent.TimeoutException.class);

            // the caller gave up (the key went back and another key is tried), so the half-read body
            // should not keep this connection, its buffer and its socket for as long as Gemini stalls
            assertThat(clientClosed.get(6, TimeUnit.SECONDS)).as("client closed the abandoned connection").isTrue();
        }
    }

    @Test
    void aStreamWhoseErrorBodyStallsStillEnds() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            serveInBackground(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[8192]);
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 1000\r\n\r\n{\"error\"").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(20_000);
                } catch (Exception ignored) {
                    // done
                }
            });
            GeminiClient client = clientOf(server, Duration.ofMillis(500));

            var stream = client.streamGenerateContent(KEY, "gemini-2.5-flash", BODY);

            // a 503 whose error body stalls: the call ends with a timeout instead of waiting forever
            assertThat(stream).failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(java.util.concurrent.TimeoutException.class);
        }
    }
}
