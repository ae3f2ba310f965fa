package io.github.geminibalance.server;

import io.github.geminibalance.store.jdbc.PostgresServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link KeyRestartTest} on PostgreSQL: keys, states, marks and counters survive a restart there too.
 * Each test gets a database of its own in one cluster started for the class.
 */
class KeyRestartPostgresTest extends KeyRestartTest {

    private static PostgresServer postgres;
    private String url;

    @BeforeAll
    static void cluster() {
        postgres = PostgresServer.started();
    }

    @AfterAll
    static void stopCluster() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void freshDatabase() {
        url = postgres.newDatabase();
    }

    @Override
    Map<String, String> database() {
        return Map.of("DATABASE_URL", url, "DATABASE_USER", postgres.user(),
                "DATABASE_PASSWORD", PostgresServer.PASSWORD);
    }
}
