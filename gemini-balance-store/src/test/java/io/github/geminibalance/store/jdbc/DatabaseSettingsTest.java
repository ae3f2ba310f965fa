package io.github.geminibalance.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {

    @Test
    void defaultsToTheSqliteFileWithTheIssuesRetention() {
        DatabaseSettings settings = DatabaseSettings.from(Map.of());
        assertThat(settings.type()).isEqualTo(DatabaseType.SQLITE);
        assertThat(settings.sqliteFile()).isEqualTo(Path.of("data/gemini-balance.db").toAbsolutePath());
        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:sqlite:" + settings.sqliteFile());
        assertThat(settings.errorLogDays()).isEqualTo(7);
        assertThat(settings.requestLogDays()).isEqualTo(30);
        assertThat(settings.usageDays()).isEqualTo(400);
        assertThat(settings.recordRequestBody()).isFalse();
        assertThat(settings.queueCapacity()).isEqualTo(10_000);
        assertThat(settings.poolSize()).isEqualTo(4);
    }

    @Test
    void readsEverySetting() {
        DatabaseSettings settings = DatabaseSettings.from(Map.of("SQLITE_DATABASE", "/var/lib/gb/x.db",
                "AUTO_DELETE_ERROR_LOGS_DAYS", "0", "AUTO_DELETE_REQUEST_LOGS_DAYS", "90", "USAGE_RETENTION_DAYS", "31",
                "ERROR_LOG_RECORD_REQUEST_BODY", "true", "DATABASE_QUEUE_CAPACITY", "500", "DATABASE_POOL_SIZE", "2"));
        assertThat(settings.sqliteFile()).isEqualTo(Path.of("/var/lib/gb/x.db"));
        assertThat(settings).extracting(DatabaseSettings::errorLogDays, DatabaseSettings::requestLogDays,
                DatabaseSettings::usageDays, DatabaseSettings::recordRequestBody, DatabaseSettings::queueCapacity,
                DatabaseSettings::poolSize).containsExactly(0, 90, 31, true, 500, 2);
    }

    @Test
    void infersTheDatabaseFromTheUrl() {
        assertThat(DatabaseSettings.from(Map.of("DATABASE_URL", "jdbc:postgresql://db/gb")).type())
                .isEqualTo(DatabaseType.POSTGRES);
        DatabaseSettings mysql = DatabaseSettings.from(Map.of("DATABASE_URL", "jdbc:mysql://db:3306/gb?x=1"));
        assertThat(mysql.type()).isEqualTo(DatabaseType.MYSQL);
        assertThat(mysql.jdbcUrl()).isEqualTo("jdbc:mariadb://db:3306/gb?x=1");
        assertThat(DatabaseSettings.from(Map.of("DATABASE_URL", "jdbc:sqlite:/tmp/a.db")).sqliteFile())
                .isEqualTo(Path.of("/tmp/a.db"));
    }

    @Test
    void readsTheOriginalsMysqlSettings() {
        DatabaseSettings settings = DatabaseSettings.from(Map.of("DATABASE_TYPE", "mysql", "MYSQL_HOST", "db",
                "MYSQL_PORT", "3307", "MYSQL_USER", "gb", "MYSQL_PASSWORD", "pw-123", "MYSQL_DATABASE", "gemini"));
        assertThat(settings.jdbcUrl()).isEqualTo("jdbc:mariadb://db:3307/gemini");
        assertThat(settings.user()).isEqualTo("gb");
        assertThat(settings.password()).isEqualTo("pw-123");
        assertThat(settings.passwordSetting()).isEqualTo("MYSQL_PASSWORD");
        assertThat(settings.toString()).doesNotContain("pw-123").contains("password=***");
    }

    @Test
    void noneKeepsEverythingInMemory() {
        DatabaseSettings settings = DatabaseSettings.from(Map.of("DATABASE_TYPE", "none"));
        assertThat(settings.inMemory()).isTrue();
        try (Store store = JdbcStore.create(settings, Clock.systemUTC())) {
            assertThat(store).isNotInstanceOf(JdbcStore.class);
            assertThat(store.keys().seed(java.util.List.of("AIzaSy-memory-key-000000000001")).added()).hasSize(1);
        }
    }

    @Test
    void malformedSettingsAreOneLineErrorsNamingTheSetting() {
        assertProblem(Map.of("DATABASE_TYPE", "oracle"), "DATABASE_TYPE",
                "must be sqlite, postgres, mysql or none, not 'oracle'");
        assertProblem(Map.of("DATABASE_TYPE", "postgres"), "DATABASE_URL",
                "is required for DATABASE_TYPE=postgres, such as jdbc:postgresql://db:5432/gemini_balance");
        assertProblem(Map.of("DATABASE_URL", "jdbc:h2:mem:x"), "DATABASE_URL",
                "must start with jdbc:sqlite:, jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb:");
        assertProblem(Map.of("DATABASE_TYPE", "postgres", "DATABASE_URL", "jdbc:mysql://x/y"), "DATABASE_URL",
                "must start with jdbc:postgresql: for DATABASE_TYPE=postgres");
        assertProblem(Map.of("DATABASE_TYPE", "mysql"), "MYSQL_HOST",
                "is required for DATABASE_TYPE=mysql (or set DATABASE_URL)");
        assertProblem(Map.of("DATABASE_TYPE", "mysql", "MYSQL_HOST", "db"), "MYSQL_DATABASE",
                "is required for DATABASE_TYPE=mysql (or set DATABASE_URL)");
        assertProblem(Map.of("DATABASE_TYPE", "mysql", "MYSQL_HOST", "db", "MYSQL_PORT", "99999"), "MYSQL_PORT",
                "must be a port number, 1 to 65535, not 99999");
        assertProblem(Map.of("AUTO_DELETE_ERROR_LOGS_DAYS", "a week"), "AUTO_DELETE_ERROR_LOGS_DAYS",
                "must be a whole number of days, 0 to keep forever, not 'a week'");
        assertProblem(Map.of("USAGE_RETENTION_DAYS", "-1"), "USAGE_RETENTION_DAYS",
                "must be a whole number of days, 0 to keep forever, not -1");
        assertProblem(Map.of("ERROR_LOG_RECORD_REQUEST_BODY", "maybe"), "ERROR_LOG_RECORD_REQUEST_BODY",
                "must be true or false, not 'maybe'");
        assertProblem(Map.of("SQLITE_DATABASE", ":memory:"), "SQLITE_DATABASE",
                "must name a SQLite file, such as data/gemini-balance.db");
        assertProblem(Map.of("DATABASE_QUEUE_CAPACITY", "0"), "DATABASE_QUEUE_CAPACITY",
                "must be a positive whole number, not 0");
    }

    @Test
    void driverMessagesLoseTheirPasswordsAndLineBreaks() {
        assertThat(Text.oneLine("cannot connect to jdbc:postgresql://db/x?user=a&password=s3cret&ssl=true\n  retry",
                "hunter2")).isEqualTo("cannot connect to jdbc:postgresql://db/x?user=a&password=***&ssl=true retry");
        assertThat(Text.oneLine("auth failed for hunter2", "hunter2")).isEqualTo("auth failed for ***");
    }

    private static void assertProblem(Map<String, String> raw, String setting, String problem) {
        assertThatThrownBy(() -> DatabaseSettings.from(raw))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid setting " + setting + ": " + problem)
                .satisfies(e -> assertThat(((ConfigException) e).setting()).isEqualTo(setting));
    }
}
