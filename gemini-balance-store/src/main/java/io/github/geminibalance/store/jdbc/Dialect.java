package io.github.geminibalance.store.jdbc;

import java.util.List;
import java.util.stream.Collectors;

/** The few statements that differ between SQLite, PostgreSQL and MySQL/MariaDB. */
final class Dialect {

    private final DatabaseType type;

    Dialect(DatabaseType type) {
        this.type = type;
    }

    DatabaseType type() {
        return type;
    }

    /**
     * An insert that, on a key conflict, adds the new values to the stored ones ({@code additive}) or
     * replaces them.
     */
    String upsert(String table, List<String> keys, List<String> values, boolean additive) {
        String columns = String.join(", ", keys) + ", " + String.join(", ", values);
        String marks = "?" + ", ?".repeat(keys.size() + values.size() - 1);
        String insert = "INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ")";
        if (type == DatabaseType.MYSQL) {
            return insert + " ON DUPLICATE KEY UPDATE " + values.stream()
                    .map(c -> additive ? c + " = " + c + " + VALUES(" + c + ")" : c + " = VALUES(" + c + ")")
                    .collect(Collectors.joining(", "));
        }
        return insert + " ON CONFLICT (" + String.join(", ", keys) + ") DO UPDATE SET " + values.stream()
                .map(c -> additive ? c + " = " + table + "." + c + " + excluded." + c : c + " = excluded." + c)
                .collect(Collectors.joining(", "));
    }

    /** An insert that does nothing when the row's key is already stored. */
    String insertIgnore(String table, List<String> columns) {
        String marks = "?" + ", ?".repeat(columns.size() - 1);
        String body = table + " (" + String.join(", ", columns) + ") VALUES (" + marks + ")";
        return switch (type) {
            case SQLITE -> "INSERT OR IGNORE INTO " + body;
            case MYSQL -> "INSERT IGNORE INTO " + body;
            default -> "INSERT INTO " + body + " ON CONFLICT DO NOTHING";
        };
    }

    /**
     * Deletes at most {@code batch} rows of {@code table} whose {@code column} is below the one parameter,
     * oldest first, so no statement holds its locks long.
     */
    String deleteBatch(String table, String column, int batch) {
        return switch (type) {
            case MYSQL -> "DELETE FROM " + table + " WHERE " + column + " < ? ORDER BY " + column + " LIMIT " + batch;
            case SQLITE -> "DELETE FROM " + table + " WHERE rowid IN (SELECT rowid FROM " + table + " WHERE " + column
                    + " < ? ORDER BY " + column + " LIMIT " + batch + ")";
            default -> "DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM " + table + " WHERE " + column
                    + " < ? ORDER BY " + column + " LIMIT " + batch + ")";
        };
    }
}
