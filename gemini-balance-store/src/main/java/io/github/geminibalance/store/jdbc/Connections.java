package io.github.geminibalance.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.geminibalance.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Opens the connection pool, turning every way that can fail at start into a one-line
 * {@link ConfigException} naming the setting to fix (never echoing the password or the URL, which may
 * carry credentials).
 */
final class Connections {

    private Connections() {}

    /**
     * Makes sure the SQLite file can be used: creates its directory and, on first start, the file
     * (readable by its owner only: it holds the keys); refuses a file that is not a SQLite database or
     * whose schema is newer, reading only.
     */
    static void prepareSqlite(DatabaseSettings settings) {
        Path file = settings.sqliteFile();
        String setting = settings.urlSetting();
        Path dir = file.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new ConfigException(setting, "cannot create the directory " + dir + " for the SQLite database ("
                    + Connections.why(e) + ")");
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new ConfigException(setting, "the directory " + dir + " is not writable (SQLite needs to write "
                    + "its journal next to the database)");
        }
        if (Files.isDirectory(file)) {
            throw new ConfigException(setting, file + " is a directory, not a SQLite database file");
        }
        if (!Files.exists(file) || size(file) == 0) {
            createPrivate(file, setting);
            return;
        }
        if (!Files.isReadable(file) || !Files.isWritable(file)) {
            throw new ConfigException(setting, file + " is not readable and writable by this process");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        SQLiteDataSource readOnly = new SQLiteDataSource(config);
        readOnly.setUrl(settings.jdbcUrl());
        boolean foreign;
        try (Connection connection = readOnly.getConnection(); Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(CASE WHEN name = '" + Migrations.HISTORY
                        + "' THEN 1 ELSE 0 END) FROM sqlite_master WHERE type = 'table'")) {
            rs.next();
            foreign = rs.getLong(1) > 0 && rs.getLong(2) == 0;
        } catch (SQLException e) {
            throw new ConfigException(setting, file + " is not a usable SQLite database ("
                    + Text.oneLine(e.getMessage(), null) + "); it was left untouched: restore a backup or move it away");
        }
        if (foreign) {
            throw new ConfigException(setting, file + " is a SQLite database of another program (it has tables but no "
                    + Migrations.HISTORY + "); it was left untouched: name another file");
        }
        Migrations.check(readOnly, DatabaseType.SQLITE, setting);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void createPrivate(Path file, String setting) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the default permissions
            }
        } catch (IOException e) {
            throw new ConfigException(setting, "cannot create the SQLite database " + file + " ("
                    + Connections.why(e) + ")");
        }
    }

    /** The pool, with one connection opened to prove the database is reachable. */
    static HikariDataSource pool(DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("gemini-balance-store");
        config.setJdbcUrl(settings.jdbcUrl());
        if (settings.user() != null) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password());
        }
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(3_000);
        config.setValidationTimeout(2_000);
        config.setInitializationFailTimeout(1);
        switch (settings.type()) {
            case SQLITE -> {
                config.setDriverClassName("org.sqlite.JDBC");
                config.addDataSourceProperty("journal_mode", "WAL");
                config.addDataSourceProperty("synchronous", "NORMAL");
                config.addDataSourceProperty("busy_timeout", "10000");
            }
            case POSTGRES -> {
                config.setDriverClassName("org.postgresql.Driver");
                config.addDataSourceProperty("reWriteBatchedInserts", "true");
                config.addDataSourceProperty("connectTimeout", "5");
                config.addDataSourceProperty("socketTimeout", "60");
                config.addDataSourceProperty("logServerErrorDetail", "false");
            }
            case MYSQL -> {
                config.setDriverClassName("org.mariadb.jdbc.Driver");
                config.addDataSourceProperty("connectTimeout", "5000");
                config.addDataSourceProperty("socketTimeout", "60000");
            }
            default -> throw new IllegalArgumentException("no pool for " + settings.type());
        }
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw failure(settings, e);
        }
    }

    /** What went wrong with a file, in words rather than an exception's class name. */
    static String why(Exception e) {
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "a file of that name is in the way";
        }
        if (e instanceof java.nio.file.AccessDeniedException || e instanceof SecurityException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "a parent directory does not exist";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return Text.oneLine(fs.getReason(), null);
        }
        return e.getMessage() == null ? "an I/O error" : Text.oneLine(e.getMessage(), null);
    }

    /** A failure to open the database as a one-line error naming the setting to fix. */
    static ConfigException failure(DatabaseSettings settings, Throwable e) {
        SQLException sql = null;
        String detail = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (sql == null && t instanceof SQLException s) {
                sql = s;
            }
            if (t.getMessage() != null) {
                detail = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
            return new ConfigException(settings.passwordSetting(), "the database refused the credentials"
                    + (settings.user() != null ? " of user '" + settings.user() + "'" : "")
                    + " (check " + settings.passwordSetting() + " and the user setting)");
        }
        String message = sql != null ? sql.getMessage() : detail;
        if (detail != null && message != null && !message.contains(detail)) {
            message = message + ": " + detail;
        }
        return new ConfigException(settings.urlSetting(), "cannot open the " + settings.type().name().toLowerCase(
                java.util.Locale.ROOT) + " database: " + Text.oneLine(message, settings.password()));
    }
}
