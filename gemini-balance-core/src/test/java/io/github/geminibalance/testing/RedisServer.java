package io.github.geminibalance.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real redis-server on a free loopback port, started and stopped by the test. Without the binary
 * the tests fail when {@code CI=true} (CI installs it) and are skipped otherwise.
 */
public final class RedisServer implements AutoCloseable {

    private final Path binary;
    private final int port;
    private final Path logFile;
    private Process process;

    private RedisServer(Path binary, int port) {
        this.binary = binary;
        this.port = port;
        this.logFile = Path.of("target", "redis-server-" + port + ".log");
    }

    /** A server on a free port, not started yet; fails or skips the test without the binary. */
    public static RedisServer onFreePort() {
        return new RedisServer(binary(), freePort());
    }

    /** A server on a free port, started. */
    public static RedisServer started() {
        RedisServer server = onFreePort();
        server.start();
        return server;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    private static Path binary() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, "redis-server");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        Path usual = Path.of("/usr/bin/redis-server");
        if (Files.isExecutable(usual)) {
            return usual;
        }
        String message = "redis-server is not installed (apt-get install -y redis-server); "
                + "the Redis key state tests need a real one";
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server and waits until it answers PING. */
    public void start() {
        try {
            Files.createDirectories(logFile.getParent());
            process = new ProcessBuilder(binary.toString(), "--bind", "127.0.0.1", "--port", Integer.toString(port),
                    "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + binary, e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("redis-server exited with " + process.exitValue() + "; see " + logFile.toAbsolutePath());
            }
            if (ping()) {
                return;
            }
            sleep(20);
        }
        fail("redis-server did not answer PING on port " + port + " within 10 s; see " + logFile.toAbsolutePath());
    }

    /** Stops the server by its process and waits for it to exit. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public boolean ping() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
