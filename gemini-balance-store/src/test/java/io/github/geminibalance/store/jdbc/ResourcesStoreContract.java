package io.github.geminibalance.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.store.ResourceRepository;
import io.github.geminibalance.store.InMemoryResourceRepository;
import io.github.geminibalance.store.StoredResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every database (and the memory repository) must do the same way with key-bound resources (table
 * {@code gb_resource}, schema 7). Subclasses hand out a fresh, empty database per call of {@link #newDatabase()}.
 */
abstract class ResourcesStoreContract {

    final MutableClock clock = new MutableClock(Fixtures.T0);
    private final ScheduledExecutorService idle = Executors.newSingleThreadScheduledExecutor();
    private final List<JdbcStore> opened = new ArrayList<>();

    /** Raw settings naming a new, empty database, or null for the memory repository. */
    abstract Map<String, String> newDatabase();

    ResourceRepository resources() {
        Map<String, String> raw = newDatabase();
        if (raw == null) {
            return new InMemoryResourceRepository();
        }
        JdbcStore store = JdbcStore.open(DatabaseSettings.from(raw), clock, idle);
        opened.add(store);
        return store.resources();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JdbcStore::close);
        idle.shutdownNow();
    }

    private StoredResource file(String name, String owner, String keyId) {
        return new StoredResource(name, owner, keyId, clock.instant(), clock.instant().plus(Duration.ofHours(48)),
                "{\"name\":\"" + name + "\",\"displayName\":\"中文 ✓\"}");
    }

    @Test
    void aFileIsFoundWithItsKeyAndOwnerUntilItExpires() {
        ResourceRepository files = resources();
        assertThat(files.keeps()).isTrue();
        StoredResource stored = file("files/abc-1", "t-aaaa", "k-1234");
        files.save(stored);

        assertThat(files.find("files/abc-1", clock.instant())).contains(stored);
        assertThat(files.find("files/other", clock.instant())).isEmpty();

        clock.advance(Duration.ofHours(48));
        assertThat(files.find("files/abc-1", clock.instant())).isEmpty();
        assertThat(files.list("files", null, clock.instant(), null, 10)).isEmpty();
        assertThat(files.deleteExpired(clock.instant())).isEqualTo(1);
        assertThat(files.deleteExpired(clock.instant())).isZero();
    }

    @Test
    void listsAreByNameFilteredByOwnerAndPaged() {
        ResourceRepository files = resources();
        files.save(file("files/c", "t-aaaa", "k-1"));
        files.save(file("files/a", "t-aaaa", "k-1"));
        files.save(file("files/b", "t-bbbb", "k-2"));

        assertThat(files.list("files", null, clock.instant(), null, 10)).extracting(StoredResource::name)
                .containsExactly("files/a", "files/b", "files/c");
        assertThat(files.list("files", "t-aaaa", clock.instant(), null, 10)).extracting(StoredResource::name)
                .containsExactly("files/a", "files/c");
        assertThat(files.list("files", "t-aaaa", clock.instant(), null, 1)).extracting(StoredResource::name)
                .containsExactly("files/a");
        assertThat(files.list("files", "t-aaaa", clock.instant(), "files/a", 1)).extracting(StoredResource::name)
                .containsExactly("files/c");
        assertThat(files.list("files", "t-cccc", clock.instant(), null, 10)).isEmpty();
    }

    @Test
    void savingAgainReplacesAndDeletingRemoves() {
        ResourceRepository files = resources();
        files.save(file("files/a", "t-aaaa", "k-1"));
        StoredResource again = file("files/a", "t-aaaa", "k-2");
        files.save(again);
        assertThat(files.find("files/a", clock.instant())).contains(again);

        assertThat(files.delete("files/a")).isTrue();
        assertThat(files.delete("files/a")).isFalse();
        assertThat(files.find("files/a", clock.instant())).isEmpty();
    }

    @Test
    void kindsAreListedApartAndPagedWithinTheirKind() {
        ResourceRepository resources = resources();
        resources.save(file("files/b", "t-aaaa", "k-1"));
        resources.save(file("cachedContents/a", "t-aaaa", "k-1"));
        resources.save(file("cachedContents/b", "t-aaaa", "k-2"));
        resources.save(file("batches/123", "t-aaaa", "k-2"));
        resources.save(file("files0x/c", "t-aaaa", "k-2")); // a kind that sorts right after files/
        resources.save(file("uploads/Ab_-9", "t-aaaa", "k-2"));

        assertThat(resources.list("files", null, clock.instant(), null, 10)).extracting(StoredResource::name)
                .containsExactly("files/b");
        assertThat(resources.list("cachedContents", "t-aaaa", clock.instant(), null, 10))
                .extracting(StoredResource::name).containsExactly("cachedContents/a", "cachedContents/b");
        assertThat(resources.list("cachedContents", "t-aaaa", clock.instant(), "cachedContents/a", 10))
                .extracting(StoredResource::name).containsExactly("cachedContents/b");
        // a page token of another kind never leaks names of this one's neighbours
        assertThat(resources.list("batches", null, clock.instant(), "a", 10)).extracting(StoredResource::name)
                .containsExactly("batches/123");
        assertThat(resources.list("batches", null, clock.instant(), "z", 10)).isEmpty();
        assertThat(resources.find("uploads/Ab_-9", clock.instant())).map(StoredResource::kind).contains("uploads");
    }

    @Test
    void filesOfSchemaSixAreKeptWhenTheStoreMovesToSchemaSeven() throws Exception {
        Map<String, String> raw = newDatabase();
        org.junit.jupiter.api.Assumptions.assumeTrue(raw != null, "databases only");
        DatabaseSettings settings = DatabaseSettings.from(raw);
        if (settings.type() == DatabaseType.SQLITE) {
            Connections.prepareSqlite(settings);
        }
        try (var pool = Connections.pool(settings)) {
            org.flywaydb.core.Flyway.configure(getClass().getClassLoader()).dataSource(pool)
                    .locations(settings.type().migrationLocation()).table(Migrations.HISTORY).target("6").load()
                    .migrate();
            try (var c = pool.getConnection(); var st = c.createStatement()) {
                st.execute("INSERT INTO gb_file (name, owner, key_id, created_at, expires_at, metadata) VALUES "
                        + "('files/old-1', 't-aaaa', 'k-1', " + clock.millis() + ", " + (clock.millis() + 3_600_000L)
                        + ", '{\"name\":\"files/old-1\"}')");
            }
        }
        JdbcStore store = JdbcStore.open(settings, clock, idle);
        opened.add(store);
        assertThat(store.resources().find("files/old-1", clock.instant()))
                .hasValueSatisfying(f -> assertThat(f.keyId()).isEqualTo("k-1"));
        assertThat(store.resources().list("files", "t-aaaa", clock.instant(), null, 10)).hasSize(1);
    }
}
