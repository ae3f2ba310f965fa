package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.config.ConfigLoader;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.redis.RedisKeyStateStore;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.store.jdbc.DatabaseSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.netty.channel.EventLoopGroupConfiguration;
import io.micronaut.http.netty.channel.EventLoopGroupFactory;
import io.micronaut.http.netty.channel.EventLoopGroupRegistry;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the core into Micronaut: the core's configuration comes from {@link ConfigLoader}, the server's
 * own from {@link ServerConfig} and {@link ServerSettings}, all read from the same raw settings (environment
 * variables, then {@code ./.env}); the {@link GeminiBalance} facade built from them is closed with the
 * context. With {@code REDIS_URL} set, key state is shared through a {@link RedisKeyStateStore}; with a Micrometer
 * registry present, {@link GeminiBalanceMetrics} records the proxy's metrics. Tests replace
 * {@link #config()}, {@link #serverConfig()} and {@link #serverSettings()} (see the module README).
 */
@Factory
final class GeminiBalanceFactory {

    /** The prefix of every Redis name this server uses. */
    static final String REDIS_NAMESPACE = "gemini-balance";

    /** Idle connections to Gemini kept per event loop; more are opened (and closed after use) on demand. */
    static final int IDLE_CONNECTIONS_PER_LOOP = 256;
    static final java.time.Duration IDLE_CONNECTION_TTL = java.time.Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(GeminiBalanceFactory.class);

    /**
     * The validated configuration; {@code Application.main} has already checked it loads. With a database
     * the keys live in the store, so {@code API_KEYS} may be unset (it seeds the store when set).
     */
    @Singleton
    GeminiBalanceConfig config(DatabaseSettings database) {
        return ConfigLoader.load(System.getenv(), java.nio.file.Path.of(".env"), !database.inMemory());
    }

    /** What only the server needs (tokens, port, Redis); {@code Application.main} has already checked it loads. */
    @Singleton
    ServerConfig serverConfig() {
        return ServerConfig.from(rawSettings());
    }

    /** The server's own settings; {@code Application.main} has already checked they load. */
    @Singleton
    ServerSettings serverSettings() {
        return ServerSettings.from(rawSettings());
    }

    /** The time every part of the server reads; tests replace it. */
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The raw settings every part of the configuration is read from: the environment, then {@code ./.env}. */
    static java.util.Map<String, String> rawSettings() {
        return ConfigLoader.settings(System.getenv(), java.nio.file.Path.of(".env"));
    }

    /**
     * The facade the controllers delegate to. Created with the context (not on the first request), so
     * the key pool, its scheduled re-validation, the Redis connection and the health endpoint are live
     * from start-up.
     *
     * @param registry Micronaut's meter registry, absent when {@code micronaut.metrics.enabled=false}
     */
    @Context
    @Bean(preDestroy = "close")
    GeminiBalance geminiBalance(GeminiBalanceConfig config, ServerConfig server, @Nullable MeterRegistry registry,
            EventLoopGroupRegistry loops, EventLoopGroupFactory loopFactory, Clock clock, Store store,
            LiveStats live) {
        GeminiBalance.Builder builder = GeminiBalance.builder(config).clock(clock).store(store);
        if (server.upstreamClient() == ServerConfig.UpstreamClient.NETTY) {
            // calls to Gemini run on the event loop that received the request: no thread hand-offs
            EventLoopGroupConfiguration loopConfig = loops
                    .getEventLoopGroupConfiguration(EventLoopGroupConfiguration.DEFAULT).orElse(null);
            var channelType = loopFactory.clientSocketChannelClass(loopConfig);
            log.debug("Upstream connections use {}", channelType.getSimpleName());
            builder.transport(new NettyHttpTransport(loops.getDefaultEventLoopGroup(), channelType, config.connectTimeout(), null,
                    IDLE_CONNECTIONS_PER_LOOP, IDLE_CONNECTION_TTL));
        }
        GeminiBalanceMetrics metrics = null;
        if (registry != null) {
            metrics = new GeminiBalanceMetrics(registry, ModelTags.DEFAULT_CAPACITY);
        }
        // the web admin's live header counts what the metrics count, in memory
        builder.listener(metrics == null ? live : new ListenerPair(metrics, live));
        if (server.redisUrl() != null) {
            // returns at once even when Redis is down: the pool then runs on local state
            builder.keyStateStore(RedisKeyStateStore.connect(server.redisUrl(), REDIS_NAMESPACE, clock));
        }
        GeminiBalance gemini = builder.build();
        int keys = gemini.keyStatus().size();
        if (keys == 0 && server.authToken() == null) {
            gemini.close();
            throw new ConfigException("API_KEYS", "the key pool is empty (API_KEYS is not set and the store holds no"
                    + " usable key) and the admin API that adds keys is off; set API_KEYS, or AUTH_TOKEN to add keys"
                    + " with POST /admin/keys");
        }
        log.info("Key pool of {} key(s), {} client token(s), Gemini at {} (client: {}), key state {}",
                keys, server.allowedTokens().size(), withoutUserInfo(config.baseUrl()),
                server.upstreamClient().name().toLowerCase(java.util.Locale.ROOT),
                server.redisUrl() == null ? "in memory" : "shared through Redis");
        if (keys == 0) {
            log.warn("No key to serve with: requests get 503 until a key is added with POST /admin/keys");
        }
        if (metrics != null) {
            metrics.bindKeyGauges(gemini);
        }
        return gemini;
    }

    private static String withoutUserInfo(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() != null ? uri.getRawPath() : "");
    }
}
