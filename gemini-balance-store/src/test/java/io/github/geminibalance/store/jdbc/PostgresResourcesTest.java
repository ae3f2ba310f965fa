package io.github.geminibalance.store.jdbc;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The uploaded files contract on a real PostgreSQL. */
class PostgresResourcesTest extends ResourcesStoreContract {

    private static PostgresServer server;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.started();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    Map<String, String> newDatabase() {
        return Map.of("DATABASE_TYPE", "postgres", "DATABASE_URL", server.newDatabase(), "DATABASE_USER", server.user(),
                "DATABASE_PASSWORD", PostgresServer.PASSWORD);
    }
}
