package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code CLIENT_READ_TIMEOUT} and {@code CLIENT_IDLE_TIMEOUT} (1 s and 2 s here) end connections whose
 * client sends nothing, a head or a body too slowly, or sits idle between requests; a response stream
 * that stays quiet longer than both is not cut. {@code MAX_CONNECTIONS} closes excess connections at once,
 * unless a connection that has stayed silent for a second can make room.
 * Waits end by the server's doing; the printed times are for the report, not asserted.
 */
class ClientTimeoutsTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";

    private static HttpServer upstream;
    private static TestServer server;
    private static int port;

    @BeforeAll
    static void start() throws IOException {
        upstream = slowUpstream(Duration.ofMillis(3_500));
        GeminiBalanceConfig config = GeminiBalanceConfig.builder()
                .apiKeys(List.of("AIzaSyTEST-timeouts-01"))
                .baseUrl("http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1beta")
                .timeout(Duration.ofSeconds(30))
                .build();
        server = TestServer.start(config, ServerSettings.defaults()
                .withClientTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)), Map.of());
        port = URI.create(server.url()).getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
        upstream.stop(0);
    }

    /** An upstream whose stream sends one event, stays quiet for {@code pause}, then ends. */
    static HttpServer slowUpstream(Duration pause) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        http.setExecutor(Executors.newCachedThreadPool());
        http.createContext("/v1beta/models/" + MODEL + ":streamGenerateContent", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(event("Hello", false).getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(pause.toMillis());
                out.write(event(" world", true).getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        http.start();
        return http;
    }

    static String event(String text, boolean last) {
        return "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"" + text + "\"}],\"role\": \"model\"}"
                + (last ? ",\"finishReason\": \"STOP\"" : "") + ",\"index\": 0}],"
                + "\"usageMetadata\": {\"promptTokenCount\": 4,\"totalTokenCount\": 9},"
                + "\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"c2xvdw\"}\r\n\r\n";
    }

    @Test
    void silentConnectionIsClosed() throws Exception {
        try (RawConnection c = new RawConnection(port)) {
            long ms = c.millisUntilClosed();
            System.out.println("silent connection closed after " + ms + " ms (read timeout 1 s)");
            assertThat(ms).as("closed by the server").isNotNegative();
        }
    }

    @Test
    void headThatStallsIsClosed() throws Exception {
        try (RawConnection c = new RawConnection(port)) {
            c.send("GET /health HTTP/1.1\r\nHost: loc");
            long ms = c.millisUntilClosed();
            System.out.println("stalled head closed after " + ms + " ms");
            assertThat(ms).isNotNegative();
        }
    }

    @Test
    void headSentOneByteAtATimeIsClosed() throws Exception {
        // slowloris: every byte resets no timer; the whole head must arrive within the read timeout
        String head = "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "x".repeat(200) + "\r\n\r\n";
        boolean answered = false;
        long t0 = System.nanoTime();
        try (RawConnection c = new RawConnection(port)) {
            try {
                for (int i = 0; i < head.length(); i++) {
                    c.send(head.substring(i, i + 1));
                    Thread.sleep(100);
                }
                answered = c.readResponse().status() == 200;
            } catch (IOException closed) {
                answered = false;
            }
        }
        System.out.println("slow head ended after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertThat(answered).as("a 25 s head is not answered").isFalse();
    }

    @Test
    void bodyThatStallsGets408InTheRoutesShape() throws Exception {
        RawConnection.Response openAi;
        RawConnection.Response gemini;
        try (RawConnection c = new RawConnection(port)) {
            openAi = c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + TestServer.TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\"")
                    .readResponse();
            assertThat(c.millisUntilClosed()).isNotNegative();
        }
        try (RawConnection c = new RawConnection(port)) {
            gemini = c.send("POST /v1beta/models/" + MODEL + ":generateContent HTTP/1.1\r\nHost: localhost\r\n"
                    + "x-goog-api-key: " + TestServer.TOKEN + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"con\r\n")
                    .readResponse();
        }

        assertThat(openAi.status()).isEqualTo(408);
        JsonNode error = Json.mapper().readTree(openAi.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("request_timeout");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(openAi.headers()).contains("connection: close");
        assertThat(gemini.status()).isEqualTo(408);
        JsonNode native408 = Json.mapper().readTree(gemini.body()).path("error");
        assertThat(native408.path("code").asInt()).isEqualTo(408);
        assertThat(native408.path("status").asText()).isEqualTo("DEADLINE_EXCEEDED");
    }

    @Test
    void keptAliveConnectionIsClosedWhenIdle() throws Exception {
        try (RawConnection c = new RawConnection(port)) {
            assertThat(c.send(HEALTH).readResponse().status()).isEqualTo(200);
            assertThat(c.send(HEALTH).readResponse().status()).as("still usable right away").isEqualTo(200);
            long ms = c.millisUntilClosed();
            System.out.println("idle keep-alive connection closed after " + ms + " ms (idle timeout 2 s)");
            assertThat(ms).isNotNegative();
        }
    }

    @Test
    void quietStreamIsNotCut() throws Exception {
        String body = "{\"model\": \"" + MODEL + "\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        String answer;
        long t0 = System.nanoTime();
        try (RawConnection c = new RawConnection(port)) {
            RawConnection.Response response = c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + TestServer.TOKEN + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).readResponse();
            assertThat(response.status()).isEqualTo(200);
            answer = response.body();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("stream with a 3.5 s quiet gap completed after " + ms + " ms");
        assertThat(answer).contains("Hello").contains(" world").contains("data: [DONE]");
    }

    @Test
    void connectionsOverTheCapAreClosedAtOnceWhileHealthStillAnswers() throws Exception {
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(List.of("AIzaSyTEST-cap-0001"))
                .baseUrl("http://127.0.0.1:9/v1beta").build();
        List<SocketChannel> silent = new ArrayList<>();
        // the default 30 s read timeout: a connection closed well before it was closed by the cap
        try (TestServer capped = TestServer.start(config, ServerSettings.defaults().withMaxConnections(50), Map.of());
                RawConnection keptAlive = new RawConnection(URI.create(capped.url()).getPort())) {
            int cappedPort = URI.create(capped.url()).getPort();
            assertThat(keptAlive.send(HEALTH).readResponse().status()).isEqualTo(200);
            for (int i = 0; i < 50; i++) {
                SocketChannel s = SocketChannel.open(new InetSocketAddress("127.0.0.1", cappedPort));
                s.configureBlocking(false);
                silent.add(s);
            }
            // connections are admitted on several event loops, so which of the 50 is the excess one is
            // not known: wait for the server to close one of them
            long t0 = System.nanoTime();
            List<SocketChannel> closed = new ArrayList<>();
            while (closed.isEmpty() && System.nanoTime() - t0 < 20_000_000_000L) {
                for (SocketChannel s : silent) {
                    if (s.read(ByteBuffer.allocate(16)) < 0) {
                        closed.add(s);
                    }
                }
                Thread.sleep(5);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(200); // a second closure, if the cap were off by one, would show by now
            for (SocketChannel s : silent) {
                if (!closed.contains(s) && s.read(ByteBuffer.allocate(16)) < 0) {
                    closed.add(s);
                }
            }
            System.out.println("connection 51 of a cap of 50 closed after " + ms + " ms");
            assertThat(closed).as("exactly the excess connection, closed long before the read timeout").hasSize(1);
            assertThat(keptAlive.send(HEALTH).readResponse().status()).as("health on a connection within the cap")
                    .isEqualTo(200);

            silent.removeAll(closed);
            for (int i = 0; i < 10; i++) {
                silent.get(i).close();
            }
            assertThat(healthOnNewConnection(cappedPort)).as("a slot freed up").isEqualTo(200);
        } finally {
            for (SocketChannel s : silent) {
                s.close();
            }
        }
    }

    @Test
    void atTheCapAConnectionSilentForASecondMakesRoomForANewClient() throws Exception {
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(List.of("AIzaSyTEST-cap-0002"))
                .baseUrl("http://127.0.0.1:9/v1beta").build();
        List<SocketChannel> silent = new ArrayList<>();
        try (TestServer capped = TestServer.start(config, ServerSettings.defaults().withMaxConnections(50), Map.of())) {
            int cappedPort = URI.create(capped.url()).getPort();
            for (int i = 0; i < 50; i++) {
                SocketChannel s = SocketChannel.open(new InetSocketAddress("127.0.0.1", cappedPort));
                s.configureBlocking(false);
                silent.add(s);
            }
            Thread.sleep(1_500); // let them become "silent for a second"; the read timeout is 30 s

            long t0 = System.nanoTime();
            int status;
            try (RawConnection c = new RawConnection(cappedPort)) {
                status = c.send(HEALTH).readResponse().status();
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("cap full of silent connections: /health on a new connection answered in " + ms + " ms");
            assertThat(status).isEqualTo(200);
            long evicted = 0;
            for (SocketChannel s : silent) {
                evicted += s.read(ByteBuffer.allocate(16)) < 0 ? 1 : 0;
            }
            assertThat(evicted).as("silent connections closed to make room").isGreaterThanOrEqualTo(1);
        } finally {
            for (SocketChannel s : silent) {
                s.close();
            }
        }
    }

    /** GET /health on a new connection, retried while the server has not yet seen closed slots go. */
    static int healthOnNewConnection(int port) throws Exception {
        IOException last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            try (RawConnection c = new RawConnection(port)) {
                return c.send(HEALTH).readResponse().status();
            } catch (IOException refused) {
                last = refused;
                Thread.sleep(50);
            }
        }
        throw last;
    }
}
