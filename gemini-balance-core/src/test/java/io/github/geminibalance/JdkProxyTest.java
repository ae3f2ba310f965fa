package io.github.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.config.UpstreamOptions;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.spi.HttpTransport.Proxy;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code PROXIES} with the embedded core's JDK client: an {@code http://} proxy carries the calls (the fake
 * stands in for the proxy, so Gemini's host, which does not resolve, is reached only through it), a dead
 * proxy is passed over without charging the key, and {@code socks5://} is refused at build time.
 */
class JdkProxyTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final String KEY = "AIzaSyJDK-proxy-test-key-00001";

    private FakeGemini gemini;

    @BeforeEach
    void start() {
        gemini = FakeGemini.start().generateContent(MODEL, null, GeminiFixtures.textResponse("Via the proxy."));
    }

    @AfterEach
    void stop() {
        gemini.close();
    }

    private GeminiBalanceConfig config(List<String> proxies) {
        return GeminiBalanceConfig.builder().apiKeys(List.of(KEY)).baseUrl("http://gemini.invalid/v1beta")
                .upstream(new UpstreamOptions(proxies.stream().map(Proxy::parse).toList(), false,
                        Map.of("x-team", "blue"), List.of(), URI.create(UpstreamOptions.DEFAULT_VERTEX_BASE_URL), false))
                .build();
    }

    private static ChatCompletionRequest hello() {
        return ChatCompletionRequest.builder().model(MODEL).addUserMessage("Hello").build();
    }

    @Test
    void anHttpProxyCarriesTheCallsAndADeadOneIsPassedOver() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        String proxy = "http://127.0.0.1:" + gemini.server().port();
        try (GeminiBalance gb = GeminiBalance.builder(config(List.of("http://127.0.0.1:" + dead, proxy)))
                .scheduleKeyChecks(false).build()) {
            assertThat(gb.chatBlocking(hello()).choices().get(0).message().content()).isEqualTo("Via the proxy.");
            assertThat(gb.chatBlocking(hello()).choices().get(0).message().content()).isEqualTo("Via the proxy.");

            assertThat(gemini.keysUsed()).containsExactly(KEY, KEY);
            assertThat(gemini.server().getAllServeEvents()).allSatisfy(e -> {
                assertThat(e.getRequest().getHeader("x-team")).isEqualTo("blue");
                assertThat(e.getRequest().getAbsoluteUrl()).contains("gemini.invalid");
            });
            KeyStatus key = gb.keyStatus().get(0);
            assertThat(key.consecutiveFailures()).isZero();
            assertThat(key.state()).isEqualTo(KeyState.ACTIVE);
            List<ProxyStatus> proxies = gb.proxyStatus();
            assertThat(proxies.get(0).healthy()).isFalse();
            assertThat(proxies.get(0).failures()).isEqualTo(1);
            assertThat(proxies.get(1).healthy()).isTrue();
        }
    }

    @Test
    void socks5AndHttpsProxiesNeedTheServersTransport() {
        for (String proxy : List.of("socks5://u:hunter2@127.0.0.1:1080", "https://u:hunter2@proxy.example")) {
            assertThatThrownBy(() -> GeminiBalance.builder(config(List.of("http://127.0.0.1:3128", proxy)))
                    .scheduleKeyChecks(false).build())
                    .isInstanceOf(ConfigException.class)
                    .satisfies(e -> assertThat(((ConfigException) e).setting()).isEqualTo("PROXIES"))
                    .hasMessageContaining("entry 2").hasMessageContaining("http:// proxies only")
                    .hasMessageNotContaining("hunter2");
        }
    }
}
