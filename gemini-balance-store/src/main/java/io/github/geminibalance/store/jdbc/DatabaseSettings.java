package io.github.geminibalance.store.jdbc;

import io.github.geminibalance.config.ConfigException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where the store lives and how long it keeps records, read from the {@code DATABASE_*} settings (see
 * docs/storage.md). {@link #toString()} never shows the password.
 *
 * @param type the database
 * @param jdbcUrl the JDBC URL the driver is given (never shown: it may carry credentials)
 * @param user the user, or null
 * @param password the password, or null
 * @param sqliteFile the SQLite file, or null for other databases
 * @param urlSetting the setting named when the database cannot be reached ({@code SQLITE_DATABASE},
 *     {@code DATABASE_URL} or {@code MYSQL_HOST})
 * @param passwordSetting the setting named when the credentials are refused
 * @param errorLogDays days error records are kept, 0 = forever
 * @param requestLogDays days request records are kept, 0 = forever
 * @param usageDays days usage aggregates are kept, 0 = forever
 * @param recordRequestBody whether error records keep the request body
 * @param queueCapacity how many records may wait for the writer before new ones are dropped
 * @param poolSize the maximum number of connections
 */
public record DatabaseSettings(
        DatabaseType type,
        String jdbcUrl,
        String user,
        String password,
        Path sqliteFile,
        String urlSetting,
        String passwordSetting,
        int errorLogDays,
        int requestLogDays,
        int usageDays,
        boolean recordRequestBody,
        int queueCapacity,
        int poolSize) {

    /** Days error records are kept; can change at run time. */
    public static final String AUTO_DELETE_ERROR_LOGS_DAYS = "AUTO_DELETE_ERROR_LOGS_DAYS";
    /** Days request records are kept; can change at run time. */
    public static final String AUTO_DELETE_REQUEST_LOGS_DAYS = "AUTO_DELETE_REQUEST_LOGS_DAYS";
    /** Days usage aggregates are kept; can change at run time. */
    public static final String USAGE_RETENTION_DAYS = "USAGE_RETENTION_DAYS";

    /**
     * The retention settings, which may change while the store runs: the daily clean-up reads their stored
     * overrides ({@link io.github.geminibalance.store.Store#settingOverrides()}) on every run.
     */
    public static final java.util.List<String> RETENTION_SETTINGS = java.util.List.of(
            AUTO_DELETE_ERROR_LOGS_DAYS, AUTO_DELETE_REQUEST_LOGS_DAYS, USAGE_RETENTION_DAYS);

    private static final Map<String, Integer> RETENTION_DEFAULTS = Map.of(
            AUTO_DELETE_ERROR_LOGS_DAYS, 7, AUTO_DELETE_REQUEST_LOGS_DAYS, 30, USAGE_RETENTION_DAYS, 400);

    /**
     * Reads one retention setting with the rules of start-up (a whole number of days, 0 to keep forever;
     * blank: the default).
     *
     * @param name one of {@link #RETENTION_SETTINGS}
     * @param raw the raw value
     * @return the days
     * @throws ConfigException naming the setting when the value is refused
     * @throws IllegalArgumentException when {@code name} is not a retention setting
     */
    public static int retentionDays(String name, String raw) {
        Integer fallback = RETENTION_DEFAULTS.get(name);
        if (fallback == null) {
            throw new IllegalArgumentException(name + " is not a retention setting");
        }
        return new Reader(Map.of(name, raw)).days(name, fallback);
    }

    /** The SQLite file used when neither {@code SQLITE_DATABASE} nor {@code DATABASE_URL} is set. */
    public static final String DEFAULT_SQLITE_FILE = "data/gemini-balance.db";

    /**
     * Reads the settings. Unknown names are ignored; empty values count as unset.
     *
     * @param raw every setting by name (environment, {@code .env}, system properties, merged)
     * @throws ConfigException naming the first setting that is malformed
     */
    public static DatabaseSettings from(Map<String, String> raw) {
        Reader in = new Reader(raw);
        String url = in.get("DATABASE_URL");
        DatabaseType type = type(in.get("DATABASE_TYPE"), url);
        int errorDays = in.days(AUTO_DELETE_ERROR_LOGS_DAYS, RETENTION_DEFAULTS.get(AUTO_DELETE_ERROR_LOGS_DAYS));
        int requestDays = in.days(AUTO_DELETE_REQUEST_LOGS_DAYS, RETENTION_DEFAULTS.get(AUTO_DELETE_REQUEST_LOGS_DAYS));
        int usageDays = in.days(USAGE_RETENTION_DAYS, RETENTION_DEFAULTS.get(USAGE_RETENTION_DAYS));
        boolean body = in.bool("ERROR_LOG_RECORD_REQUEST_BODY", false);
        int queue = in.positive("DATABASE_QUEUE_CAPACITY", 10_000);
        int pool = in.positive("DATABASE_POOL_SIZE", type == DatabaseType.SQLITE ? 4 : 10);
        String user = in.get("DATABASE_USER");
        String password = in.get("DATABASE_PASSWORD");
        return switch (type) {
            case NONE -> new DatabaseSettings(type, null, null, null, null, "DATABASE_TYPE", "DATABASE_PASSWORD",
                    errorDays, requestDays, usageDays, body, queue, pool);
            case SQLITE -> {
                String setting = url != null ? "DATABASE_URL" : "SQLITE_DATABASE";
                String file = url != null ? url.substring("jdbc:sqlite:".length())
                        : in.getOr("SQLITE_DATABASE", DEFAULT_SQLITE_FILE);
                if (file.isBlank() || file.startsWith(":memory:") || file.startsWith("file:")) {
                    throw new ConfigException(setting, "must name a SQLite file, such as " + DEFAULT_SQLITE_FILE);
                }
                Path path = Path.of(file).toAbsolutePath().normalize();
                yield new DatabaseSettings(type, "jdbc:sqlite:" + path, null, null, path, setting,
                        "DATABASE_PASSWORD", errorDays, requestDays, usageDays, body, queue, pool);
            }
            case POSTGRES -> {
                if (url == null) {
                    throw new ConfigException("DATABASE_URL",
                            "is required for DATABASE_TYPE=postgres, such as jdbc:postgresql://db:5432/gemini_balance");
                }
                if (!url.startsWith("jdbc:postgresql:")) {
                    throw new ConfigException("DATABASE_URL", "must start with jdbc:postgresql: for DATABASE_TYPE=postgres");
                }
                yield new DatabaseSettings(type, url, user, password, null, "DATABASE_URL", "DATABASE_PASSWORD",
                        errorDays, requestDays, usageDays, body, queue, pool);
            }
            case MYSQL -> mysql(in, url, user, password, errorDays, requestDays, usageDays, body, queue, pool);
        };
    }

    private static DatabaseSettings mysql(Reader in, String url, String user, String password, int errorDays,
            int requestDays, int usageDays, boolean body, int queue, int pool) {
        if (url != null) {
            if (!url.startsWith("jdbc:mysql:") && !url.startsWith("jdbc:mariadb:")) {
                throw new ConfigException("DATABASE_URL",
                        "must start with jdbc:mysql: or jdbc:mariadb: for DATABASE_TYPE=mysql");
            }
            String driverUrl = "jdbc:mariadb:" + url.substring(url.indexOf(':', 5) + 1);
            return new DatabaseSettings(DatabaseType.MYSQL, driverUrl, user, password, null, "DATABASE_URL",
                    "DATABASE_PASSWORD", errorDays, requestDays, usageDays, body, queue, pool);
        }
        String host = in.get("MYSQL_HOST");
        if (host == null) {
            throw new ConfigException("MYSQL_HOST", "is required for DATABASE_TYPE=mysql (or set DATABASE_URL)");
        }
        int port = in.port("MYSQL_PORT", 3306);
        String database = in.get("MYSQL_DATABASE");
        if (database == null) {
            throw new ConfigException("MYSQL_DATABASE", "is required for DATABASE_TYPE=mysql (or set DATABASE_URL)");
        }
        if (!database.matches("[A-Za-z0-9_$-]+")) {
            throw new ConfigException("MYSQL_DATABASE", "must be a plain database name (letters, digits, _ - $)");
        }
        boolean ownPassword = in.get("MYSQL_PASSWORD") != null;
        return new DatabaseSettings(DatabaseType.MYSQL, "jdbc:mariadb://" + host + ":" + port + "/" + database,
                in.getOr("MYSQL_USER", user), ownPassword ? in.get("MYSQL_PASSWORD") : password, null, "MYSQL_HOST",
                ownPassword ? "MYSQL_PASSWORD" : "DATABASE_PASSWORD", errorDays, requestDays, usageDays, body, queue,
                pool);
    }

    private static DatabaseType type(String value, String url) {
        if (value == null) {
            if (url == null || url.startsWith("jdbc:sqlite:")) {
                return DatabaseType.SQLITE;
            }
            if (url.startsWith("jdbc:postgresql:")) {
                return DatabaseType.POSTGRES;
            }
            if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
                return DatabaseType.MYSQL;
            }
            throw new ConfigException("DATABASE_URL",
                    "must start with jdbc:sqlite:, jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb:");
        }
        DatabaseType type = switch (value.toLowerCase(Locale.ROOT)) {
            case "sqlite" -> DatabaseType.SQLITE;
            case "postgres", "postgresql" -> DatabaseType.POSTGRES;
            case "mysql", "mariadb" -> DatabaseType.MYSQL;
            case "none", "memory" -> DatabaseType.NONE;
            default -> throw new ConfigException("DATABASE_TYPE",
                    "must be sqlite, postgres, mysql or none, not '" + value + "'");
        };
        if (type == DatabaseType.SQLITE && url != null && !url.startsWith("jdbc:sqlite:")) {
            throw new ConfigException("DATABASE_URL", "must start with jdbc:sqlite: for DATABASE_TYPE=sqlite");
        }
        return type;
    }

    /** Whether records and keys live only in memory. */
    public boolean inMemory() {
        return type == DatabaseType.NONE;
    }

    @Override
    public String toString() {
        return "DatabaseSettings[type=" + type + (sqliteFile != null ? ", file=" + sqliteFile : "")
                + ", user=" + user + ", password=" + (password == null ? "none" : "***")
                + ", errorLogDays=" + errorLogDays + ", requestLogDays=" + requestLogDays + ", usageDays=" + usageDays
                + ", recordRequestBody=" + recordRequestBody + ", queueCapacity=" + queueCapacity
                + ", poolSize=" + poolSize + "]";
    }

    /** Reads raw settings, blank = unset. */
    private record Reader(Map<String, String> raw) {

        String get(String name) {
            String value = raw.get(name);
            return value == null || value.isBlank() ? null : value.strip();
        }

        String getOr(String name, String fallback) {
            String value = get(name);
            return value == null ? fallback : value;
        }

        int days(String name, int fallback) {
            int days = integer(name, fallback, "must be a whole number of days, 0 to keep forever");
            if (days < 0) {
                throw new ConfigException(name, "must be a whole number of days, 0 to keep forever, not " + days);
            }
            return days;
        }

        int positive(String name, int fallback) {
            int value = integer(name, fallback, "must be a positive whole number");
            if (value < 1) {
                throw new ConfigException(name, "must be a positive whole number, not " + value);
            }
            return value;
        }

        int port(String name, int fallback) {
            int value = integer(name, fallback, "must be a port number, 1 to 65535");
            if (value < 1 || value > 65535) {
                throw new ConfigException(name, "must be a port number, 1 to 65535, not " + value);
            }
            return value;
        }

        private int integer(String name, int fallback, String problem) {
            String value = get(name);
            if (value == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new ConfigException(name, problem + ", not '" + value + "'");
            }
        }

        boolean bool(String name, boolean fallback) {
            String value = get(name);
            if (value == null) {
                return fallback;
            }
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new ConfigException(name, "must be true or false, not '" + value + "'");
            };
        }
    }
}
