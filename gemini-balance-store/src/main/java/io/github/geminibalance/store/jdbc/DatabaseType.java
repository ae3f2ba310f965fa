package io.github.geminibalance.store.jdbc;

/** The databases the store runs on. */
public enum DatabaseType {
    /** An embedded SQLite file: the default. */
    SQLITE("sqlite"),
    /** PostgreSQL. */
    POSTGRES("postgresql"),
    /** MySQL or MariaDB (through the MariaDB driver). */
    MYSQL("mysql"),
    /** No database: the store lives in memory and a restart forgets it. */
    NONE(null);

    private final String migrations;

    DatabaseType(String migrations) {
        this.migrations = migrations;
    }

    /** The Flyway location of this database's migrations, or null for {@link #NONE}. */
    public String migrationLocation() {
        return migrations == null ? null : "classpath:db/migration/" + migrations;
    }
}
