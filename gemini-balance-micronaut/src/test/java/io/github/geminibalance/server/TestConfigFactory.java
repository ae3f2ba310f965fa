package io.github.geminibalance.server;

import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.store.jdbc.DatabaseSettings;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only replacement of {@link GeminiBalanceFactory#config()}: when the property
 * {@value #PROPERTY} is set, the configuration is the one registered under that id with
 * {@link #register(GeminiBalanceConfig)} instead of the environment's. Any test can thus start the
 * server with an explicit configuration, through {@link TestServer} or {@code @MicronautTest} with a
 * {@code TestPropertyProvider}.
 */
@Factory
@Requires(property = TestConfigFactory.PROPERTY)
final class TestConfigFactory {

    /** The property naming the registered configuration. */
    static final String PROPERTY = "gemini-balance.test-config";

    /** The property naming a registered server configuration (optional; {@link TestServer#serverConfig()} otherwise). */
    static final String SERVER_CONFIG_PROPERTY = "gemini-balance.test-server-config";

    /** The property naming registered server settings (optional; the defaults otherwise). */
    static final String SETTINGS_PROPERTY = "gemini-balance.test-server-settings";

    /**
     * The property naming registered database settings (optional; {@code DATABASE_TYPE=none} otherwise, so
     * tests never write into the working directory).
     */
    static final String DATABASE_PROPERTY = "gemini-balance.test-database";

    private static final Map<String, DatabaseSettings> DATABASES = new ConcurrentHashMap<>();
    private static final Map<String, GeminiBalanceConfig> CONFIGS = new ConcurrentHashMap<>();
    private static final Map<String, ServerSettings> SETTINGS = new ConcurrentHashMap<>();
    private static final Map<String, ServerConfig> SERVER_CONFIGS = new ConcurrentHashMap<>();

    /** Registers a server configuration and returns the value to give {@value #SERVER_CONFIG_PROPERTY}. */
    static String register(ServerConfig config) {
        String id = UUID.randomUUID().toString();
        SERVER_CONFIGS.put(id, Objects.requireNonNull(config));
        return id;
    }

    /** Registers server settings and returns the value to give {@value #SETTINGS_PROPERTY}. */
    static String register(ServerSettings settings) {
        String id = UUID.randomUUID().toString();
        SETTINGS.put(id, Objects.requireNonNull(settings));
        return id;
    }

    /** Registers database settings and returns the value to give {@value #DATABASE_PROPERTY}. */
    static String register(DatabaseSettings settings) {
        String id = UUID.randomUUID().toString();
        DATABASES.put(id, Objects.requireNonNull(settings));
        return id;
    }

    /** Database settings read from these raw settings (a temp SQLite file, a test PostgreSQL, ...). */
    static DatabaseSettings database(Map<String, String> raw) {
        return DatabaseSettings.from(raw);
    }

    /** Registers a configuration and returns the value to give {@value #PROPERTY}. */
    static String register(GeminiBalanceConfig config) {
        String id = UUID.randomUUID().toString();
        CONFIGS.put(id, Objects.requireNonNull(config));
        return id;
    }

    @Singleton
    @Replaces(value = GeminiBalanceConfig.class, factory = GeminiBalanceFactory.class)
    GeminiBalanceConfig config(@Property(name = PROPERTY) String id) {
        GeminiBalanceConfig config = CONFIGS.get(id);
        if (config == null) {
            throw new IllegalStateException("no test configuration registered under " + id);
        }
        return config;
    }

    @Singleton
    @Replaces(value = ServerConfig.class, factory = GeminiBalanceFactory.class)
    ServerConfig serverConfig(@io.micronaut.core.annotation.Nullable
            @Property(name = SERVER_CONFIG_PROPERTY) String id) {
        if (id == null) {
            return TestServer.serverConfig();
        }
        ServerConfig config = SERVER_CONFIGS.get(id);
        if (config == null) {
            throw new IllegalStateException("no test server configuration registered under " + id);
        }
        return config;
    }

    @Singleton
    @Replaces(value = ServerSettings.class, factory = GeminiBalanceFactory.class)
    ServerSettings serverSettings(@io.micronaut.core.annotation.Nullable
            @Property(name = SETTINGS_PROPERTY) String id) {
        if (id == null) {
            return ServerSettings.defaults();
        }
        ServerSettings settings = SETTINGS.get(id);
        if (settings == null) {
            throw new IllegalStateException("no test server settings registered under " + id);
        }
        return settings;
    }

    @Singleton
    @Replaces(value = DatabaseSettings.class, factory = StoreFactory.class)
    DatabaseSettings databaseSettings(@io.micronaut.core.annotation.Nullable
            @Property(name = DATABASE_PROPERTY) String id) {
        if (id == null) {
            return DatabaseSettings.from(Map.of("DATABASE_TYPE", "none"));
        }
        DatabaseSettings settings = DATABASES.get(id);
        if (settings == null) {
            throw new IllegalStateException("no test database settings registered under " + id);
        }
        return settings;
    }
}
