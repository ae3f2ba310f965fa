package io.github.geminibalance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code PROXIES}, {@code CUSTOM_HEADERS} and the {@code VERTEX_*} settings as {@link ConfigLoader} reads them. */
class UpstreamSettingsTest {

    private static UpstreamOptions load(String... pairs) {
        Map<String, String> s = new HashMap<>();
        s.put("API_KEYS", "AIzaSyTEST-key-000000001");
        for (int i = 0; i < pairs.length; i += 2) {
            s.put(pairs[i], pairs[i + 1]);
        }
        return ConfigLoader.fromSettings(s).upstream();
    }

    private static String failure(String setting, String... pairs) {
        try {
            load(pairs);
        } catch (ConfigException e) {
            assertThat(e.setting()).isEqualTo(setting);
            assertThat(e.getMessage()).startsWith("Invalid setting " + setting + ": ").doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("expected a ConfigException for " + setting);
    }

    @Test
    void defaultsAreDirectNoHeadersNoVertex() {
        UpstreamOptions u = load();
        assertThat(u.proxies()).isEmpty();
        assertThat(u.proxyByKey()).isTrue();
        assertThat(u.customHeaders()).isEmpty();
        assertThat(u.vertexApiKeys()).isEmpty();
        assertThat(u.vertexBaseUrl()).isEqualTo(URI.create("https://aiplatform.googleapis.com/v1beta1/publishers/google"));
        assertThat(u.vertexFallback()).isFalse();
    }

    @Test
    void proxiesAsJsonOrCommaList() {
        assertThat(load("PROXIES", "[\"http://u:p@127.0.0.1:3128\", \"socks5://10.0.0.2\"]").proxies())
                .extracting(Object::toString).containsExactly("http://***:***@127.0.0.1:3128", "socks5://10.0.0.2:1080");
        assertThat(load("PROXIES", "https://proxy.example, socks5://u:p@h:9050",
                "PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY", "false").proxies()).hasSize(2);
        assertThat(load("PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY", "false").proxyByKey()).isFalse();
    }

    @Test
    void aBadProxyStopsStartUpWithoutShowingItsPassword() {
        String m = failure("PROXIES", "PROXIES", "[\"http://u:hunter2@h:1\", \"ftp://u:hunter2@h:21\"]");
        assertThat(m).contains("entry 2").contains("http://, https:// or socks5://").doesNotContain("hunter2");
        assertThat(failure("PROXIES", "PROXIES", "http://u:hunter2@h:99999")).doesNotContain("hunter2");
        assertThat(failure("PROXIES", "PROXIES", "http://u:hunter2@h:1/path")).doesNotContain("hunter2");
        assertThat(failure("PROXIES", "PROXIES", "[\"http://u:hunter2@h:1\"")).doesNotContain("hunter2");
        assertThat(failure("PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY", "PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY", "sometimes"))
                .contains("true or false");
    }

    @Test
    void customHeadersAreAnObjectOfHeadersWeDoNotOwn() {
        assertThat(load("CUSTOM_HEADERS", "{\"X-Team\": \"blue\", \"x-n\": 7}").customHeaders())
                .containsExactly(Map.entry("x-team", "blue"), Map.entry("x-n", "7"));
        for (String owned : List.of("x-goog-api-key", "Authorization", "HOST", "content-length")) {
            assertThat(failure("CUSTOM_HEADERS", "CUSTOM_HEADERS", "{\"" + owned + "\": \"secret-value\"}"))
                    .contains("must not set " + owned.toLowerCase(java.util.Locale.ROOT)).doesNotContain("secret-value");
        }
        assertThat(failure("CUSTOM_HEADERS", "CUSTOM_HEADERS", "[\"x\"]")).contains("JSON object");
        assertThat(failure("CUSTOM_HEADERS", "CUSTOM_HEADERS", "{\"bad name\": \"v\"}")).contains("header name");
        assertThat(failure("CUSTOM_HEADERS", "CUSTOM_HEADERS", "{\"x-a\": \"line\\nbreak-secret\"}"))
                .contains("x-a").doesNotContain("secret");
        assertThat(failure("CUSTOM_HEADERS", "CUSTOM_HEADERS", "{\"x-a\": {}}")).contains("string value");
        assertThat(failure("CUSTOM_HEADERS", "CUSTOM_HEADERS", "{\"x-a\": ")).contains("JSON");
    }

    @Test
    void vertexSettings() {
        UpstreamOptions u = load("VERTEX_API_KEYS", "AQ.one-vertex-key,AQ.two-vertex-key",
                "VERTEX_EXPRESS_BASE_URL", "http://127.0.0.1:9/v1/publishers/google/", "VERTEX_FALLBACK", "true");
        assertThat(u.vertexApiKeys()).containsExactly("AQ.one-vertex-key", "AQ.two-vertex-key");
        assertThat(u.vertexBaseUrl()).isEqualTo(URI.create("http://127.0.0.1:9/v1/publishers/google"));
        assertThat(u.vertexFallback()).isTrue();
        assertThat(u.toString()).doesNotContain("AQ.one");
        assertThat(failure("VERTEX_EXPRESS_BASE_URL", "VERTEX_EXPRESS_BASE_URL", "ftp://x")).contains("http");
        assertThat(failure("VERTEX_FALLBACK", "VERTEX_FALLBACK", "maybe")).contains("true or false");
    }
}
