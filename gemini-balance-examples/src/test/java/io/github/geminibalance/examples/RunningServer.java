package io.github.geminibalance.examples;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real gemini-balance server, {@code gemini-balance-server.jar}, started as a child process in an
 * empty working directory (so no stray {@code .env} is read), on a free loopback port. Its output goes
 * to {@code target/server-<port>.log}.
 */
final class RunningServer implements AutoCloseable {

    static final String TOKEN = "sk-examples-test-token";

    private final Process process;
    private final int port;
    private final Path log;

    private RunningServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the server with the given keys and Gemini base URL and waits until {@code /health} answers.
     * Skips the calling test (an assumption) when the jar has not been built.
     */
    static RunningServer start(String apiKeys, String geminiBaseUrl) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("server.jar",
                "../gemini-balance-micronaut/target/gemini-balance-server.jar")).toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(jar), "The server jar " + jar + " is missing: build it first "
                + "(mvn -B -ntp verify from the root builds it before these tests)");
        int port = freePort();
        Path workDir = Files.createTempDirectory("gemini-balance-server");
        Path log = Path.of("target", "server-" + port + ".log").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("API_KEYS", apiKeys);
        builder.environment().put("ALLOWED_TOKENS", "[\"" + TOKEN + "\"]");
        builder.environment().put("BASE_URL", geminiBaseUrl);
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("MICRONAUT_SERVER_HOST", "127.0.0.1");
        builder.environment().remove("AUTH_TOKEN");
        builder.environment().remove("REDIS_URL");
        RunningServer server = new RunningServer(builder.start(), port, log);
        try {
            server.awaitHealth();
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The server's OpenAI base URL, {@code http://127.0.0.1:<port>/v1}. */
    String openAiBaseUrl() {
        return "http://127.0.0.1:" + port + "/v1";
    }

    private void awaitHealth() throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        // a start-up deadline, not a performance assertion: a cold JVM on a busy machine takes seconds
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with code " + process.exitValue() + ": "
                        + output());
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the server did not answer /health within 90 s: " + output());
    }

    /** What the server printed so far. */
    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL if it lingers). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
