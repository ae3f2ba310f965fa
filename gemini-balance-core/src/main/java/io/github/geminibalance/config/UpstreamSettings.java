package io.github.geminibalance.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.spi.HttpTransport.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@link UpstreamOptions} from the raw settings, for {@link ConfigLoader}. Messages never quote a
 * proxy URL (it may hold a password), a header value or a key.
 */
final class UpstreamSettings {

    static final String PROXIES = "PROXIES";
    static final String PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY = "PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY";
    static final String CUSTOM_HEADERS = "CUSTOM_HEADERS";
    static final String VERTEX_API_KEYS = "VERTEX_API_KEYS";
    static final String VERTEX_EXPRESS_BASE_URL = "VERTEX_EXPRESS_BASE_URL";
    static final String VERTEX_FALLBACK = "VERTEX_FALLBACK";

    /** An HTTP header name (RFC 9110 token). */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** A header value: visible ASCII with inner spaces and tabs. */
    private static final Pattern VALUE = Pattern.compile("[\\x21-\\x7E]([\\x20-\\x7E\\t]*[\\x21-\\x7E])?|");

    private UpstreamSettings() {}

    static UpstreamOptions read(Map<String, String> s) {
        UpstreamOptions d = UpstreamOptions.DEFAULTS;
        String raw = SettingValues.value(s, PROXIES);
        List<Proxy> proxies = raw == null ? List.of() : proxies(raw);
        String byKey = SettingValues.value(s, PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY);
        String headers = SettingValues.value(s, CUSTOM_HEADERS);
        String vertexKeys = SettingValues.value(s, VERTEX_API_KEYS);
        List<String> keys = vertexKeys == null ? List.of() : SettingValues.list(VERTEX_API_KEYS, vertexKeys);
        SettingValues.requireHeaderSafe(VERTEX_API_KEYS, keys);
        String base = SettingValues.value(s, VERTEX_EXPRESS_BASE_URL);
        String fallback = SettingValues.value(s, VERTEX_FALLBACK);
        return new UpstreamOptions(proxies,
                byKey == null ? d.proxyByKey() : SettingValues.bool(PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY, byKey),
                headers == null ? Map.of() : headers(headers), keys,
                base == null ? d.vertexBaseUrl() : url(VERTEX_EXPRESS_BASE_URL, base),
                fallback != null && SettingValues.bool(VERTEX_FALLBACK, fallback));
    }

    private static List<Proxy> proxies(String raw) {
        List<String> urls = SettingValues.list(PROXIES, raw);
        List<Proxy> proxies = new ArrayList<>(urls.size());
        for (int i = 0; i < urls.size(); i++) {
            try {
                proxies.add(Proxy.parse(urls.get(i)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(PROXIES, PROXIES + " entry " + (i + 1) + " is not a proxy URL: "
                        + e.getMessage() + " (expected http://, https:// or socks5://[user:password@]host:port)");
            }
        }
        return proxies;
    }

    private static Map<String, String> headers(String raw) {
        JsonNode node = SettingValues.json(CUSTOM_HEADERS, raw, "a JSON object of header names to values");
        if (!node.isObject()) {
            throw new ConfigException(CUSTOM_HEADERS, CUSTOM_HEADERS
                    + " must be a JSON object of header names to values, such as {\"x-team\": \"blue\"}");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey().strip();
            if (!TOKEN.matcher(name).matches()) {
                throw new ConfigException(CUSTOM_HEADERS, CUSTOM_HEADERS + " has a header name that is not a valid "
                        + "HTTP header name: " + SettingValues.quote(name));
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (UpstreamOptions.OWNED_HEADERS.contains(lower)) {
                throw new ConfigException(CUSTOM_HEADERS, CUSTOM_HEADERS + " must not set " + lower
                        + ": gemini-balance sets it on every call");
            }
            JsonNode value = e.getValue();
            if (!value.isTextual() && !value.isNumber() && !value.isBoolean()) {
                throw new ConfigException(CUSTOM_HEADERS, CUSTOM_HEADERS + " header " + lower
                        + " must have a string value, not " + SettingValues.kind(value));
            }
            String text = value.asText().strip();
            if (!VALUE.matcher(text).matches()) {
                throw new ConfigException(CUSTOM_HEADERS, CUSTOM_HEADERS + " header " + lower
                        + " has a value with a control or non-ASCII character");
            }
            headers.put(lower, text);
        }
        return headers;
    }

    private static URI url(String name, String raw) {
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new ConfigException(name, name + " is not a valid URL (problem at character " + (e.getIndex() + 1) + ")");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw new ConfigException(name, name + " must be an absolute http:// or https:// URL with a host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigException(name, name + " must not have a query (?...) or fragment (#...)");
        }
        String s = raw;
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }
}
