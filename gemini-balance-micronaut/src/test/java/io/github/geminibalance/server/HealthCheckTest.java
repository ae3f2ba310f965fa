package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Docker image's probe ({@link HealthCheck}) against a stand-in server: no Micronaut needed. */
class HealthCheckTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private HttpServer server;
    private ExecutorService handlers;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> reply(exchange, 200, "{\"status\":\"UP\"}"));
        server.createContext("/down", exchange -> reply(exchange, 503, "{\"status\":\"DOWN\"}"));
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(exchange, 200, "late");
        });
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        handlers.shutdownNow();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void healthyOnlyWhen200() {
        assertThat(HealthCheck.check(uri("/health"), TIMEOUT)).isTrue();
        assertThat(HealthCheck.check(uri("/down"), TIMEOUT)).isFalse();
        assertThat(HealthCheck.check(uri("/missing"), TIMEOUT)).isFalse();
    }

    @Test
    void unhealthyWhenNothingListensOrTheAnswerIsLate() throws IOException {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = socket.getLocalPort();
        }
        assertThat(HealthCheck.check(URI.create("http://127.0.0.1:" + freePort + "/health"), TIMEOUT)).isFalse();
        assertThat(HealthCheck.check(uri("/slow"), Duration.ofMillis(300))).isFalse();
    }

    @Test
    void findsThePortAsTheServerDoes(@TempDir Path dir) throws IOException {
        Path none = dir.resolve("absent.env");
        assertThat(HealthCheck.healthUri(Map.of(), none)).isEqualTo(URI.create("http://127.0.0.1:8000/health"));
        assertThat(HealthCheck.port(Map.of("PORT", "7860"), none)).isEqualTo(7860);
        assertThat(HealthCheck.port(Map.of("PORT", "7860", "MICRONAUT_SERVER_PORT", "9000"), none)).isEqualTo(9000);

        Path dotEnv = dir.resolve(".env");
        Files.writeString(dotEnv, "# settings\nAPI_KEYS=[\"k\"]\nexport PORT = \"8123\"\n");
        assertThat(HealthCheck.port(Map.of(), dotEnv)).isEqualTo(8123);
        assertThat(HealthCheck.port(Map.of("PORT", "7860"), dotEnv)).as("the environment wins").isEqualTo(7860);
        assertThat(HealthCheck.port(Map.of("PORT", "not-a-port"), dotEnv)).isEqualTo(8123);

        Files.writeString(dotEnv, "PORT=8124 # the port\n");
        assertThat(HealthCheck.port(Map.of(), dotEnv)).isEqualTo(8124);

        Files.writeString(dotEnv, "#PORT=1\nPORT=\n");
        assertThat(HealthCheck.port(Map.of(), dotEnv)).as("blank means the default").isEqualTo(8000);
    }
}
