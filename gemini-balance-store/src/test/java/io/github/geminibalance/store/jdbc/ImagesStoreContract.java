package io.github.geminibalance.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.store.ImageRepository;
import io.github.geminibalance.store.StoredImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every database must do the same way with generated images (table {@code gb_image}, schema 5).
 * Subclasses start a real database and hand out a fresh, empty one per call of {@link #newDatabase()}.
 */
abstract class ImagesStoreContract {

    final MutableClock clock = new MutableClock(Fixtures.T0);
    private final ScheduledExecutorService idle = Executors.newSingleThreadScheduledExecutor();
    private final List<JdbcStore> opened = new ArrayList<>();

    /** Raw settings naming a new, empty database. */
    abstract Map<String, String> newDatabase();

    JdbcStore open(Map<String, String> raw) {
        JdbcStore store = JdbcStore.open(DatabaseSettings.from(raw), clock, idle);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JdbcStore::close);
        idle.shutdownNow();
    }

    private StoredImage image(String id, byte[] bytes, Duration ttl) {
        return new StoredImage(id, "image/png", bytes, clock.instant(), clock.instant().plus(ttl));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7); // every byte value, zero included
        }
        return b;
    }

    @Test
    void anImageIsKeptByteForByteAndServedUntilItExpires() {
        ImageRepository images = open(newDatabase()).images();
        assertThat(images.keeps()).isTrue();
        byte[] png = bytes(3 * 1024 * 1024); // beyond MySQL's BLOB (64 KB): the table uses LONGBLOB there
        images.save(image("img1", png, Duration.ofHours(24)));

        StoredImage found = images.find("img1", clock.instant()).orElseThrow();
        assertThat(found.bytes()).isEqualTo(png);
        assertThat(found.mimeType()).isEqualTo("image/png");
        assertThat(found.expiresAt()).isEqualTo(Fixtures.T0.plus(Duration.ofHours(24)));
        assertThat(images.find("img2", clock.instant())).isEmpty();

        clock.advance(Duration.ofHours(24));
        assertThat(images.find("img1", clock.instant())).isEmpty();
    }

    @Test
    void imagesAreSharedByStoresOnOneDatabaseAndSurviveAReopen() {
        Map<String, String> db = newDatabase();
        JdbcStore first = open(db);
        JdbcStore second = open(db);
        first.images().save(image("img1", bytes(100), Duration.ofHours(1)));
        assertThat(second.images().find("img1", clock.instant())).isPresent();
        first.close();
        opened.remove(first);
        assertThat(open(db).images().find("img1", clock.instant()).orElseThrow().bytes()).isEqualTo(bytes(100));
    }

    @Test
    void theDailyCleanUpDeletesExpiredImagesOnly() {
        JdbcStore store = open(newDatabase());
        store.images().save(image("short", bytes(10), Duration.ofHours(1)));
        store.images().save(image("long", bytes(10), Duration.ofHours(48)));
        clock.advance(Duration.ofHours(2));

        Retention.Result result = store.retention().runOnce();
        assertThat(result.images()).isEqualTo(1);
        assertThat(store.images().deleteExpired(clock.instant())).isZero();
        assertThat(store.images().find("long", clock.instant())).isPresent();
        clock.advance(Duration.ofHours(48));
        assertThat(store.images().deleteExpired(clock.instant())).isEqualTo(1);
    }
}
