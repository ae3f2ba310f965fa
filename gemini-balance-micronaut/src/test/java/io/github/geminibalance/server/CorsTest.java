package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.testing.FakeGemini;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code CORS_ALLOWED_ORIGINS}: {@code *} by default for the client API; with a list, only listed origins
 * get CORS headers (their origin echoed, plus {@code Vary: Origin}); requested headers are filtered
 * through a fixed list; {@code /admin} never gets CORS headers.
 */
class CorsTest {

    private static final String ADMIN_TOKEN = "admin-token-for-cors";
    private static final String ALLOWED = "https://chat.example.com";

    private static FakeGemini gemini;
    private static TestServer open;
    private static TestServer listed;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start();
        gemini.models(List.of("gemini-2.5-flash"), 50);
        var config = TestServer.config(gemini, List.of("AIzaSyTEST-cors-0001")).build();
        var serverConfig = TestServer.serverConfig().withAuthToken(ADMIN_TOKEN);
        open = TestServer.start(config, serverConfig, ServerSettings.defaults(), Map.of());
        listed = TestServer.start(config, serverConfig, ServerSettings.defaults()
                .withCorsAllowedOrigins(List.of(ALLOWED, "http://localhost:3000")), Map.of());
    }

    @AfterAll
    static void stop() {
        open.close();
        listed.close();
        gemini.close();
    }

    private static HttpResponse<String> preflight(TestServer server, String path, String origin, String headers)
            throws Exception {
        return server.send(server.request(path, null).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", headers).build());
    }

    private static HttpResponse<String> get(TestServer server, String path, String token, String origin)
            throws Exception {
        return server.send(server.request(path, token).header("Origin", origin).GET().build());
    }

    private static boolean hasAnyAllowHeader(HttpHeaders headers) {
        return headers.map().keySet().stream().anyMatch(h -> h.toLowerCase().startsWith("access-control-allow"));
    }

    @Test
    void defaultAllowsAnyOriginWithAFixedHeaderList() throws Exception {
        HttpResponse<String> response = preflight(open, "/v1/chat/completions", "https://anywhere.example",
                "authorization, content-type, x-stainless-os, x-goog-api-key, cookie, x-evil");

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
                .contains("authorization, content-type, x-stainless-os, x-goog-api-key");
        assertThat(get(open, "/v1/models", TestServer.TOKEN, "https://anywhere.example").headers()
                .firstValue("Access-Control-Allow-Origin")).contains("*");
    }

    @Test
    void listedOriginIsEchoedWithVary() throws Exception {
        HttpResponse<String> pre = preflight(listed, "/v1/chat/completions", ALLOWED, "authorization, content-type");
        HttpResponse<String> actual = get(listed, "/v1/models", TestServer.TOKEN, ALLOWED);
        HttpResponse<String> refused = get(listed, "/v1/models", null, ALLOWED);

        assertThat(pre.statusCode()).isEqualTo(204);
        assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED);
        assertThat(pre.headers().allValues("Vary")).contains("Origin");
        assertThat(actual.statusCode()).isEqualTo(200);
        assertThat(actual.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED);
        assertThat(actual.headers().allValues("Vary")).containsOnlyOnce("Origin");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED);
    }

    @Test
    void otherOriginsGetNoCorsHeaders() throws Exception {
        HttpResponse<String> pre = preflight(listed, "/v1/chat/completions", "https://evil.example", "authorization");
        HttpResponse<String> actual = get(listed, "/v1/models", TestServer.TOKEN, "https://evil.example");

        assertThat(pre.statusCode()).isEqualTo(403);
        assertThat(hasAnyAllowHeader(pre.headers())).isFalse();
        assertThat(actual.statusCode()).isEqualTo(200); // not a browser: it can read it anyway
        assertThat(hasAnyAllowHeader(actual.headers())).isFalse();
        assertThat(actual.headers().allValues("Vary")).contains("Origin");
    }

    @Test
    void adminNeverGetsCorsHeaders() throws Exception {
        for (TestServer server : List.of(open, listed)) {
            HttpResponse<String> pre = preflight(server, "/admin/keys", ALLOWED, "authorization");
            HttpResponse<String> actual = get(server, "/admin/keys", ADMIN_TOKEN, ALLOWED);

            assertThat(pre.statusCode()).isEqualTo(403);
            assertThat(hasAnyAllowHeader(pre.headers())).isFalse();
            assertThat(actual.statusCode()).isEqualTo(200);
            assertThat(hasAnyAllowHeader(actual.headers())).isFalse();
        }
    }
}
