package io.github.geminibalance.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.store.ErrorRecord;
import io.github.geminibalance.store.KeyAddition;
import io.github.geminibalance.store.InMemoryRecordStore;
import io.github.geminibalance.store.KeyCounter;
import io.github.geminibalance.store.KeyMark;
import io.github.geminibalance.store.MarkKind;
import io.github.geminibalance.store.Page;
import io.github.geminibalance.store.RecordQuery;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.SeedResult;
import io.github.geminibalance.store.StoredKey;
import io.github.geminibalance.store.UsageGroup;
import io.github.geminibalance.store.UsageQuery;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every database must do the same way. Subclasses start a real database and hand out a fresh,
 * empty one per test. Records are compared with what {@link InMemoryRecordStore} answers for the same
 * input, so both implementations are held to one behaviour.
 */
abstract class StoreContract {

    static final long FLUSH = 60_000;

    final MutableClock clock = new MutableClock(Fixtures.T0.plus(Duration.ofDays(12)));
    private final ScheduledExecutorService idle = Executors.newSingleThreadScheduledExecutor();
    private final List<JdbcStore> opened = new ArrayList<>();

    /** Raw settings naming a new, empty database. */
    abstract Map<String, String> newDatabase();

    JdbcStore open(Map<String, String> raw) {
        JdbcStore store = JdbcStore.open(DatabaseSettings.from(raw), clock, idle);
        opened.add(store);
        return store;
    }

