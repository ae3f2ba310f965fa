package io.github.geminibalance.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.store.Attempt;
import io.github.geminibalance.store.Page;
import io.github.geminibalance.store.RecordQuery;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.UsageGroup;
import io.github.geminibalance.store.UsageQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The numbers in docs/storage.md: 1,000,000 request records (30 days, 5 models, 20 keys, 5 clients) into a
 * SQLite file, its size, and the time of the admin's queries. Not part of the build:
 * {@code mvn -pl gemini-balance-store -am test -Dtest=SqliteMillionRecordsBench -Dstore.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "store.bench", matches = "true")
class SqliteMillionRecordsBench {

    private static final int RECORDS = Integer.getInteger("store.bench.records", 1_000_000);

    @Test
    void millionRecords() throws Exception {
        Path dir = Path.of("target", "bench");
        Files.createDirectories(dir);
        Path file = dir.resolve("bench.db");
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(Path.of(file + suffix));
        }
        Instant end = Instant.parse("2026-12-01T00:00:00Z");
        Instant start = end.minus(Duration.ofDays(30));
        List<String> models = List.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash", "gemini-2.5-flash-lite",
                "text-embedding-004");
        Random random = new Random(42);
        try (JdbcStore store = JdbcStore.open(DatabaseSettings.from(Map.of("SQLITE_DATABASE", file.toString(),
                "DATABASE_QUEUE_CAPACITY", "50000")), Clock.fixed(end, ZoneOffset.UTC), null)) {
            long t0 = System.nanoTime();
            long step = Duration.between(start, end).toMillis() / RECORDS;
            for (int i = 0; i < RECORDS; i++) {
                String key = String.format("k-%08x", random.nextInt(20));
                int status = random.nextInt(10) == 0 ? 429 : 200;
                RequestRecord record = new RequestRecord(0, start.plusMillis(step * i), "chatcmpl-" + Long.toHexString(
                        random.nextLong()), "openai.chat", models.get(random.nextInt(5)), models.get(random.nextInt(5)),
                        random.nextBoolean(), "client-" + random.nextInt(5), List.of(new Attempt(key, status)), status,
                        200 + random.nextInt(5000), 100 + random.nextInt(900), random.nextInt(4000), random.nextInt(1500),
                        random.nextInt(800), random.nextInt(200), status == 200 ? "STOP" : null,
                        status == 200 ? null : "rate_limit_exceeded");
                while (!store.sink().offer(record)) {
                    Thread.sleep(1);
                }
            }
            assertThat(store.flush(600_000)).isTrue();
            double insertSeconds = (System.nanoTime() - t0) / 1e9;
            try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            long bytes = Files.size(file);
            long rejected = store.sink().droppedRecords();
            assertThat(StoreContract.count(store, "SELECT COUNT(*) FROM gb_request")).isEqualTo(RECORDS);

            String model = "gemini-2.5-pro";
            RecordQuery byModel = RecordQuery.latest(50).model(model);
            double firstPage = median(() -> store.queries().requests(byModel));
            Page<RequestRecord> page = store.queries().requests(byModel);
            for (int i = 0; i < 200; i++) {
                page = store.queries().requests(byModel.after(page.nextCursor()));
            }
            RecordQuery deep = byModel.after(page.nextCursor());
            double deepPage = median(() -> store.queries().requests(deep));
            double byKey = median(() -> store.queries().requests(RecordQuery.latest(50).key("k-00000007")));
            double byStatus = median(() -> store.queries().requests(RecordQuery.latest(50).status(429)));
            double unfiltered = median(() -> store.queries().requests(RecordQuery.latest(50)));
            LocalDate last = LocalDate.ofInstant(end, ZoneOffset.UTC).minusDays(1);
            double usageByDay = median(() -> store.queries().usage(UsageQuery.of(last.minusDays(29), last,
                    UsageGroup.DAY)));
            double usageByDayModelKey = median(() -> store.queries().usage(UsageQuery.of(last.minusDays(29), last,
                    UsageGroup.DAY, UsageGroup.MODEL, UsageGroup.KEY)));
            assertThat(store.queries().usage(UsageQuery.of(last.minusDays(29), last, UsageGroup.DAY))).hasSize(30);
            long usageRows = StoreContract.count(store, "SELECT COUNT(*) FROM gb_usage");
            long t1 = System.nanoTime();
            Retention.Result deleted = new Retention(store.dataSource(), new Dialect(DatabaseType.SQLITE),
                    new java.util.concurrent.locks.ReentrantLock(), Clock.fixed(end, ZoneOffset.UTC),
                    DatabaseSettings.from(Map.of("AUTO_DELETE_REQUEST_LOGS_DAYS", "20")), Retention.DEFAULT_BATCH)
                    .runOnce();
            double retentionSeconds = (System.nanoTime() - t1) / 1e9;

            System.out.printf("%n== SQLite, %,d request records over 30 days%n", RECORDS);
            System.out.printf("insert: %.1f s (%,.0f records/s); the producer outran the writer %,d times (queue full,"
                    + " offer retried by the benchmark)%n", insertSeconds, RECORDS / insertSeconds, rejected);
            System.out.printf("file: %,d bytes = %.0f MB per million records; %d usage rows%n", bytes,
                    bytes / 1e6 * 1_000_000 / RECORDS, usageRows);
            System.out.printf("limit=50, model filter, first page: %.2f ms (median of 21)%n", firstPage);
            System.out.printf("limit=50, model filter, page 202 by cursor: %.2f ms%n", deepPage);
            System.out.printf("limit=50, key filter: %.2f ms; status=429: %.2f ms; unfiltered: %.2f ms%n", byKey,
                    byStatus, unfiltered);
            System.out.printf("usage 30 days by day: %.2f ms; by day x model x key: %.2f ms%n", usageByDay,
                    usageByDayModelKey);
            System.out.printf("retention (keep 20 of 30 days): deleted %,d request records in %.1f s%n",
                    deleted.requests(), retentionSeconds);
        }
    }

    private static double median(Supplier<?> query) {
        double[] millis = new double[21];
        for (int i = 0; i < 5; i++) {
            query.get();
        }
        for (int i = 0; i < millis.length; i++) {
            long t = System.nanoTime();
            query.get();
            millis[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(millis);
        return millis[millis.length / 2];
    }
}
