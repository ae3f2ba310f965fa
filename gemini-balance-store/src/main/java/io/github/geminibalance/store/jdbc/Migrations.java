package io.github.geminibalance.store.jdbc;

import io.github.geminibalance.config.ConfigException;
import java.util.Arrays;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * The schema: Flyway migrations from {@code db/migration/<database>}, history in {@code gb_schema_history}.
 * A schema newer than this code knows, or one whose history does not match the migrations, is refused
 * before anything is written; nothing is ever repaired or cleaned automatically.
 */
final class Migrations {

    static final String HISTORY = "gb_schema_history";

    private Migrations() {}

    private static Flyway flyway(DataSource dataSource, DatabaseType type) {
        return Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations(type.migrationLocation())
                .table(HISTORY)
                .failOnMissingLocations(true)
                .validateOnMigrate(true)
                .cleanDisabled(true)
                .load();
    }

    /**
     * Refuses a schema that is newer than these migrations or has failed migrations, reading only.
     *
     * @param setting the setting named in the error
     */
    static void check(DataSource dataSource, DatabaseType type, String setting) {
        MigrationInfo[] applied;
        try {
            applied = flyway(dataSource, type).info().applied();
        } catch (FlywayException e) {
            throw new ConfigException(setting, "cannot read the database schema: " + Text.oneLine(e.getMessage(), null));
        }
        String newer = Arrays.stream(applied)
                .filter(m -> m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED)
                .map(m -> String.valueOf(m.getVersion()))
                .reduce((a, b) -> b).orElse(null);
        if (newer != null) {
            throw new ConfigException(setting, "the database schema is at version " + newer
                    + ", newer than this gemini-balance knows (" + latest(dataSource, type)
                    + "); refusing to start, the database was left untouched (run the newer version or restore a backup)");
        }
        if (Arrays.stream(applied).anyMatch(m -> m.getState().isFailed())) {
            throw new ConfigException(setting, "the database schema has a failed migration in " + HISTORY
                    + "; refusing to start, the database was left untouched (restore a backup)");
        }
    }

    /** Brings the schema up to date; returns the number of migrations applied. */
    static int migrate(DataSource dataSource, DatabaseType type, String setting) {
        try {
            return flyway(dataSource, type).migrate().migrationsExecuted;
        } catch (FlywayException e) {
            throw new ConfigException(setting, "cannot migrate the database schema: " + Text.oneLine(e.getMessage(), null));
        }
    }

    private static String latest(DataSource dataSource, DatabaseType type) {
        return Arrays.stream(flyway(dataSource, type).info().all())
                .filter(m -> m.getState() != MigrationState.FUTURE_SUCCESS && m.getState() != MigrationState.FUTURE_FAILED)
                .map(m -> String.valueOf(m.getVersion()))
                .reduce((a, b) -> b).orElse("none");
    }
}
