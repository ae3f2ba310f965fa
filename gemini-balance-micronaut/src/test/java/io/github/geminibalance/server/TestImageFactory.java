package io.github.geminibalance.server;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/**
 * Test-only replacement of {@link ImageFactory#imageSettings()}: with the property {@value #TTL_PROPERTY}
 * set, the image settings are read from {@code IMAGE_URL_TTL_HOURS=<value>} (and {@code PUBLIC_BASE_URL} from
 * {@value #BASE_PROPERTY} when set) instead of the environment.
 */
@Factory
@Requires(property = TestImageFactory.TTL_PROPERTY)
final class TestImageFactory {

    static final String TTL_PROPERTY = "gemini-balance.test-image-ttl-hours";
    static final String BASE_PROPERTY = "gemini-balance.test-public-base-url";

    @Singleton
    @Replaces(value = ImageSettings.class, factory = ImageFactory.class)
    ImageSettings imageSettings(@Property(name = TTL_PROPERTY) String hours,
            @Nullable @Property(name = BASE_PROPERTY) String base) {
        Map<String, String> raw = new HashMap<>();
        raw.put(ImageSettings.IMAGE_URL_TTL_HOURS, hours);
        if (base != null) {
            raw.put(ImageSettings.PUBLIC_BASE_URL, base);
        }
        return ImageSettings.from(raw);
    }
}
