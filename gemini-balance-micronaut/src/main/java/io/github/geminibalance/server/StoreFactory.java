package io.github.geminibalance.server;

import io.github.geminibalance.store.Store;
import io.github.geminibalance.store.jdbc.DatabaseSettings;
import io.github.geminibalance.store.jdbc.JdbcStore;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's durable store: an embedded SQLite file by default ({@code data/gemini-balance.db}),
 * PostgreSQL or MySQL/MariaDB when configured, memory only with {@code DATABASE_TYPE=none} (see
 * docs/storage.md). Opened with the context, so a database that cannot be used stops start-up with one
 * line naming the setting to fix; closed with the context after the facade, writing what is queued.
 * Tests replace {@link #databaseSettings()}.
 */
@Factory
final class StoreFactory {

    private static final Logger log = LoggerFactory.getLogger(StoreFactory.class);

    /** Where the store lives; {@code Application.main} has already checked the settings load. */
    @Singleton
    DatabaseSettings databaseSettings() {
        return DatabaseSettings.from(GeminiBalanceFactory.rawSettings());
    }

    /** The store the settings name. */
    @Singleton
    @Bean(preDestroy = "close")
    Store store(DatabaseSettings settings, Clock clock) {
        Store store = JdbcStore.create(settings, clock);
        if (settings.inMemory()) {
            log.info("Store in memory (DATABASE_TYPE=none): keys, records and usage are forgotten on restart");
        } else {
            log.info("Store: {}", describe(settings));
        }
        return store;
    }

    // never the URL: it may carry credentials
    private static String describe(DatabaseSettings settings) {
        return switch (settings.type()) {
            case SQLITE -> "SQLite file " + settings.sqliteFile();
            case POSTGRES -> "PostgreSQL";
            case MYSQL -> "MySQL/MariaDB";
            case NONE -> "memory";
        };
    }
}
