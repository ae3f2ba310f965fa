package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.geminibalance.config.GeminiBalanceConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams are relayed event by event, never buffered: the fake upstream holds back the rest of its
 * answer until the client has seen the first chunk through the proxy (a buffering proxy would deadlock
 * here and the test would time out). And a client that hangs up ends the upstream call.
 */
class StreamingRelayTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String ENDLESS_MODEL = "gemini-endless";

    private HttpServer upstream;
    private TestServer server;
    private final CountDownLatch clientSawFirstChunk = new CountDownLatch(1);
    private final CompletableFuture<Boolean> upstreamNoticedHangUp = new CompletableFuture<>();

    private static String event(String text, boolean last) {
        return "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"" + text + "\"}],\"role\": \"model\"}"
                + (last ? ",\"finishReason\": \"STOP\"" : "") + ",\"index\": 0}],"
                + "\"usageMetadata\": {\"promptTokenCount\": 4,\"totalTokenCount\": 9},"
                + "\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"cmVsYXk\"}\r\n\r\n";
    }

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        upstream.createContext("/v1beta/models/" + MODEL + ":streamGenerateContent", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(event("first", false).getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (!clientSawFirstChunk.await(20, TimeUnit.SECONDS)) {
                    return; // the proxy buffered: give up, the client will miss the rest
                }
                out.write(event(" second", true).getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        upstream.createContext("/v1beta/models/" + ENDLESS_MODEL + ":streamGenerateContent", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                keepTalkingUntilTheProxyHangsUp(out);
            } catch (IOException | InterruptedException e) {
                upstreamNoticedHangUp.complete(true);
            }
        });
        upstream.start();
        GeminiBalanceConfig config = GeminiBalanceConfig.builder()
                .apiKeys(List.of("AIzaSyTEST-stream-key-01"))
                .baseUrl("http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1beta")
                .build();
        server = TestServer.start(config);
    }

    private void keepTalkingUntilTheProxyHangsUp(OutputStream out) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try {
                out.write(event(" more", false).getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException closed) {
                upstreamNoticedHangUp.complete(true);
                return;
            }
            Thread.sleep(100);
        }
        upstreamNoticedHangUp.complete(false);
    }

    @AfterEach
    void stop() {
        server.close();
        upstream.stop(0);
    }

    private HttpRequest streamRequest(String model) {
        return HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + TestServer.TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + model + "\", \"stream\": true, "
                        + "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"))
                .build();
    }

    @Test
    void chunksReachTheClientWhileUpstreamIsStillStreaming() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> response = client.send(streamRequest(MODEL), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);

        StringBuilder seen = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains("\"content\":\"first\"")) {
                    clientSawFirstChunk.countDown();
                }
            }
        }

        assertThat(clientSawFirstChunk.getCount()).isZero();
        assertThat(seen.toString()).contains("\"content\":\" second\"").endsWith("data: [DONE]\n\n");
    }

    @Test
    void clientHangingUpEndsTheUpstreamCall() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> response =
                client.send(streamRequest(ENDLESS_MODEL), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).startsWith("data: ");
        } // closing the body closes the connection

        assertThat(upstreamNoticedHangUp.get(30, TimeUnit.SECONDS)).as("upstream write failed after hang-up").isTrue();
    }
}
