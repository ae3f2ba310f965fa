package io.github.geminibalance.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.store.RecordQuery;
import io.github.geminibalance.store.RequestRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on SQLite files, and what only a file can get wrong. */
class SqliteStoreTest extends StoreContract {

    @TempDir
    Path dir;
    private int files;

    @Override
    Map<String, String> newDatabase() {
        return Map.of("SQLITE_DATABASE", dir.resolve("sub" + (++files)).resolve("gemini-balance.db").toString());
    }

    @Override
    String trueLiteral() {
        return "1";
    }

    @Test
    void createsTheFileAndItsDirectoryInWalModeReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("a/b/c.db");
        JdbcStore store = open(Map.of("SQLITE_DATABASE", file.toString()));
        assertThat(file).exists();
        assertThat(Files.getPosixFilePermissions(file)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
            var rs = s.executeQuery("PRAGMA journal_mode");
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
            rs = s.executeQuery("PRAGMA busy_timeout");
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(10_000);
        }
    }

    @Test
    void schemaTwoFillsTheUsagePerDayFromTheUsageOfAnEarlierSchema() throws Exception {
        Path file = dir.resolve("v1.db");
        DatabaseSettings settings = DatabaseSettings.from(java.util.Map.of("SQLITE_DATABASE", file.toString()));
        Connections.prepareSqlite(settings);
        try (var pool = Connections.pool(settings)) {
            org.flywaydb.core.Flyway.configure(getClass().getClassLoader()).dataSource(pool)
                    .locations(DatabaseType.SQLITE.migrationLocation()).table(Migrations.HISTORY).target("1").load()
                    .migrate();
            try (var c = pool.getConnection(); var s = c.createStatement()) {
                s.execute("INSERT INTO gb_usage VALUES (20000, 'm', 'k-00000001', 'a', 3, 1, 10, 20, 5, 1),"
                        + " (20000, 'm', 'k-00000002', 'a', 4, 0, 1, 2, 3, 4), (20001, 'm', 'k-00000001', '', 1, 0, 1, 1, 1, 1)");
            }
        }

        try (JdbcStore store = JdbcStore.open(settings, java.time.Clock.systemUTC(), null)) {
            assertThat(store.queries().usage(io.github.geminibalance.store.UsageQuery.of(java.time.LocalDate.ofEpochDay(20000),
                    java.time.LocalDate.ofEpochDay(20001), io.github.geminibalance.store.UsageGroup.DAY)))
                    .containsExactly(
                            new io.github.geminibalance.store.UsageRow(java.time.LocalDate.ofEpochDay(20000), null, null,
                                    null, 7, 1, 11, 22, 8, 5),
                            new io.github.geminibalance.store.UsageRow(java.time.LocalDate.ofEpochDay(20001), null, null,
                                    null, 1, 0, 1, 1, 1, 1));
            assertThat(StoreContract.count(store, "SELECT COUNT(*) FROM gb_usage_day")).isEqualTo(2);
        }
    }

    @Test
    void theWriterRunsAtTheLowestCpuPriorityOnLinux() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isSymbolicLink(Path.of("/proc/thread-self")),
                "Linux only");
        try (JdbcStore store = JdbcStore.open(DatabaseSettings.from(java.util.Map.of("SQLITE_DATABASE",
                dir.resolve("nice.db").toString())), java.time.Clock.systemUTC(), null)) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (store.writerThreadId() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long tid = store.writerThreadId();
            assertThat(tid).as("renice is part of util-linux").isPositive();
            String stat = java.nio.file.Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            assertThat(fields[16]).as("nice").isEqualTo("19"); // field 19 of stat, counted after the name
        }
    }

    @Test
    void defaultsToDataGeminiBalanceDb() {
        assertThat(DatabaseSettings.from(Map.of()).sqliteFile())
                .isEqualTo(Path.of("data/gemini-balance.db").toAbsolutePath().normalize());
    }

    @Test
    void refusesACorruptedFileAndLeavesItUntouched() throws IOException {
        Path file = dir.resolve("corrupt.db");
        byte[] garbage = new byte[8192];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 31 + 7);
        }
        Files.write(file, garbage);
        assertThatThrownBy(() -> open(Map.of("SQLITE_DATABASE", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid setting SQLITE_DATABASE: " + file + " is not a usable SQLite database")
                .hasMessageContaining("left untouched")
                .hasMessageNotContaining("\n");
        assertThat(java.util.Arrays.equals(Files.readAllBytes(file), garbage)).isTrue();
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("corrupt.db");
        }
    }

    @Test
    void refusesANewerSchemaAndLeavesTheFileUntouched() throws Exception {
        Path file = dir.resolve("newer.db");
        open(Map.of("SQLITE_DATABASE", file.toString())).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=DELETE");
            s.execute("INSERT INTO gb_schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, execution_time, success) VALUES (99, '99', 'from the future', 'SQL',"
                    + " 'V99__future.sql', 0, 'test', 1, 1)");
        }
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> open(Map.of("SQLITE_DATABASE", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid setting SQLITE_DATABASE: the database schema is at version 99, newer than this "
                        + "gemini-balance knows (7); refusing to start, the database was left untouched (run the newer "
                        + "version or restore a backup)");
        assertThat(java.util.Arrays.equals(Files.readAllBytes(file), before)).isTrue();
    }

    @Test
    void refusesAForeignDatabaseWithoutTouchingIt() throws Exception {
        Path file = dir.resolve("foreign.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
        }
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> open(Map.of("SQLITE_DATABASE", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid setting SQLITE_DATABASE: " + file + " is a SQLite database of another program (it"
                        + " has tables but no gb_schema_history); it was left untouched: name another file")
                .hasMessageNotContaining("\n");
        assertThat(java.util.Arrays.equals(Files.readAllBytes(file), before)).isTrue();
    }

    @Test
    void aDirectoryThatCannotBeCreatedNamesTheSetting() throws IOException {
        Path notADirectory = dir.resolve("plain-file");
        Files.writeString(notADirectory, "x");
        assertThatThrownBy(() -> open(Map.of("SQLITE_DATABASE", notADirectory.resolve("db/x.db").toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid setting SQLITE_DATABASE: cannot create the directory ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aReadOnlyDirectoryNamesTheSetting() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeFalse(ServerProcesses.root(), "root writes to read-only directories");
        Path readOnly = dir.resolve("ro");
        Files.createDirectories(readOnly);
        readOnly.toFile().setWritable(false);
        try {
            assertThatThrownBy(() -> open(Map.of("SQLITE_DATABASE", readOnly.resolve("x.db").toString())))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("Invalid setting SQLITE_DATABASE: the directory " + readOnly
                            + " is not writable");
        } finally {
            readOnly.toFile().setWritable(true);
        }
    }

    @Test
    void aFullQueueDropsRecordsCountsThemAndNeverBlocks() throws Exception {
        Map<String, String> db = with(newDatabase(), "DATABASE_QUEUE_CAPACITY", "50");
        JdbcStore store = open(db);
        List<RequestRecord> records = Fixtures.requests(300, Fixtures.T0, Duration.ofHours(1), 10);
        Path file = store.settings().sqliteFile();
        try (Connection blocker = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = blocker.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            s.execute("BEGIN EXCLUSIVE");
            assertThat(store.sink().offer(records.get(0))).isTrue();
            while (store.backlog() > 0) {
                Thread.sleep(5);
            }
            int accepted = 0;
            for (RequestRecord record : records.subList(1, 300)) {
                if (store.sink().offer(record)) {
                    accepted++;
                }
            }
            assertThat(accepted).isEqualTo(50);
            assertThat(store.sink().droppedRecords()).isEqualTo(249);
            s.execute("ROLLBACK");
        }
        assertThat(store.flush(FLUSH)).isTrue();
        long written = store.queries().requests(RecordQuery.latest(1000)).items().size();
        assertThat(written + store.sink().droppedRecords()).isEqualTo(300);
        assertThat(written).isGreaterThanOrEqualTo(50);
        assertThat(store.healthy()).isTrue();
    }
}
