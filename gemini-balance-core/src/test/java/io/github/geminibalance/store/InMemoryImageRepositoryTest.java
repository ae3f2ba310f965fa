package io.github.geminibalance.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The memory store's images: served until they expire, bounded by bytes, oldest forgotten first. */
class InMemoryImageRepositoryTest {

    private static final Instant T0 = Instant.parse("2026-06-15T12:00:00Z");

    private static StoredImage image(String id, int size, Duration ttl) {
        return new StoredImage(id, "image/png", new byte[size], T0, T0.plus(ttl));
    }

    @Test
    void anImageIsServedUntilItExpiresAndThenDeleted() {
        InMemoryImageRepository images = new InMemoryImageRepository(1_000);
        images.save(image("a", 10, Duration.ofHours(1)));
        images.save(image("b", 10, Duration.ofHours(3)));

        assertThat(images.find("a", T0.plus(Duration.ofMinutes(59)))).isPresent();
        assertThat(images.find("a", T0.plus(Duration.ofHours(1)))).isEmpty();
        assertThat(images.deleteExpired(T0.plus(Duration.ofHours(2)))).isEqualTo(1);
        assertThat(images.find("b", T0.plus(Duration.ofHours(2)))).isPresent();
    }

    @Test
    void beyondItsBytesTheOldestImageIsForgotten() {
        InMemoryImageRepository images = new InMemoryImageRepository(100);
        images.save(image("a", 40, Duration.ofHours(1)));
        images.save(image("b", 40, Duration.ofHours(1)));
        images.save(image("c", 40, Duration.ofHours(1)));

        assertThat(images.find("a", T0)).isEmpty();
        assertThat(images.find("b", T0)).isPresent();
        assertThat(images.find("c", T0)).isPresent();
    }

    @Test
    void theStoresWithoutImagesSaySo() {
        assertThat(ImageRepository.none().keeps()).isFalse();
        ImageRepository.none().save(image("a", 1, Duration.ofHours(1)));
        assertThat(ImageRepository.none().find("a", T0)).isEmpty();
        assertThat(Store.inMemory().images().keeps()).isTrue();
    }
}
