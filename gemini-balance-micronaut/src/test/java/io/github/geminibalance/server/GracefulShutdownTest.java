package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.micronaut.runtime.graceful.GracefulShutdownConfiguration;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to the server process ({@link Application#main} in a child JVM) while 20 slow streams run:
 * new connections are refused, every stream finishes with its full content and {@code [DONE]}, and the
 * process exits with code 0.
 */
class GracefulShutdownTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final int STREAMS = 20;
    private static final int EVENTS = 8;

    @TempDir
    Path workDir;

    @Test
    void sigtermLetsRunningStreamsFinishAndExitsZero() throws Exception {
        CountDownLatch streamsStarted = new CountDownLatch(STREAMS);
        HttpServer upstream = slowUpstream(streamsStarted);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process process = startServer(port, upstream.getAddress().getPort());
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            awaitHealth(client, port, process);

            List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                streams.add(client.sendAsync(chat(port), HttpResponse.BodyHandlers.ofString()));
            }
            assertThat(streamsStarted.await(60, TimeUnit.SECONDS)).as("all streams started").isTrue();
            long t0 = System.nanoTime();
            process.destroy(); // SIGTERM

            long refusedAfterMs = awaitRefused(port);
            long runningAtRefusal = streams.stream().filter(f -> !f.isDone()).count();
            for (CompletableFuture<HttpResponse<String>> stream : streams) {
                HttpResponse<String> response = stream.get(60, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).contains("data: [DONE]");
                for (int e = 0; e < EVENTS; e++) {
                    assertThat(response.body()).contains("part" + e + ".");
                }
            }
            long streamsDoneMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
            long exitMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("SIGTERM: new connections refused after %d ms (%d of %d streams still running), "
                    + "all streams complete after %d ms, exit %d after %d ms%n", refusedAfterMs, runningAtRefusal,
                    STREAMS, streamsDoneMs, process.exitValue(), exitMs);

            assertThat(process.exitValue()).isEqualTo(0);
            String output = Files.readString(workDir.resolve("out.txt")) + Files.readString(workDir.resolve("err.txt"));
            assertThat(output).doesNotContain("\tat ").doesNotContain("ERROR");
        } finally {
            process.destroyForcibly();
            upstream.stop(0);
        }
    }

    @Test
    void shutdownGraceSetsTheGracePeriod() {
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(List.of("AIzaSyTEST-grace-0001"))
                .baseUrl("http://127.0.0.1:9/v1beta").build();
        try (TestServer server = TestServer.start(config,
                ServerSettings.defaults().withShutdownGrace(Duration.ofSeconds(7)), java.util.Map.of())) {
            GracefulShutdownConfiguration grace = server.context().getBean(GracefulShutdownConfiguration.class);
            assertThat(grace.isEnabled()).isTrue();
            assertThat(grace.getGracePeriod()).isEqualTo(Duration.ofSeconds(7));
        }
    }

    /** Every stream: one event, then the rest at 400 ms intervals (about 3 s in all). */
    private static HttpServer slowUpstream(CountDownLatch started) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        http.setExecutor(Executors.newCachedThreadPool());
        http.createContext("/v1beta/models/" + MODEL + ":streamGenerateContent", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int e = 0; e < EVENTS; e++) {
                    out.write(ClientTimeoutsTest.event("part" + e + ".", e == EVENTS - 1)
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    if (e == 0) {
                        started.countDown();
                    }
                    Thread.sleep(400);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        http.start();
        return http;
    }

    private Process startServer(int port, int upstreamPort) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Application.class.getName())
                .directory(workDir.toFile())
                .redirectOutput(workDir.resolve("out.txt").toFile())
                .redirectError(workDir.resolve("err.txt").toFile());
        pb.environment().keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
        pb.environment().put("API_KEYS", "[\"AIzaSyTEST-shutdown-0001\"]");
        pb.environment().put("ALLOWED_TOKENS", "[\"" + TestServer.TOKEN + "\"]");
        pb.environment().put("BASE_URL", "http://127.0.0.1:" + upstreamPort + "/v1beta");
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("SHUTDOWN_GRACE", "30");
        return pb.start();
    }

    private static HttpRequest chat(int port) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + TestServer.TOKEN)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + MODEL + "\", \"stream\": true, "
                        + "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"))
                .build();
    }

    private static void awaitHealth(HttpClient client, int port, Process process) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build();
        for (int i = 0; i < 600 && process.isAlive(); i++) {
            try {
                if (client.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("server did not start; alive=" + process.isAlive());
    }

    /** Milliseconds until a new connection is refused (safety net 30 s). */
    private static long awaitRefused(int port) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < 3_000; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            } catch (ConnectException refused) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("new connections were still accepted 30 s after SIGTERM");
    }
}
