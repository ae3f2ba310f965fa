package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.KeyState;
import io.github.geminibalance.KeyStatus;
import io.github.geminibalance.config.UpstreamOptions;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.spi.HttpTransport.Proxy;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code PROXIES} and {@code CUSTOM_HEADERS} through the running server: calls to the fake Gemini go
 * through a test HTTP CONNECT or SOCKS5 proxy (which checks the credentials), a dead proxy is passed over
 * without charging the key, the proxies show in the admin API and {@code /health}, and no password or key
 * reaches a log.
 */
class ProxiesTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String KEY = "AIzaSyPROXY-test-key-000000001";
    private static final String USER = "gb-user";
    private static final String PASSWORD = "pr0xy-p@ss:word";
    private static final String ENCODED = "pr0xy-p%40ss%3Aword";
    private static final String ADMIN = "admin-proxies-token-01";
    private static final String CHAT = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String NATIVE = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}";

    private FakeGemini gemini;
    private TestServer server;
    private final List<TestProxy> proxies = new java.util.ArrayList<>();

    @BeforeEach
    void fake() {
        gemini = FakeGemini.start().generateContent(MODEL, null, GeminiFixtures.textResponse("Hello through the proxy."));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        for (TestProxy p : proxies) {
            p.close();
        }
        gemini.close();
    }

    private TestProxy proxy(TestProxy p) {
        proxies.add(p);
        return p;
    }

    private void start(List<String> proxyUrls, boolean byKey, Map<String, String> headers) {
        UpstreamOptions upstream = new UpstreamOptions(proxyUrls.stream().map(Proxy::parse).toList(), byKey, headers,
                List.of(), UpstreamOptions.DEFAULTS.vertexBaseUrl(), false);
        server = TestServer.start(TestServer.config(gemini, List.of(KEY)).upstream(upstream).build(),
                TestServer.serverConfig().withAuthToken(ADMIN));
    }

    private String target() {
        return "127.0.0.1:" + gemini.server().port();
    }

    private HttpResponse<String> nativeCall() throws Exception {
        return server.send(server.request("/v1beta/models/" + MODEL + ":generateContent", null)
                .header("x-goog-api-key", TestServer.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(NATIVE)).build());
    }

    private KeyStatus key() {
        return server.context().getBean(GeminiBalance.class).keyStatus().get(0);
    }

    private JsonNode admin(String path) throws Exception {
        return Json.mapper().readTree(server.send(server.request(path, ADMIN).GET().build()).body());
    }

    @Test
    void anHttpConnectProxyWithCredentialsCarriesEveryCallWithTheCustomHeaders() throws Exception {
        TestProxy connect = proxy(TestProxy.connect(USER, PASSWORD));
        start(List.of("http://" + USER + ":" + ENCODED + "@127.0.0.1:" + connect.port()), true,
                Map.of("X-Team", "blue", "x-trace", "t-1"));

        assertThat(nativeCall().statusCode()).isEqualTo(200);
        HttpResponse<String> chat = server.postJson("/v1/chat/completions", CHAT);
        assertThat(chat.statusCode()).isEqualTo(200);
        assertThat(chat.body()).contains("Hello through the proxy.");

        assertThat(connect.handshakes()).isNotEmpty().allSatisfy(h -> {
            assertThat(h.target()).isEqualTo(target());
            assertThat(h.user()).isEqualTo(USER);
            assertThat(h.password()).isEqualTo(PASSWORD);
            assertThat(h.accepted()).isTrue();
        });
        List<LoggedRequest> seen = gemini.server().findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
        assertThat(seen).hasSize(2).allSatisfy(r -> {
            assertThat(r.getHeader("x-team")).isEqualTo("blue");
            assertThat(r.getHeader("x-trace")).isEqualTo("t-1");
            assertThat(r.getHeader("x-goog-api-key")).isEqualTo(KEY);
        });

        JsonNode list = admin("/admin/proxies");
        assertThat(list.path("proxies").get(0).path("url").asText())
                .isEqualTo("http://***:***@127.0.0.1:" + connect.port());
        assertThat(list.path("proxies").get(0).path("healthy").asBoolean()).isTrue();
        assertThat(list.path("consistent_by_key").asBoolean()).isTrue();
        assertThat(list.toString()).doesNotContain(PASSWORD).doesNotContain(USER);
    }

    @Test
    void aSocks5ProxyWithCredentialsCarriesTheCalls() throws Exception {
        TestProxy socks = proxy(TestProxy.socks5(USER, PASSWORD));
        start(List.of("socks5://" + USER + ":" + ENCODED + "@127.0.0.1:" + socks.port()), true, Map.of());

        assertThat(nativeCall().statusCode()).isEqualTo(200);
        assertThat(server.postJson("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);

        assertThat(socks.handshakes()).isNotEmpty().allSatisfy(h -> {
            assertThat(h.target()).isEqualTo(target());
            assertThat(h.user()).isEqualTo(USER);
            assertThat(h.password()).isEqualTo(PASSWORD);
            assertThat(h.accepted()).isTrue();
        });
        assertThat(gemini.requestCount()).isEqualTo(2);
    }

    @Test
    void aDeadProxyIsSkippedTheCallSucceedsAndTheKeyIsNotCharged() throws Exception {
        TestProxy live = proxy(TestProxy.connect(null, null));
        int dead = TestProxy.deadPort();
        // without the hash the first call starts at the first proxy: the dead one
        start(List.of("http://" + USER + ":" + ENCODED + "@127.0.0.1:" + dead, "http://127.0.0.1:" + live.port()),
                false, Map.of());

        try (LogCapture logs = LogCapture.of("io.github.geminibalance", Level.DEBUG)) {
            HttpResponse<String> answer = nativeCall();
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("Hello through the proxy.");
            assertThat(live.handshakes()).hasSize(1);

            KeyStatus key = key();
            assertThat(key.state()).isEqualTo(KeyState.ACTIVE);
            assertThat(key.consecutiveFailures()).isZero();
            assertThat(key.lastErrorStatus()).isZero();

            JsonNode list = admin("/admin/proxies").path("proxies");
            assertThat(list.get(0).path("url").asText()).isEqualTo("http://***:***@127.0.0.1:" + dead);
            assertThat(list.get(0).path("healthy").asBoolean()).isFalse();
            assertThat(list.get(0).path("failures").asLong()).isEqualTo(1);
            assertThat(list.get(0).path("resting_until").isTextual()).isTrue();
            assertThat(list.get(1).path("healthy").asBoolean()).isTrue();

            JsonNode health = Json.mapper().readTree(server.send(server.request("/health", null).GET().build()).body());
            assertThat(health.path("proxies").path("total").asInt()).isEqualTo(2);
            assertThat(health.path("proxies").path("healthy").asInt()).isEqualTo(1);
            assertThat(health.toString()).doesNotContain("127.0.0.1");

            List<String> lines = logs.events().stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(lines).anyMatch(l -> l.contains("Proxy http://***:***@127.0.0.1:" + dead + " failed"));
            assertThat(lines).noneMatch(l -> l.contains(PASSWORD) || l.contains(ENCODED) || l.contains(KEY));
        }
    }

    @Test
    void whenNoProxyCanBeGotThroughTheClientGets502AndTheKeyIsNotCharged() throws Exception {
        TestProxy strict = proxy(TestProxy.connect(USER, PASSWORD));
        // the wrong password: the proxy answers 407
        start(List.of("http://" + USER + ":wrong-secret@127.0.0.1:" + strict.port(),
                "socks5://127.0.0.1:" + TestProxy.deadPort()), true, Map.of());

        try (LogCapture logs = LogCapture.of("io.github.geminibalance", Level.DEBUG)) {
            HttpResponse<String> answer = nativeCall();
            assertThat(answer.statusCode()).isEqualTo(502);
            JsonNode error = Json.mapper().readTree(answer.body()).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(502);
            assertThat(error.path("message").asText()).contains("proxy");
            assertThat(answer.body()).doesNotContain("wrong-secret");

            HttpResponse<String> chat = server.postJson("/v1/chat/completions", CHAT);
            assertThat(chat.statusCode()).isEqualTo(502);
            assertThat(Json.mapper().readTree(chat.body()).path("error").path("code").asText()).isEqualTo("proxy_unreachable");

            assertThat(strict.handshakes()).isNotEmpty().allSatisfy(h -> assertThat(h.accepted()).isFalse());
            assertThat(gemini.requestCount()).isZero();
            KeyStatus key = key();
            assertThat(key.state()).isEqualTo(KeyState.ACTIVE);
            assertThat(key.consecutiveFailures()).isZero();
            assertThat(logs.events()).map(ILoggingEvent::getFormattedMessage)
                    .noneMatch(l -> l.contains("wrong-secret") || l.contains(KEY));
        }
    }
}
