package io.github.geminibalance.server;

import static io.github.geminibalance.server.LogCapture.fields;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A stream the client leaves is logged when it leaves, with the tokens counted so far. */
class AccessLogHangUpTest {

    private static final String MODEL = "gemini-endless";

    private HttpServer upstream;
    private TestServer server;
    private LogCapture access;

    private static String event(String text) {
        return "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"" + text + "\"}],\"role\": \"model\"},"
                + "\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 4,\"candidatesTokenCount\": 5,"
                + "\"totalTokenCount\": 9}}\r\n\r\n";
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
                for (int i = 0; i < 300; i++) { // until the proxy hangs up
                    out.write(event("more").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException hungUp) {
                // expected
            }
        });
        upstream.start();
        access = LogCapture.of(AccessLog.LOGGER, Level.INFO);
        server = TestServer.start(GeminiBalanceConfig.builder().apiKeys(List.of("AIzaSyTEST-hangup-key-01"))
                .baseUrl("http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1beta").build());
    }

    @AfterEach
    void stop() {
        access.close();
        server.close();
        upstream.stop(0);
    }

    @Test
    void aStreamTheClientLeavesIsLoggedWhenItLeaves() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(server.url()
                        + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + TestServer.TOKEN).header("Content-Type", "application/json")
                .header("x-request-id", "hangup-1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + MODEL + "\", \"stream\": true, "
                        + "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).startsWith("data: ");
            assertThat(access.events()).noneMatch(e -> "hangup-1".equals(fields(e).get("request_id")));
        } // closing the body closes the connection

        Map<String, Object> f = fields(access.accessLine("hangup-1"));
        assertThat(f).containsEntry("stream", true).containsEntry("status", 200).containsEntry("prompt_tokens", 4)
                .containsEntry("total_tokens", 9).containsKey("ttfb_ms");
    }
}
