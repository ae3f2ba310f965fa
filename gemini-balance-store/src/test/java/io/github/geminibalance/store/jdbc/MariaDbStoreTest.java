package io.github.geminibalance.store.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract on a real MariaDB (the MySQL dialect), configured with the MYSQL_* settings. */
class MariaDbStoreTest extends StoreContract {

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

    @Test
    void aWrongPasswordIsAOneLineErrorNamingTheSetting() {
        Map<String, String> db = with(newDatabase(), "MYSQL_PASSWORD", "not-the-password-123");
        assertThatThrownBy(() -> open(db))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid setting MYSQL_PASSWORD: the database refused the credentials of user 'gb'"
                        + " (check MYSQL_PASSWORD and the user setting)");
    }

    @Test
    void aDatabaseUrlWorksToo() {
        String url = server.newDatabase();
        open(Map.of("DATABASE_URL", url, "DATABASE_USER", MariaDbServer.USER, "DATABASE_PASSWORD",
                MariaDbServer.PASSWORD)).close();
    }
}
