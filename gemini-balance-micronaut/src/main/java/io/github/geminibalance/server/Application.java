package io.github.geminibalance.server;

import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.config.ConfigLoader;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the gemini-balance server. */
public final class Application {

    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private Application() {}

    private static Logger log() {
        return LoggerFactory.getLogger(Application.class);
    }

    /**
     * Entry point of {@code gemini-balance-server.jar}. The configuration (environment, then
     * {@code ./.env}) is validated before Micronaut starts: a bad setting ends the process with exit code
     * 1 and one line on stderr naming the setting, never a stack trace. {@code PORT} (default 8000) sets
     * the HTTP port unless {@code micronaut.server.port} is given explicitly. Any other start-up failure
     * (the port is taken, say) is one line on stderr too, and exit code 1. SIGTERM and SIGINT stop the
     * server gracefully ({@link GracefulShutdown}) and exit with code 0.
     */
    public static void main(String[] args) {
        // The JDK HTTP client completes every sendAsync through CompletableFuture's default pool; on a
        // one-CPU JVM that "pool" starts a new thread per call. Two common-pool threads avoid it. Must be
        // set before anything touches ForkJoinPool, hence first.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() < 3) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
        ServerConfig serverConfig;
        ServerSettings settings;
        try {
            Map<String, String> raw = GeminiBalanceFactory.rawSettings();
            // validated here so a bad setting is one line, not a stack trace; with a database the keys
            // live in the store and API_KEYS may be unset
            boolean database = !io.github.geminibalance.store.jdbc.DatabaseSettings.from(raw).inMemory();
            ConfigLoader.load(raw, null, database);
            serverConfig = ServerConfig.from(raw);
            settings = ServerSettings.from(raw);
            AdminUiSettings.from(raw); // ADMIN_SESSION_EXPIRE
            ImageSettings.from(raw); // IMAGE_URL_TTL_HOURS, PUBLIC_BASE_URL
            FilesSettings.from(raw); // FILES_USER_ISOLATION_ENABLED
        } catch (ConfigException e) {
            System.err.println("gemini-balance: " + e.getMessage());
            System.exit(1);
            return;
        } catch (IllegalArgumentException e) {
            // a value the loader accepted but the config record rejects; its message names the field
            System.err.println("gemini-balance: Invalid configuration: " + e.getMessage());
            System.exit(1);
            return;
        }
        LogSetup.apply(settings);
        Micronaut app = Micronaut.build(args).mainClass(Application.class).banner(false);
        int port = serverConfig.port();
        String explicitPort = System.getProperty("micronaut.server.port", System.getenv("MICRONAUT_SERVER_PORT"));
        if (explicitPort == null) {
            app.properties(Map.of("micronaut.server.port", port));
        } else {
            port = parsePort(explicitPort, port);
        }
        ApplicationContext context = null;
        try {
            StartupFailure.checkPortFree(port);
            // started here rather than by Micronaut.start(), which logs a failure as 30 lines and two
            // stack traces and installs a shutdown hook that cuts running streams
            context = app.build();
            context.start();
            EmbeddedServer server = context.getBean(EmbeddedServer.class);
            server.start();
            log().info("Listening on port {}; shutdown grace {} s", server.getPort(), settings.shutdownGrace().toSeconds());
        } catch (Throwable e) {
            log().debug("Start-up failed", e);
            System.err.println("gemini-balance: " + StartupFailure.describe(e, port));
            System.exit(1);
            return;
        }
        GracefulShutdown.install(context);
    }

    private static int parsePort(String value, int fallback) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
