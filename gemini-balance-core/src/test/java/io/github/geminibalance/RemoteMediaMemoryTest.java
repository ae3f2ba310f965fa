package io.github.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.ChatCompletionRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 2: a small chat request naming many large remote images must not fill the heap. Runs
 * the attack through the facade against a local server that serves a 19 MB "image" (with the default
 * limits: 16 URLs, 20 MiB each, 50 MiB together) and checks that every attempt is a 400 and that the
 * heap returns to its baseline afterwards (before the limits: 7 GB for one request, OutOfMemoryError
 * with a 1 GB heap, and memory stayed high).
 */
class RemoteMediaMemoryTest {

    private static final int IMAGE_BYTES = 19 * 1000 * 1000;
    private static final byte[] IMAGE = new byte[IMAGE_BYTES];
    private static final long SLACK = 64L * 1024 * 1024;

    private static HttpServer server;
    private static ExecutorService serverThreads;
    private static final AtomicLong bytesServed = new AtomicLong();

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        // unbounded: a write to a connection the fetcher gave up on may block until the connection is
        // closed, and a fixed pool of such writers would starve the next round's fetches on a slow machine
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        // /declared/...: with a Content-Length; /chunked/...: streamed without one (the worst case)
        server.createContext("/declared/", exchange -> serve(exchange, IMAGE_BYTES));
        server.createContext("/chunked/", exchange -> serve(exchange, 0));
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private static void serve(HttpExchange exchange, long length) {
        try (exchange; OutputStream out = exchange.getResponseBody()) {
            exchange.getResponseHeaders().set("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, length);
            for (int at = 0; at < IMAGE_BYTES; at += 64 * 1024) {
                int n = Math.min(64 * 1024, IMAGE_BYTES - at);
                out.write(IMAGE, at, n);
                bytesServed.addAndGet(n);
            }
        } catch (IOException e) {
            // the fetcher hung up: that is the point
        }
    }

    @Test
    void manyLargeRemoteImagesAreRefusedWithoutKeepingMemory() {
        GeminiBalanceConfig config = GeminiBalanceConfig.builder()
                .apiKeys(List.of("AIzaSyTestKey0000000000000000000000000001"))
                .baseUrl("http://127.0.0.1:9/v1beta") // never reached: the images are refused first
                .build();
        List<String> attacks = List.of(
                request(40, "/declared/"), // 40 URLs: over MAX_REMOTE_MEDIA, nothing fetched
                request(16, "/chunked/"), // 16 x 19 MB streamed: over MAX_MEDIA_TOTAL_BYTES
                request(16, "/declared/")); // 16 x 19 MB declared: over MAX_MEDIA_TOTAL_BYTES
        long baseline;
        long after;
        resetPeaks();
        try (GeminiBalance gb = GeminiBalance.builder(config).scheduleKeyChecks(false)
                .mediaAddressPolicy(InetAddress::isLoopbackAddress).build()) {
            attack(gb, attacks.get(1)); // warm up class loading and the HTTP client
            baseline = heapAfterGc();
            for (int round = 0; round < 10; round++) {
                attack(gb, attacks.get(0));
                attack(gb, attacks.get(1 + round % 2));
            }
            after = heapAfterGc();
        }
        System.out.printf("remote media attacks, 10 rounds: baseline %d MB, after %d MB, heap peak (sum of pools) %d MB,"
                + " served %d MB%n", baseline >> 20, after >> 20, peakHeap() >> 20, bytesServed.get() >> 20);

        assertThat(after).isLessThan(baseline + SLACK);
    }

    private static void attack(GeminiBalance gb, String request) {
        ChatCompletionRequest parsed;
        try {
            parsed = Json.mapper().readValue(request, ChatCompletionRequest.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        try {
            gb.chat(parsed).join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(InvalidRequestException.class);
            InvalidRequestException refused = (InvalidRequestException) e.getCause();
            assertThat(refused.httpStatus()).isEqualTo(400);
            assertThat(refused.getMessage()).containsAnyOf("MAX_REMOTE_MEDIA", "MAX_MEDIA_TOTAL_BYTES");
            return;
        }
        throw new AssertionError("the attack was not refused");
    }

    private static String request(int images, String path) {
        StringBuilder parts = new StringBuilder("{\"type\":\"text\",\"text\":\"describe\"}");
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + path;
        for (int i = 0; i < images; i++) {
            parts.append(",{\"type\":\"image_url\",\"image_url\":{\"url\":\"").append(base).append(i)
                    .append(".png\"}}");
        }
        return "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":[" + parts + "]}]}";
    }

    /** The smallest used heap seen over a few full collections (a collection may leave some garbage). */
    private static long heapAfterGc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
}
