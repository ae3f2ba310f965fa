package io.github.geminibalance.server;

import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.config.ConfigLoader;
import io.github.geminibalance.config.SettingValues;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What only the server needs to run: who may call it, where it listens, where key state is shared and
 * how it reaches Gemini. Read from the same raw settings as the core's configuration
 * ({@link ConfigLoader#settings}); every problem is a one-line {@link ConfigException} naming the setting,
 * and the values of {@code ALLOWED_TOKENS}, {@code AUTH_TOKEN} and {@code REDIS_URL} never appear in it.
 * The tunables with defaults (limits, timeouts, CORS, logging) are {@link ServerSettings}.
 *
 * @param allowedTokens {@code ALLOWED_TOKENS} (required): the bearer tokens clients may use
 * @param authToken {@code AUTH_TOKEN}: the admin token, or null when the admin API is off
 * @param port {@code PORT} (default 8000): the HTTP port
 * @param redisUrl {@code REDIS_URL}: the Redis URL for shared key state, or null for in-memory state
 * @param upstreamClient {@code UPSTREAM_CLIENT} (default {@code netty}): how the server calls Gemini
 */
record ServerConfig(
        List<String> allowedTokens,
        String authToken,
        int port,
        String redisUrl,
        UpstreamClient upstreamClient) {

    static final String ALLOWED_TOKENS = "ALLOWED_TOKENS";
    static final String AUTH_TOKEN = "AUTH_TOKEN";
    static final String PORT = "PORT";
    static final String REDIS_URL = "REDIS_URL";
    static final String UPSTREAM_CLIENT = "UPSTREAM_CLIENT";

    private static final Pattern HEADER_SAFE = Pattern.compile("[\\x21-\\x7E]+");

    /** The port when {@code PORT} is not set. */
    static final int DEFAULT_PORT = 8000;

    /** How the server calls Gemini. */
    enum UpstreamClient {
        /** On the server's own Netty event loops, with no thread hand-off (the default). */
        NETTY,
        /** Through the JDK's {@code java.net.http.HttpClient}, as an embedded core does. */
        JDK
    }

    /** Validates and freezes. */
    ServerConfig {
        allowedTokens = List.copyOf(Objects.requireNonNull(allowedTokens, "allowedTokens"));
        if (authToken != null && authToken.isBlank()) {
            authToken = null; // blank means the admin API is off, as documented
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535");
        }
        Objects.requireNonNull(upstreamClient, "upstreamClient");
    }

    /** Client tokens only; every other setting at its default. */
    static ServerConfig of(List<String> allowedTokens) {
        return new ServerConfig(allowedTokens, null, DEFAULT_PORT, null, UpstreamClient.NETTY);
    }

    /** A copy with another admin token, for tests. */
    ServerConfig withAuthToken(String v) {
        return new ServerConfig(allowedTokens, v, port, redisUrl, upstreamClient);
    }

    /** A copy with another Redis URL, for tests. */
    ServerConfig withRedisUrl(String v) {
        return new ServerConfig(allowedTokens, authToken, port, v, upstreamClient);
    }

    /** A copy with another upstream client, for tests. */
    ServerConfig withUpstreamClient(UpstreamClient v) {
        return new ServerConfig(allowedTokens, authToken, port, redisUrl, v);
    }

    /**
     * Reads the server configuration from merged raw settings (see {@link ConfigLoader#settings}).
     *
     * @throws ConfigException naming the first bad or missing setting
     */
    static ServerConfig from(Map<String, String> s) {
        String why = ": clients could not authenticate";
        List<String> tokens = SettingValues.requiredList(s, ALLOWED_TOKENS,
                ALLOWED_TOKENS + " is not set" + why, ALLOWED_TOKENS + " is empty" + why);
        SettingValues.requireHeaderSafe(ALLOWED_TOKENS, tokens);

        String authToken = SettingValues.value(s, AUTH_TOKEN);
        if (authToken != null) {
            if (!HEADER_SAFE.matcher(authToken).matches()) {
                throw new ConfigException(AUTH_TOKEN,
                        AUTH_TOKEN + " contains whitespace or a character that cannot be sent in an HTTP header");
            }
            if (tokens.contains(authToken)) {
                throw new ConfigException(AUTH_TOKEN, AUTH_TOKEN + " is also listed in " + ALLOWED_TOKENS
                        + ": the admin token must differ from every client token");
            }
        }

        int port = SettingValues.integer(s, PORT, DEFAULT_PORT, 1, 65535, "");

        String redisUrl = SettingValues.value(s, REDIS_URL);
        if (redisUrl != null) {
            String lower = redisUrl.toLowerCase(Locale.ROOT);
            if (!(lower.startsWith("redis://") && lower.length() > "redis://".length()
                    || lower.startsWith("rediss://") && lower.length() > "rediss://".length())) {
                throw new ConfigException(REDIS_URL, REDIS_URL + " must start with redis:// or rediss://");
            }
        }

        UpstreamClient upstream = UpstreamClient.NETTY;
        String raw = SettingValues.value(s, UPSTREAM_CLIENT);
        if (raw != null) {
            upstream = switch (raw.toLowerCase(Locale.ROOT)) {
                case "netty" -> UpstreamClient.NETTY;
                case "jdk" -> UpstreamClient.JDK;
                default -> throw new ConfigException(UPSTREAM_CLIENT,
                        UPSTREAM_CLIENT + " must be netty or jdk, got " + SettingValues.quote(raw));
            };
        }
        return new ServerConfig(tokens, authToken, port, redisUrl, upstream);
    }

    /**
     * Describes the configuration without its secrets: tokens are counted, the admin token and the Redis
     * URL are only said to be set or not.
     */
    @Override
    public String toString() {
        return "ServerConfig[allowedTokens=" + allowedTokens.size() + " tokens"
                + ", authToken=" + (authToken == null ? "unset" : "set")
                + ", port=" + port
                + ", redisUrl=" + (redisUrl == null ? "unset" : "set")
                + ", upstreamClient=" + upstreamClient.name().toLowerCase(Locale.ROOT)
                + "]";
    }
}
