package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.geminibalance.config.GeminiBalanceConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Native streams are relayed as they arrive, in both of Gemini's stream formats: the upstream holds
 * back the rest of its answer until the client has seen the first piece through the proxy (a buffering
 * proxy would leave the client waiting and the test would fail). A client hang-up ends the upstream call.
 */
class NativeStreamingTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String ENDLESS_MODEL = "gemini-endless";
    private static final String FIRST = "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"first\"}],\"role\": \"model\"},\"index\": 0}]}";
    private static final String SECOND = "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" second\"}],\"role\": \"model\"},"
            + "\"finishReason\": \"STOP\",\"index\": 0}]}";

    private HttpServer upstream;
    private TestServer server;
    private final CountDownLatch clientSawFirst = new CountDownLatch(1);
    private final CompletableFuture<Boolean> upstreamNoticedHangUp = new CompletableFuture<>();

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newCachedThreadPool());
        upstream.createContext("/v1beta/models/" + MODEL + ":streamGenerateContent", exchange -> {
            exchange.getRequestBody().readAllBytes();
            boolean sse = "alt=sse".equals(exchange.getRequestURI().getRawQuery());
            exchange.getResponseHeaders().add("Content-Type", sse ? "text/event-stream" : "application/json; charset=UTF-8");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write((sse ? "data: " + FIRST + "\r\n\r\n" : "[" + FIRST).getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (!clientSawFirst.await(20, TimeUnit.SECONDS)) {
                    return; // the proxy buffered: the client will miss the rest
                }
                out.write((sse ? "data: " + SECOND + "\r\n\r\n" : "\r\n,\r\n" + SECOND + "\r\n]").getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        upstream.createContext("/v1beta/models/" + ENDLESS_MODEL + ":streamGenerateContent", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 200; i++) {
                    out.write(("data: " + FIRST + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(100);
                }
                upstreamNoticedHangUp.complete(false);
            } catch (IOException e) {
                upstreamNoticedHangUp.complete(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        upstream.start();
        GeminiBalanceConfig config = GeminiBalanceConfig.builder()
                .apiKeys(List.of("AIzaSyTEST-native-stream-1"))
                .baseUrl("http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1beta")
                .build();
        server = TestServer.start(config);
    }

    @AfterEach
    void stop() {
        server.close();
        upstream.stop(0);
    }

    private HttpResponse<InputStream> stream(String model, String query) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/v1beta/models/" + model
                        + ":streamGenerateContent" + query))
                .header("x-goog-api-key", TestServer.TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}"))
                .build();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    @ParameterizedTest
    @CsvSource({"?alt=sse, text/event-stream", "'', application/json"})
    void piecesReachTheClientWhileGeminiIsStillStreaming(String query, String contentType) throws Exception {
        HttpResponse<InputStream> response = stream(MODEL, query);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith(contentType));

        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = body.read(buffer)) >= 0) {
                seen.write(buffer, 0, n);
                if (seen.toString(StandardCharsets.UTF_8).contains("\"first\"")) {
                    clientSawFirst.countDown();
                }
            }
        }

        String expected = query.isEmpty() ? "[" + FIRST + "\r\n,\r\n" + SECOND + "\r\n]"
                : "data: " + FIRST + "\r\n\r\ndata: " + SECOND + "\r\n\r\n";
        assertThat(seen.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void clientHangingUpEndsTheUpstreamCall() throws Exception {
        HttpResponse<InputStream> response = stream(ENDLESS_MODEL, "?alt=sse");
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream body = response.body()) {
            assertThat(body.read(new byte[16])).isPositive();
        } // closing the body closes the connection

        assertThat(upstreamNoticedHangUp.get(30, TimeUnit.SECONDS)).as("upstream write failed after hang-up").isTrue();
    }
}
