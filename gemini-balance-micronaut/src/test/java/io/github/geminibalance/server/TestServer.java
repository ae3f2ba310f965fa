package io.github.geminibalance.server;

import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.store.jdbc.DatabaseSettings;
import io.github.geminibalance.testing.FakeGemini;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real server (every bean, filter and property of the production module) on a free port, with an
 * explicit {@link GeminiBalanceConfig}, plus a small raw HTTP client for asserting exact bytes.
 */
final class TestServer implements AutoCloseable {

    static final String TOKEN = "sk-test-client-token";

    private final EmbeddedServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(EmbeddedServer server) {
        this.server = server;
    }

    /** A core configuration for the fake: the given keys. */
    static GeminiBalanceConfig.Builder config(FakeGemini gemini, List<String> keys) {
        return GeminiBalanceConfig.builder()
                .apiKeys(keys)
                .baseUrl(gemini.baseUrl())
                .timeout(Duration.ofSeconds(20));
    }

    /** The server configuration tests start with unless they pass one: {@link #TOKEN} as the only client token. */
    static ServerConfig serverConfig() {
        return ServerConfig.of(List.of(TOKEN));
    }

    /** Starts the server with these configurations, server settings and extra Micronaut properties. */
    static TestServer start(GeminiBalanceConfig config, ServerConfig server, ServerSettings settings,
            Map<String, Object> properties) {
        Map<String, Object> props = new HashMap<>(properties);
        props.put("micronaut.server.port", -1);
        props.put(TestConfigFactory.PROPERTY, TestConfigFactory.register(config));
        props.put(TestConfigFactory.SERVER_CONFIG_PROPERTY, TestConfigFactory.register(server));
        if (settings != null) {
            props.put(TestConfigFactory.SETTINGS_PROPERTY, TestConfigFactory.register(settings));
        }
        return new TestServer(ApplicationContext.run(EmbeddedServer.class, props));
    }

    /**
     * Starts the server on a database (a temp SQLite file, say), with these configurations and extra
     * Micronaut properties; the other starts run with {@code DATABASE_TYPE=none}.
     */
    static TestServer startWithDatabase(GeminiBalanceConfig config, ServerConfig server, DatabaseSettings database,
            Map<String, Object> properties) {
        Map<String, Object> props = new HashMap<>(properties);
        props.put(TestConfigFactory.DATABASE_PROPERTY, TestConfigFactory.register(database));
        return start(config, server, null, props);
    }

    /** Starts the server with this configuration and extra Micronaut properties. */
    static TestServer start(GeminiBalanceConfig config, Map<String, Object> properties) {
        return start(config, serverConfig(), null, properties);
    }

    /** Starts the server with this configuration and these server settings. */
    static TestServer start(GeminiBalanceConfig config, ServerSettings settings, Map<String, Object> properties) {
        return start(config, serverConfig(), settings, properties);
    }

    /** Starts the server with these configurations. */
    static TestServer start(GeminiBalanceConfig config, ServerConfig server) {
        return start(config, server, null, Map.of());
    }

    static TestServer start(GeminiBalanceConfig config) {
        return start(config, Map.of());
    }

    /** {@code http://localhost:<port>}. */
    String url() {
        return "http://localhost:" + server.getPort();
    }

    /** A request builder for a path, with the client token unless {@code token} is null. */
    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** POSTs a JSON body with the client token. */
    HttpResponse<String> postJson(String path, String json) throws Exception {
        return send(request(path, TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** GETs a path with the client token. */
    HttpResponse<String> get(String path) throws Exception {
        return send(request(path, TOKEN).GET().build());
    }

    /** The server's application context, for tests that reach a bean (the key pool, say). */
    ApplicationContext context() {
        return server.getApplicationContext();
    }

    HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
    }
}
