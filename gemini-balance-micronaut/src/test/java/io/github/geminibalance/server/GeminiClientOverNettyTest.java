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
import org.junit.jupiter.api.Test;

/**
 * The core's {@link GeminiClient} over {@link NettyHttpTransport} when Gemini stalls part-way through a
 * body: the call still ends within its timeout, and the half-read connection is closed, not kept.
 */
class GeminiClientOverNettyTest {

    @Test
    void aCallThatTimesOutMidBodyReleasesItsConnection() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        CompletableFuture<Boolean> clientClosed = new CompletableFuture<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
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
            t.setDaemon(true);
            t.start();
            NettyHttpTransport transport = new NettyHttpTransport(group, NioSocketChannel.class,
                    Duration.ofSeconds(2), null, 8, Duration.ofSeconds(60));
            GeminiClient client = new GeminiClient(transport,
                    URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1beta"),
                    Duration.ofMillis(500), Duration.ofSeconds(30), scheduler);

            var call = client.generateContent(new ApiKey("AIzaSyFAKE-review-key-0001"), "gemini-2.5-flash",
                    "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(call).failsWithin(Duration.ofSeconds(3))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(java.util.concurrent.TimeoutException.class);

            // the caller gave up (the key went back and another key is tried), so the half-read body
            // should not keep this connection, its buffer and its socket for as long as Gemini stalls
            assertThat(clientClosed.get(6, TimeUnit.SECONDS)).as("client closed the abandoned connection").isTrue();
        } finally {
            scheduler.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStreamWhoseErrorBodyStallsStillEnds() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
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
            t.setDaemon(true);
            t.start();
            NettyHttpTransport transport = new NettyHttpTransport(group, NioSocketChannel.class,
                    Duration.ofSeconds(2), null, 8, Duration.ofSeconds(60));
            GeminiClient client = new GeminiClient(transport,
                    URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1beta"),
                    Duration.ofMillis(500), Duration.ofMillis(500), scheduler);

            var stream = client.streamGenerateContent(new ApiKey("AIzaSyFAKE-review-key-0001"), "gemini-2.5-flash",
                    "{}".getBytes(StandardCharsets.UTF_8));

            // a 503 whose error body stalls: the call ends with a timeout instead of waiting forever
            assertThat(stream).failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(java.util.concurrent.TimeoutException.class);
        } finally {
            scheduler.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}
