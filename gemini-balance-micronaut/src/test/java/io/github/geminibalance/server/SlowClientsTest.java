package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that hold a connection slot without ever finishing: a request body trickled a byte at a time
 * (with or without a token), and kept-alive connections idle between requests at the cap. The read
 * timeout is 2 s; every wait ends by the server's doing, with RawConnection's 30 s safety net.
 */
class SlowClientsTest {

    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";

    private static TestServer server;
    private static int port;

    @BeforeAll
    static void start() {
        server = TestServer.start(config("AIzaSyTEST-slow-0001"), ServerSettings.defaults()
                .withClientTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(60)), Map.of());
        port = URI.create(server.url()).getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static GeminiBalanceConfig config(String key) {
        return GeminiBalanceConfig.builder().apiKeys(List.of(key))
                .baseUrl("http://127.0.0.1:9/v1beta").build();
    }

    /** Sends a space every 300 ms on {@code c} until the server closes it (or 1,000 were sent). */
    private static Thread trickle(RawConnection c) {
        Thread t = new Thread(() -> {
            try {
                for (int i = 0; i < 1_000; i++) {
                    c.send(" ");
                    Thread.sleep(300);
                }
            } catch (IOException | InterruptedException closed) {
                // the server closed the connection: the point of the test
            }
        }, "trickle");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void unauthenticatedTrickledBodyIsClosedSoonAfterThe401() throws Exception {
        try (RawConnection c = new RawConnection(port)) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n");
            Thread t = trickle(c);
            assertThat(c.readResponse().status()).isEqualTo(401);
            // before: the guard waited for the rest of the body (300 s at this pace), holding the slot
            assertThat(c.millisUntilClosed()).as("closed by the server, not by the safety net").isNotNegative();
            t.interrupt();
        }
    }

    @Test
    void authenticatedBodyTrickledFasterThanTheReadTimeoutGets408() throws Exception {
        try (RawConnection c = new RawConnection(port)) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + TestServer.TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n");
            Thread t = trickle(c);
            // each byte comes well within the read timeout, but the whole body is far too slow
            RawConnection.Response response = c.readResponse();
            t.interrupt();
            assertThat(response.status()).isEqualTo(408);
            JsonNode error = Json.mapper().readTree(response.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("request_timeout");
            assertThat(error.path("message").asText()).contains("too slowly");
            assertThat(response.headers()).contains("connection: close");
        }
    }

    @Test
    void chunkedBodyTrickledGets408() throws Exception {
        try (RawConnection c = new RawConnection(port)) {
            c.send("POST /v1beta/models/gemini-2.5-flash:generateContent HTTP/1.1\r\nHost: localhost\r\n"
                    + "x-goog-api-key: " + TestServer.TOKEN + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < 1_000; i++) {
                        c.send("1\r\n \r\n");
                        Thread.sleep(300);
                    }
                } catch (IOException | InterruptedException closed) {
                    // closed by the server
                }
            });
            t.setDaemon(true);
            t.start();
            RawConnection.Response response = c.readResponse();
            t.interrupt();
            assertThat(response.status()).isEqualTo(408);
            assertThat(Json.mapper().readTree(response.body()).path("error").path("status").asText())
                    .isEqualTo("DEADLINE_EXCEEDED");
        }
    }

    @Test
    void atTheCapAConnectionIdleBetweenRequestsMakesRoom() throws Exception {
        List<RawConnection> idle = new ArrayList<>();
        // the default 60 s idle timeout here: without eviction the five would hold the cap for a minute
        try (TestServer capped = TestServer.start(config("AIzaSyTEST-slow-0002"),
                ServerSettings.defaults().withMaxConnections(5), Map.of())) {
            int cappedPort = URI.create(capped.url()).getPort();
            for (int i = 0; i < 5; i++) {
                RawConnection c = new RawConnection(cappedPort);
                idle.add(c);
                assertThat(c.send(HEALTH).readResponse().status()).isEqualTo(200);
            }
            Thread.sleep(1_500); // let them become "quiet for a second"

            int status;
            try (RawConnection c = new RawConnection(cappedPort)) {
                status = c.send(HEALTH).readResponse().status();
            }
            assertThat(status).as("a kept-alive idle connection made room").isEqualTo(200);
            int closed = 0;
            for (RawConnection c : idle) {
                try {
                    closed += c.send(HEALTH).readResponse().status() == 200 ? 0 : 1;
                } catch (IOException gone) {
                    closed++;
                }
            }
            assertThat(closed).as("exactly one idle connection was evicted").isEqualTo(1);
        } finally {
            for (RawConnection c : idle) {
                c.close();
            }
        }
    }

    @Test
    void closedConnectionsAreNotKeptTracked() throws Exception {
        ClientConnections connections = server.context().getBean(ClientConnections.class);
        for (int i = 0; i < 300; i++) {
            try (RawConnection c = new RawConnection(port)) {
                assertThat(c.send(HEALTH).readResponse().status()).isEqualTo(200);
            }
        }
        // closes reach the server asynchronously: wait (safety net 30 s) until the open count settles
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (connections.open() > 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // before: every guard stayed in the tracker until 2 x MAX_CONNECTIONS + 64 entries piled up
        assertThat(connections.tracked()).as("tracked guards follow the open connections")
                .isLessThanOrEqualTo(connections.open() + 2);
    }
}