    static Map<String, String> with(Map<String, String> raw, String... pairs) {
        Map<String, String> copy = new HashMap<>(raw);
        for (int i = 0; i < pairs.length; i += 2) {
            copy.put(pairs[i], pairs[i + 1]);
        }
        return copy;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JdbcStore::close);
        idle.shutdownNow();
    }

    static long count(JdbcStore store, String sql) {
        try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void migratesAnEmptyDatabaseAndOpensItAgain() {
        Map<String, String> db = newDatabase();
        JdbcStore store = open(db);
        assertThat(count(store, "SELECT COUNT(*) FROM gb_schema_history WHERE success = " + trueLiteral()))
                .isEqualTo(7);
        for (String table : List.of("gb_key", "gb_key_mark", "gb_key_counter", "gb_request", "gb_error", "gb_usage",
                "gb_usage_day", "gb_setting", "gb_response", "gb_image", "gb_resource")) {
            assertThat(count(store, "SELECT COUNT(*) FROM " + table)).as(table).isZero();
        }
        store.close();
        JdbcStore again = open(db);
        assertThat(count(again, "SELECT COUNT(*) FROM gb_schema_history")).isEqualTo(7);
        assertThat(again.queries().requests(RecordQuery.latest(10)).items()).isEmpty();
    }

    String trueLiteral() {
        return "TRUE";
    }

    @Test
    void seedKeepsOperatorDecisionsAndMarksAcrossARestart() {
        Map<String, String> db = newDatabase();
        String a = "AIzaSyA-first-key-0000000000000001";
        String b = "AIzaSyB-second-key-000000000000002";
        String c = "AIzaSyC-third-key-0000000000000003";
        String d = "AIzaSyD-fourth-key-000000000000004";
        JdbcStore store = open(db);
        SeedResult first = store.keys().seed(List.of(a, b, c, a, " "));
        assertThat(first.added()).hasSize(3);
        String idA = first.added().get(0);
        String idB = first.added().get(1);
        String idC = first.added().get(2);
        clock.advance(Duration.ofMinutes(1));
        assertThat(store.keys().delete(idB)).isTrue();
        assertThat(store.keys().disable(idC, null)).isTrue();
        assertThat(store.keys().note(idA, "team key")).isTrue();
        Instant now = clock.instant();
        store.keys().mark(KeyMark.invalid(idA, "API_KEY_INVALID", now));
        store.keys().mark(new KeyMark(idC, MarkKind.COOLDOWN, "gemini-2.5-pro", now.plusSeconds(60), "429", now));
        store.keys().mark(new KeyMark(idC, MarkKind.EXHAUSTED, "gemini-2.5-flash", now.plusSeconds(3600),
                "RESOURCE_EXHAUSTED", now));
        store.keys().mark(new KeyMark(idC, MarkKind.COOLDOWN, "gemini-2.0-flash", now.minusSeconds(1), "429", now));
        LocalDate day = LocalDate.of(2026, 11, 13);
        store.keys().count(idA, day, 3, 300);
        store.keys().count(idA, day, 2, 50);
        assertThat(store.flush(FLUSH)).isTrue();
        store.close();

        JdbcStore restarted = open(db);
        SeedResult second = restarted.keys().seed(List.of(a, b, c, d));
        assertThat(second.added()).containsExactly(new io.github.geminibalance.keys.ApiKey(d).id());
        assertThat(second.keptDeleted()).containsExactly(idB);
        assertThat(second.usable()).extracting(StoredKey::id).containsExactly(idA, idC, second.added().get(0));
        StoredKey storedC = restarted.keys().find(idC).orElseThrow();
        assertThat(storedC.disabled()).isTrue();
        assertThat(storedC.disabledUntil()).isNull();
        assertThat(storedC.disabledAt(clock.instant())).isTrue();
        assertThat(restarted.keys().find(idA).orElseThrow().note()).isEqualTo("team key");
        assertThat(restarted.keys().find(idA).orElseThrow().value()).isEqualTo(a);
        assertThat(restarted.keys().deleted()).extracting(StoredKey::id).containsExactly(idB);
        assertThat(restarted.keys().deleted().get(0).deletedAt()).isEqualTo(now);
        assertThat(restarted.keys().marks(clock.instant()))
                .extracting(m -> m.keyId() + " " + m.kind() + " " + m.model() + " " + m.until())
                .containsExactlyInAnyOrder(idA + " INVALID  null",
                        idC + " COOLDOWN gemini-2.5-pro " + now.plusSeconds(60),
                        idC + " EXHAUSTED gemini-2.5-flash " + now.plusSeconds(3600));
        assertThat(restarted.keys().counters(day)).containsExactly(new KeyCounter(idA, day, 5, 350));

        restarted.keys().clearMark(idC, MarkKind.COOLDOWN, "gemini-2.5-pro");
        restarted.keys().clearMarks(idA);
        assertThat(restarted.flush(FLUSH)).isTrue();
        assertThat(restarted.keys().marks(clock.instant())).extracting(KeyMark::kind).containsExactly(MarkKind.EXHAUSTED);
        assertThat(restarted.keys().restore(idB)).isTrue();
        assertThat(restarted.keys().enable(idC)).isTrue();
        assertThat(restarted.keys().list()).extracting(StoredKey::id).containsExactly(idA, idB, idC,
                second.added().get(0));
        assertThat(restarted.keys().list()).noneMatch(StoredKey::disabled);
        assertThat(restarted.keys().add(b, "re-added").note()).isEqualTo("re-added");
        assertThat(restarted.keys().delete("k-unknown")).isFalse();
    }

    @Test
    void addAllAndDeleteAllHandleThousandsOfKeysInOneBatchAndKeepDeletionTimes() {
        JdbcStore store = open(newDatabase());
        String seeded = key(0);
        store.keys().seed(List.of(seeded));
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            values.add(key(i));
        }
        long started = System.nanoTime();
        List<KeyAddition> added = store.keys().addAll(values);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(added).hasSize(3000);
        assertThat(added.get(0).existing()).as("the seeded key").isTrue();
        assertThat(added.subList(1, 3000)).noneMatch(KeyAddition::existing);
        assertThat(added).extracting(a -> a.key().value()).containsExactlyElementsOf(values);
        assertThat(store.keys().list()).hasSize(3000);
        assertThat(store.keys().list().get(2999).value()).as("added in order").isEqualTo(values.get(2999));
        assertThat(took).as("one batch, not 3000 transactions").isLessThan(Duration.ofSeconds(20));

        String first = added.get(1).key().id();
        String second = added.get(2).key().id();
        Instant deletedAt = clock.instant();
        assertThat(store.keys().deleteAll(List.of(first, "k-00000000", second, first))).containsExactly(first, second);
        clock.advance(Duration.ofMinutes(5));
        assertThat(store.keys().delete(first)).as("a deleted key is known").isTrue();
        assertThat(store.keys().deleteAll(List.of(first))).as("deleted before").isEmpty();
        assertThat(store.keys().find(first).orElseThrow().deletedAt()).as("kept").isEqualTo(deletedAt);
        assertThat(store.keys().list()).hasSize(2998);

        List<KeyAddition> again = store.keys().addAll(List.of(values.get(1), values.get(3)));
        assertThat(again.get(0).existing()).as("restored").isFalse();
        assertThat(again.get(0).key().deleted()).isFalse();
        assertThat(again.get(1).existing()).isTrue();
        assertThat(store.keys().find(first).orElseThrow().deleted()).isFalse();
        assertThat(store.keys().deleted()).extracting(StoredKey::id).containsExactly(second);
    }

    private static String key(int i) {
        return "AIzaSyBulk" + String.format("%029d", i);
    }

    @Test
    void recordsFilterAndPageLikeTheMemoryStore() {
        JdbcStore store = open(with(newDatabase(), "ERROR_LOG_RECORD_REQUEST_BODY", "true"));
        InMemoryRecordStore memory = new InMemoryRecordStore(10_000, 400);
        List<RequestRecord> requests = Fixtures.requests(240, Fixtures.T0, Duration.ofDays(10), 1);
        List<ErrorRecord> errors = Fixtures.errors(90, Fixtures.T0, Duration.ofDays(10), 2);
        requests.forEach(r -> assertThat(store.sink().offer(r)).isTrue());
        errors.forEach(e -> assertThat(store.sink().offer(e)).isTrue());
        requests.forEach(memory::offer);
        errors.forEach(memory::offer);
        assertThat(store.flush(FLUSH)).isTrue();
        assertThat(store.sink().droppedRecords()).isZero();

        List<RecordQuery> queries = List.of(
                RecordQuery.latest(25),
                RecordQuery.latest(25).model("gemini-2.5-pro"),
                RecordQuery.latest(25).key("k-00000002"),
                RecordQuery.latest(25).status(429),
                RecordQuery.latest(25).client("alice"),
                RecordQuery.latest(25).between(Fixtures.T0.plus(Duration.ofDays(2)), Fixtures.T0.plus(Duration.ofDays(5))),
                RecordQuery.latest(7).model("gemini-2.5-flash").status(200).client("bob"));
        for (RecordQuery query : queries) {
            List<String> paged = all(query, store.queries()::requests, RequestRecord::requestId);
            List<String> expected = all(query.after(null).withLimit(1000), memory::requests, RequestRecord::requestId);
            assertThat(paged).as(query.toString()).isNotEmpty().containsExactlyElementsOf(expected);
            assertThat(all(query, memory::requests, RequestRecord::requestId)).containsExactlyElementsOf(expected);
            List<String> pagedErrors = all(query, store.queries()::errors, ErrorRecord::requestId);
            List<String> expectedErrors = all(query.withLimit(1000), memory::errors, ErrorRecord::requestId);
            assertThat(pagedErrors).as("errors " + query).containsExactlyElementsOf(expectedErrors);
        }
        Page<RequestRecord> first = store.queries().requests(RecordQuery.latest(25));
        assertThat(first.nextCursor()).isNotNull();
        RequestRecord newest = first.items().get(0);
        RequestRecord source = requests.stream().filter(r -> r.requestId().equals(newest.requestId())).findFirst()
                .orElseThrow();
        assertThat(newest.withId(0)).isEqualTo(source);
        assertThat(all(RecordQuery.latest(25), store.queries()::requests, RequestRecord::requestId)).hasSize(240);

        ErrorRecord listed = store.queries().errors(RecordQuery.latest(1)).items().get(0);
        assertThat(listed.requestBody()).isNull();
        ErrorRecord detail = store.queries().error(listed.id()).orElseThrow();
        assertThat(detail.requestBody()).isEqualTo(errors.get(errors.size() - 1).requestBody());
        assertThat(detail.withId(0)).isEqualTo(errors.get(errors.size() - 1));
        assertThat(store.queries().error(999_999)).isEmpty();
    }

    @Test
    void errorRecordsKeepNoRequestBodyByDefault() {
        JdbcStore store = open(newDatabase());
        store.sink().offer(Fixtures.errors(1, Fixtures.T0, Duration.ofDays(1), 3).get(0));
        assertThat(store.flush(FLUSH)).isTrue();
        long id = store.queries().errors(RecordQuery.latest(1)).items().get(0).id();
        assertThat(store.queries().error(id).orElseThrow().requestBody()).isNull();
    }

    static <T> List<String> all(RecordQuery query, Function<RecordQuery, Page<T>> source, Function<T, String> id) {
        List<String> ids = new ArrayList<>();
        RecordQuery next = query;
        while (true) {
            Page<T> page = source.apply(next);
            page.items().forEach(item -> ids.add(id.apply(item)));
            if (page.nextCursor() == null) {
                return ids;
            }
            assertThat(page.items()).hasSize(query.limit());
            next = next.after(page.nextCursor());
        }
    }

    @Test
    void usageIsAggregatedLikeTheMemoryStore() {
        JdbcStore store = open(newDatabase());
        InMemoryRecordStore memory = new InMemoryRecordStore(10_000, 400);
        List<RequestRecord> requests = Fixtures.requests(600, Fixtures.T0, Duration.ofDays(6), 4);
        List<ErrorRecord> errors = Fixtures.errors(150, Fixtures.T0, Duration.ofDays(6), 5);
        requests.forEach(store.sink()::offer);
        errors.forEach(store.sink()::offer);
        requests.forEach(memory::offer);
        errors.forEach(memory::offer);
        assertThat(store.flush(FLUSH)).isTrue();
        LocalDate from = LocalDate.ofInstant(Fixtures.T0, ZoneOffset.UTC);
        List<UsageQuery> queries = List.of(
                UsageQuery.of(from, from.plusDays(30)),
                UsageQuery.of(from, from.plusDays(30), UsageGroup.DAY),
                UsageQuery.of(from, from.plusDays(30), UsageGroup.MODEL),
                UsageQuery.of(from.plusDays(1), from.plusDays(3), UsageGroup.KEY),
                UsageQuery.of(from, from.plusDays(30), UsageGroup.CLIENT),
                UsageQuery.of(from, from.plusDays(30), UsageGroup.DAY, UsageGroup.MODEL, UsageGroup.KEY,
                        UsageGroup.CLIENT),
                new UsageQuery(from, from.plusDays(30), java.util.Set.of(UsageGroup.DAY), "gemini-2.5-pro",
                        "k-00000003", "alice"),
                new UsageQuery(from, from.plusDays(30), java.util.Set.of(UsageGroup.DAY, UsageGroup.MODEL,
                        UsageGroup.CLIENT), "gemini-2.5-pro", null, null),
                new UsageQuery(from, from.plusDays(30), java.util.Set.of(UsageGroup.MODEL), null, null, "alice"),
                UsageQuery.of(from.minusDays(30), from.minusDays(1)));
        for (UsageQuery query : queries) {
            assertThat(store.queries().usage(query)).as(query.toString()).isEqualTo(memory.usage(query));
        }
        var total = store.queries().usage(queries.get(0)).get(0);
        assertThat(total.requests()).isEqualTo(600);
        assertThat(total.errors()).isEqualTo(150);
        assertThat(total.promptTokens()).isEqualTo(requests.stream().mapToLong(RequestRecord::promptTokens).sum());
        assertThat(store.queries().usage(queries.get(1))).hasSize(6);
        assertThat(store.queries().usage(queries.get(9))).isEmpty();
    }

    @Test
    void retentionDeletesOldRowsInSmallBatchesAndZeroKeeps() {
        Map<String, String> db = with(newDatabase(), "AUTO_DELETE_REQUEST_LOGS_DAYS", "30",
                "AUTO_DELETE_ERROR_LOGS_DAYS", "7", "USAGE_RETENTION_DAYS", "30");
        JdbcStore store = open(db);
        clock.set(Instant.parse("2026-12-31T12:00:00Z"));
        Instant now = clock.instant();
        Fixtures.requests(20, now.minus(Duration.ofDays(40)), Duration.ofHours(1), 6).forEach(store.sink()::offer);
        Fixtures.requests(10, now.minus(Duration.ofDays(20)), Duration.ofHours(1), 7).forEach(store.sink()::offer);
        Fixtures.errors(15, now.minus(Duration.ofDays(10)), Duration.ofHours(1), 8).forEach(store.sink()::offer);
        Fixtures.errors(5, now.minus(Duration.ofDays(1)), Duration.ofHours(1), 9).forEach(store.sink()::offer);
        store.keys().count("k-00000001", LocalDate.of(2026, 12, 1), 1, 1);
        store.keys().count("k-00000001", LocalDate.of(2026, 12, 30), 1, 1);
        store.keys().mark(new KeyMark("k-00000001", MarkKind.COOLDOWN, "m", now.minusSeconds(5), null, now));
        store.keys().mark(new KeyMark("k-00000001", MarkKind.COOLDOWN, "n", now.plusSeconds(5), null, now));
        assertThat(store.flush(FLUSH)).isTrue();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        long oldUsageRows = count(store, "SELECT COUNT(*) FROM gb_usage WHERE day < " + today.minusDays(30).toEpochDay())
                + count(store, "SELECT COUNT(*) FROM gb_usage_day WHERE day < " + today.minusDays(30).toEpochDay());
        assertThat(oldUsageRows).isPositive();

        DatabaseSettings keepAll = DatabaseSettings.from(with(db, "AUTO_DELETE_REQUEST_LOGS_DAYS", "0",
                "AUTO_DELETE_ERROR_LOGS_DAYS", "0", "USAGE_RETENTION_DAYS", "0"));
        Retention.Result kept = new Retention(store.dataSource(), new Dialect(keepAll.type()), new ReentrantLock(),
                clock, keepAll, 7).runOnce();
        assertThat(kept.requests() + kept.errors() + kept.usageRows()).isZero();
        assertThat(kept.other()).isEqualTo(2);

        Retention.Result result = new Retention(store.dataSource(), new Dialect(store.settings().type()),
                new ReentrantLock(), clock, store.settings(), 7).runOnce();
        assertThat(result).isEqualTo(new Retention.Result(20, 15, oldUsageRows, 0));
        assertThat(count(store, "SELECT COUNT(*) FROM gb_request")).isEqualTo(10);
        assertThat(count(store, "SELECT COUNT(*) FROM gb_error")).isEqualTo(5);
        assertThat(count(store, "SELECT COUNT(*) FROM gb_usage WHERE day < " + today.minusDays(30).toEpochDay())).isZero();
        assertThat(count(store, "SELECT COUNT(*) FROM gb_usage_day WHERE day < " + today.minusDays(30).toEpochDay()))
                .isZero();
        assertThat(store.keys().counters(LocalDate.of(2026, 12, 30))).hasSize(1);
        assertThat(store.keys().marks(now.minusSeconds(60))).extracting(KeyMark::model).containsExactly("n");
        assertThat(store.retention().runOnce()).isEqualTo(new Retention.Result(0, 0, 0, 0));
    }
}
