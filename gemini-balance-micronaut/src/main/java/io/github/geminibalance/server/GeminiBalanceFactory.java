package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.config.ConfigLoader;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the core into Micronaut: the configuration comes from {@link ConfigLoader} (environment variables,
 * then {@code ./.env}), and the {@link GeminiBalance} facade built from it is closed with the context.
 * Tests replace {@link #config()} (see the module README).
 */
@Factory
final class GeminiBalanceFactory {

    private static final Logger log = LoggerFactory.getLogger(GeminiBalanceFactory.class);

    /** The validated configuration; {@code Application.main} has already checked it loads. */
    @Singleton
    GeminiBalanceConfig config() {
        return ConfigLoader.load();
    }

    /**
     * The facade the controllers delegate to. Created with the context (not on the first request), so
     * the key pool, its scheduled re-validation and the health endpoint are live from start-up.
     */
    @Context
    @Bean(preDestroy = "close")
    GeminiBalance geminiBalance(GeminiBalanceConfig config) {
        log.info("Key pool of {} key(s), {} client token(s), Gemini at {}", config.apiKeys().size(),
                config.allowedTokens().size(), withoutUserInfo(config.baseUrl()));
        return GeminiBalance.create(config);
    }

    private static String withoutUserInfo(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() != null ? uri.getRawPath() : "");
    }
}
