package io.github.geminibalance.store.jdbc;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The uploaded files contract on a real MariaDB (the MySQL dialect). */
class MariaDbResourcesTest extends ResourcesStoreContract {

    private static MariaDbServer server;

    @BeforeAll
    static void startServer() {
        server = MariaDbServer.started();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    Map<String, String> newDatabase() {
        String url = server.newDatabase();
        return Map.of("DATABASE_TYPE", "mysql", "MYSQL_HOST", "127.0.0.1", "MYSQL_PORT", Integer.toString(server.port()),
                "MYSQL_DATABASE", url.substring(url.lastIndexOf('/') + 1), "MYSQL_USER", MariaDbServer.USER,
                "MYSQL_PASSWORD", MariaDbServer.PASSWORD);
    }
}
