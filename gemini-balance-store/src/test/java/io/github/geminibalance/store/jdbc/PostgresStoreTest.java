package io.github.geminibalance.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.store.RecordQuery;
import io.github.geminibalance.store.RequestRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL, a database that goes away mid-load, and refused credentials. */
class PostgresStoreTest extends StoreContract {

    private static PostgresServer server;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.started();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    Map<String, String> newDatabase() {
        return Map.of("DATABASE_TYPE", "postgres", "DATABASE_URL", server.newDatabase(), "DATABASE_USER", server.user(),
                "DATABASE_PASSWORD", PostgresServer.PASSWORD);
    }

    @Test
    void aWrongPasswordIsAOneLineErrorNamingTheSettingWithoutThePassword() {
        Map<String, String> db = with(newDatabase(), "DATABASE_PASSWORD", "not-the-password-123");
        assertThatThrownBy(() -> open(db))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid setting DATABASE_PASSWORD: the database refused the credentials of user 'postgres'"
                        + " (check DATABASE_PASSWORD and the user setting)");
    }

    @Test
    void anUnreachableDatabaseIsAOneLineErrorNamingTheUrl() {
        Map<String, String> db = with(newDatabase(), "DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/nowhere");
        assertThatThrownBy(() -> open(db))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid setting DATABASE_URL: cannot open the postgres database: ")
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining(PostgresServer.PASSWORD);
    }

    @Test
    void offersNeverBlockWhileTheDatabaseIsDownAndWritingResumesAfterItsRestart() throws Exception {
        JdbcStore store = open(newDatabase());
        List<RequestRecord> before = Fixtures.requests(2_000, Fixtures.T0, Duration.ofHours(1), 20);
        List<RequestRecord> during = Fixtures.requests(20_000, Fixtures.T0.plus(Duration.ofHours(1)), Duration.ofHours(1), 21);
        List<RequestRecord> after = Fixtures.requests(500, Fixtures.T0.plus(Duration.ofHours(2)), Duration.ofHours(1), 22);
        AtomicLong slowestOfferNanos = new AtomicLong();
        AtomicBoolean failed = new AtomicBoolean();
        before.forEach(r -> offer(store, r, slowestOfferNanos, failed));
        assertThat(store.flush(FLUSH)).isTrue();

        server.kill();
        for (RequestRecord record : during) {
            offer(store, record, slowestOfferNanos, failed);
        }
        while (store.healthy()) {
            Thread.sleep(10);
        }
        for (RequestRecord record : during.subList(0, 1000)) {
            offer(store, record, slowestOfferNanos, failed);
        }
        assertThat(failed).isFalse();
        server.start();
        assertThat(store.flush(FLUSH)).as("the backlog is written or dropped").isTrue();

        after.forEach(r -> offer(store, r, slowestOfferNanos, failed));
        assertThat(store.flush(FLUSH)).isTrue();
        assertThat(store.healthy()).isTrue();
        assertThat(failed).isFalse();
        List<String> newest = StoreContract.all(RecordQuery.latest(1000).between(Fixtures.T0.plus(Duration.ofHours(2)),
                null), store.queries()::requests, RequestRecord::requestId);
        assertThat(newest).hasSize(500);
        long stored = count(store, "SELECT COUNT(*) FROM gb_request");
        assertThat(stored + store.sink().droppedRecords()).isEqualTo(2_000 + 20_000 + 1_000 + 500);
        assertThat(store.sink().droppedRecords()).isPositive();
        System.out.printf("postgres outage: slowest offer %.3f ms, %d stored, %d dropped%n",
                slowestOfferNanos.get() / 1e6, stored, store.sink().droppedRecords());
    }

    private static void offer(JdbcStore store, RequestRecord record, AtomicLong slowest, AtomicBoolean failed) {
        long start = System.nanoTime();
        try {
            store.sink().offer(record);
        } catch (RuntimeException e) {
            failed.set(true);
        }
        slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
    }
}
