package io.github.geminibalance.config;

import io.github.geminibalance.spi.HttpTransport.Proxy;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How upstream calls leave and where the second key pool goes: proxies ({@code PROXIES}, {@code
 * PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY}), extra headers ({@code CUSTOM_HEADERS}) and Vertex AI express
 * mode ({@code VERTEX_API_KEYS}, {@code VERTEX_EXPRESS_BASE_URL}, {@code VERTEX_FALLBACK}).
 * {@link #toString()} shows neither proxy passwords nor keys.
 *
 * @param proxies the proxies calls leave through, in order; empty to connect directly
 * @param proxyByKey whether a key always leaves through the same proxy (else the proxy rotates)
 * @param customHeaders headers added to every call to Gemini and its OpenAI layer (names in lower case);
 *     never one of {@link #OWNED_HEADERS}
 * @param vertexApiKeys the Vertex AI express-mode keys, a pool of their own; may be empty
 * @param vertexBaseUrl the Vertex AI express base, ending in {@code /publishers/google}
 * @param vertexFallback whether native Gemini generate calls go to the Vertex pool when the Gemini pool
 *     has no usable key
 */
public record UpstreamOptions(List<Proxy> proxies, boolean proxyByKey, Map<String, String> customHeaders,
        List<String> vertexApiKeys, URI vertexBaseUrl, boolean vertexFallback) {

    /** The default Vertex AI express base. */
    public static final String DEFAULT_VERTEX_BASE_URL = "https://aiplatform.googleapis.com/v1beta1/publishers/google";

    /** Headers the client sets itself, which {@code CUSTOM_HEADERS} may not replace. */
    public static final Set<String> OWNED_HEADERS = Set.of("x-goog-api-key", "authorization", "host",
            "content-length", "content-type", "transfer-encoding", "connection", "proxy-authorization");

    /** No proxies, no extra headers, no Vertex keys. */
    public static final UpstreamOptions DEFAULTS = new UpstreamOptions(List.of(), true, Map.of(), List.of(),
            URI.create(DEFAULT_VERTEX_BASE_URL), false);

    /** Validates and freezes every component. */
    public UpstreamOptions {
        proxies = List.copyOf(proxies);
        Map<String, String> headers = new LinkedHashMap<>();
        customHeaders.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (OWNED_HEADERS.contains(lower)) {
                throw new IllegalArgumentException("customHeaders must not set " + lower);
            }
            headers.put(lower, Objects.requireNonNull(value, "header value"));
        });
        customHeaders = Collections.unmodifiableMap(headers);
        vertexApiKeys = List.copyOf(vertexApiKeys);
        Objects.requireNonNull(vertexBaseUrl, "vertexBaseUrl");
    }

    @Override
    public String toString() {
        return "UpstreamOptions[proxies=" + proxies + ", proxyByKey=" + proxyByKey + ", customHeaders="
                + customHeaders.keySet() + ", vertexApiKeys=" + vertexApiKeys.size() + " keys, vertexBaseUrl="
                + vertexBaseUrl + ", vertexFallback=" + vertexFallback + "]";
    }
}
