package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.config.GeminiBalanceConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 20,000 silent connections, opened in waves, against a server capped at 1,000 with a 3 s read timeout:
 * the server closes the excess ones at once and the silent ones after the timeout, never runs out of
 * file descriptors, and {@code /health} answers afterwards. The client closes its side of every
 * connection the server closed, to stay under its own descriptor limit (client and server share this
 * JVM's). Timings are printed for the report, not asserted.
 */
class ConnectionFloodTest {

    private static final int TOTAL = 20_000;
    private static final int CAP = 1_000;
    private static final int WAVE = 2_000;

    @Test
    void twentyThousandSilentConnectionsThenHealthAnswers() throws Exception {
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(List.of("AIzaSyTEST-flood-0001"))
                .baseUrl("http://127.0.0.1:9/v1beta").build();
        ServerSettings settings = ServerSettings.defaults().withMaxConnections(CAP)
                .withClientTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3));
        try (TestServer server = TestServer.start(config, settings, Map.of())) {
            int port = URI.create(server.url()).getPort();
            List<SocketChannel> held = new ArrayList<>();
            int opened = 0;
            int refusedConnects = 0;
            long t0 = System.nanoTime();
            while (opened < TOTAL) {
                List<SocketChannel> wave = new ArrayList<>();
                for (int i = 0; i < WAVE && opened < TOTAL; i++, opened++) {
                    try {
                        SocketChannel s = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                        s.configureBlocking(false);
                        wave.add(s);
                    } catch (IOException e) {
                        refusedConnects++; // the accept backlog was full for a moment: also "not served"
                    }
                }
                // the server closes a connection over the cap at once: wait (safety net 30 s) until the
                // connections still open fit under the cap, closing our side of each one it closed
                held.addAll(wave);
                long deadline = System.nanoTime() + 30_000_000_000L;
                do {
                    held.removeIf(ConnectionFloodTest::closedByServer);
                } while (held.size() > CAP && System.nanoTime() < deadline && pause());
            }
            long floodMs = (System.nanoTime() - t0) / 1_000_000;
            int stillHeld = held.size();

            long h0 = System.nanoTime();
            int status = ClientTimeoutsTest.healthOnNewConnection(port);
            long healthMs = (System.nanoTime() - h0) / 1_000_000;
            System.out.printf("flood: %d connections in %d ms; %d connects refused, %d still open (silent, "
                    + "within the read timeout) at the end; /health %d after %d ms%n", opened, floodMs,
                    refusedConnects, stillHeld, status, healthMs);

            assertThat(status).isEqualTo(200);
            assertThat(stillHeld).as("the cap closed the excess").isLessThanOrEqualTo(CAP);
            for (SocketChannel s : held) {
                s.close();
            }
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(10);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static final ByteBuffer SCRATCH = ByteBuffer.allocate(64);

    /** Whether the server has closed {@code s} (EOF or reset); if so, closes our side too. */
    private static boolean closedByServer(SocketChannel s) {
        boolean closed;
        try {
            SCRATCH.clear();
            closed = s.read(SCRATCH) < 0;
        } catch (IOException reset) {
            closed = true;
        }
        if (closed) {
            try {
                s.close();
            } catch (IOException ignored) {
                // our side of a dead connection
            }
        }
        return closed;
    }
}
