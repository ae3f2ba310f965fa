package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code MAX_REQUEST_BYTES} is the server's real body limit (declared or chunked), and bodies, headers and
 * request lines over their limits get 413, 431 and 414 in the error shape of the route they were sent
 * to, with messages that name no framework setting.
 */
class LimitsTest {

    private static final long SMALL = 64 * 1024;

    private static FakeGemini gemini;
    private static TestServer small;
    private static TestServer standard;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start();
        small = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-key-0001")).build(),
                ServerSettings.defaults().withMaxRequestBytes(SMALL), Map.of());
        standard = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-key-0001")).build(),
                ServerSettings.defaults(), Map.of());
    }

    @AfterAll
    static void stop() {
        small.close();
        standard.close();
        gemini.close();
    }

    /**
     * A chat body of exactly {@code size} bytes whose {@code messages} is a string: the controller
     * answers 400 for it, which proves the body got past the size limit without calling Gemini.
     */
    private static byte[] bodyOf(long size) {
        String prefix = "{\"model\": \"gemini-2.5-flash\", \"messages\": \"";
        String suffix = "\"}";
        byte[] body = new byte[(int) size];
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        byte[] s = suffix.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(p, 0, body, 0, p.length);
        java.util.Arrays.fill(body, p.length, body.length - s.length, (byte) 'x');
        System.arraycopy(s, 0, body, body.length - s.length, s.length);
        return body;
    }

    private static HttpResponse<String> post(TestServer server, String path, byte[] body, boolean chunked)
            throws Exception {
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        return server.send(server.request(path, TestServer.TOKEN).header("Content-Type", "application/json")
                .POST(publisher).build());
    }

    private static JsonNode openAiError(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode error = Json.mapper().readTree(response.body()).path("error");
        assertThat(error.has("type") && error.has("param") && error.has("code") && error.has("message")).isTrue();
        assertNoFrameworkNames(error.path("message").asText());
        return error;
    }

    private static JsonNode geminiError(String body, int status) throws Exception {
        JsonNode error = Json.mapper().readTree(body).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(status);
        assertThat(error.path("status").asText()).isNotEmpty();
        assertThat(error.has("type")).isFalse();
        assertNoFrameworkNames(error.path("message").asText());
        return error;
    }

    private static void assertNoFrameworkNames(String message) {
        assertThat(message).isNotBlank().doesNotContainIgnoringCase("micronaut").doesNotContain("Exception")
                .doesNotContain("max-request").doesNotContain("netty");
    }

    @Test
    void bodyAtTheLimitIsAcceptedAndOneByteMoreIs413() throws Exception {
        HttpResponse<String> at = post(small, "/v1/chat/completions", bodyOf(SMALL), false);
        HttpResponse<String> over = post(small, "/v1/chat/completions", bodyOf(SMALL + 1), false);

        assertThat(at.statusCode()).as(at.body()).isEqualTo(400);
        JsonNode error = openAiError(over, 413);
        assertThat(error.path("code").asText()).isEqualTo("request_too_large");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).contains("65536 bytes");
        assertThat(over.headers().firstValue("x-request-id")).as("answered before the framework, still with an id")
                .hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f]{16}"));
    }

    @Test
    void the413CarriesTheClientsRequestId() throws Exception {
        HttpResponse<String> over = small.send(small.request("/v1/chat/completions", TestServer.TOKEN)
                .header("Content-Type", "application/json").header("x-request-id", "client-id-42")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bodyOf(SMALL + 1))).build());

        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(over.headers().firstValue("x-request-id")).contains("client-id-42");
    }

    @Test
    void chunkedBodyOverTheLimitIs413() throws Exception {
        HttpResponse<String> at = post(small, "/v1/chat/completions", bodyOf(SMALL), true);
        HttpResponse<String> over = post(small, "/v1/chat/completions", bodyOf(SMALL * 3), true);

        assertThat(at.statusCode()).isEqualTo(400);
        assertThat(openAiError(over, 413).path("message").asText()).contains("65536 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1beta/models/gemini-2.5-flash:generateContent",
            "/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent"})
    void nativeRoutesGet413InGeminiShape(String path) throws Exception {
        HttpResponse<String> over = post(small, path, bodyOf(SMALL + 1), false);

        assertThat(over.statusCode()).isEqualTo(413);
        JsonNode error = geminiError(over.body(), 413);
        assertThat(error.path("status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.path("message").asText()).contains("65536 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/messages", "/hf/v1/messages/count_tokens"})
    void anthropicRoutesGet413InAnthropicShape(String path) throws Exception {
        HttpResponse<String> over = post(small, path, bodyOf(SMALL + 1), false);

        assertThat(over.statusCode()).isEqualTo(413);
        JsonNode body = Json.mapper().readTree(over.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("request_too_large");
        assertThat(body.path("error").path("message").asText()).contains("65536 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/hf/v1/chat/completions", "/admin/keys/check", "/v1/embeddings"})
    void otherRoutesGet413InOpenAiShape(String path) throws Exception {
        assertThat(openAiError(post(small, path, bodyOf(SMALL + 1), false), 413).path("code").asText())
                .isEqualTo("request_too_large");
    }

    @Test
    void thirtyMegabytesPassTheDefaultLimitAndFiftyOneMebibytesDoNot() throws Exception {
        long limit = ServerSettings.DEFAULT_MAX_REQUEST_BYTES;
        HttpResponse<String> thirty = post(standard, "/v1/chat/completions", bodyOf(30_000_000), false);
        HttpResponse<String> atLimit = post(standard, "/v1/chat/completions", bodyOf(limit), true);
        HttpResponse<String> over = post(standard, "/v1/chat/completions", bodyOf(limit + 1), false);

        assertThat(thirty.statusCode()).as(thirty.body()).isEqualTo(400);
        assertThat(atLimit.statusCode()).as(atLimit.body()).isEqualTo(400);
        assertThat(openAiError(over, 413).path("message").asText()).contains("52428800 bytes (50 MiB)");
    }

    @Test
    void headersOverTheLimitAre431InTheRoutesShape() throws Exception {
        String big = "x".repeat(20_000);
        RawConnection.Response openAi;
        RawConnection.Response nativeRoute;
        try (RawConnection c = new RawConnection(port(small))) {
            openAi = c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n")
                    .readResponse();
        }
        try (RawConnection c = new RawConnection(port(small))) {
            nativeRoute = c.send("POST /v1beta/models/gemini-2.5-flash:generateContent HTTP/1.1\r\nHost: x\r\n"
                    + "X-Big: " + big + "\r\n\r\n").readResponse();
        }

        assertThat(openAi.status()).isEqualTo(431);
        JsonNode error = Json.mapper().readTree(openAi.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("request_header_fields_too_large");
        assertNoFrameworkNames(error.path("message").asText());
        assertThat(error.path("message").asText()).doesNotContain("body");
        assertThat(nativeRoute.status()).isEqualTo(431);
        geminiError(nativeRoute.body(), 431);
    }

    @Test
    void requestLineOverTheLimitIs414() throws Exception {
        RawConnection.Response response;
        try (RawConnection c = new RawConnection(port(small))) {
            response = c.send("GET /v1/models?q=" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .readResponse();
        }

        assertThat(response.status()).isEqualTo(414);
        JsonNode error = Json.mapper().readTree(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("uri_too_long");
        assertNoFrameworkNames(error.path("message").asText());
        assertThat(error.path("message").asText()).doesNotContain("body");
    }

    private static int port(TestServer server) {
        return java.net.URI.create(server.url()).getPort();
    }
}
