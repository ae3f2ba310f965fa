package io.github.geminibalance.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.store.FileRepository;
import io.github.geminibalance.store.InMemoryFileRepository;
import io.github.geminibalance.store.StoredFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every database (and the memory repository) must do the same way with uploaded files (table
 * {@code gb_file}, schema 6). Subclasses hand out a fresh, empty database per call of {@link #newDatabase()}.
 */
abstract class FilesStoreContract {

    final MutableClock clock = new MutableClock(Fixtures.T0);
    private final ScheduledExecutorService idle = Executors.newSingleThreadScheduledExecutor();
    private final List<JdbcStore> opened = new ArrayList<>();

    /** Raw settings naming a new, empty database, or null for the memory repository. */
    abstract Map<String, String> newDatabase();

    FileRepository files() {
        Map<String, String> raw = newDatabase();
        if (raw == null) {
            return new InMemoryFileRepository();
        }
        JdbcStore store = JdbcStore.open(DatabaseSettings.from(raw), clock, idle);
        opened.add(store);
        return store.files();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JdbcStore::close);
        idle.shutdownNow();
    }

    private StoredFile file(String name, String owner, String keyId) {
        return new StoredFile(name, owner, keyId, clock.instant(), clock.instant().plus(Duration.ofHours(48)),
                "{\"name\":\"" + name + "\",\"displayName\":\"中文 ✓\"}");
    }

    @Test
    void aFileIsFoundWithItsKeyAndOwnerUntilItExpires() {
        FileRepository files = files();
        assertThat(files.keeps()).isTrue();
        StoredFile stored = file("files/abc-1", "t-aaaa", "k-1234");
        files.save(stored);

        assertThat(files.find("files/abc-1", clock.instant())).contains(stored);
        assertThat(files.find("files/other", clock.instant())).isEmpty();

        clock.advance(Duration.ofHours(48));
        assertThat(files.find("files/abc-1", clock.instant())).isEmpty();
        assertThat(files.list(null, clock.instant(), null, 10)).isEmpty();
        assertThat(files.deleteExpired(clock.instant())).isEqualTo(1);
        assertThat(files.deleteExpired(clock.instant())).isZero();
    }

    @Test
    void listsAreByNameFilteredByOwnerAndPaged() {
        FileRepository files = files();
        files.save(file("files/c", "t-aaaa", "k-1"));
        files.save(file("files/a", "t-aaaa", "k-1"));
        files.save(file("files/b", "t-bbbb", "k-2"));

        assertThat(files.list(null, clock.instant(), null, 10)).extracting(StoredFile::name)
                .containsExactly("files/a", "files/b", "files/c");
        assertThat(files.list("t-aaaa", clock.instant(), null, 10)).extracting(StoredFile::name)
                .containsExactly("files/a", "files/c");
        assertThat(files.list("t-aaaa", clock.instant(), null, 1)).extracting(StoredFile::name)
                .containsExactly("files/a");
        assertThat(files.list("t-aaaa", clock.instant(), "files/a", 1)).extracting(StoredFile::name)
                .containsExactly("files/c");
        assertThat(files.list("t-cccc", clock.instant(), null, 10)).isEmpty();
    }

    @Test
    void savingAgainReplacesAndDeletingRemoves() {
        FileRepository files = files();
        files.save(file("files/a", "t-aaaa", "k-1"));
        StoredFile again = file("files/a", "t-aaaa", "k-2");
        files.save(again);
        assertThat(files.find("files/a", clock.instant())).contains(again);

        assertThat(files.delete("files/a")).isTrue();
        assertThat(files.delete("files/a")).isFalse();
        assertThat(files.find("files/a", clock.instant())).isEmpty();
    }
}
