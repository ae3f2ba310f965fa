package io.github.geminibalance.server;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only replacement of {@link SettingsFactory#settingSources()}: when the property {@value #PROPERTY}
 * is set, the Settings page sees the environment and {@code .env} registered under that id instead of the
 * test JVM's own.
 */
@Factory
@Requires(property = TestSettingSourcesFactory.PROPERTY)
final class TestSettingSourcesFactory {

    /** The property naming the registered sources. */
    static final String PROPERTY = "gemini-balance.test-setting-sources";

    private static final Map<String, SettingSources> SOURCES = new ConcurrentHashMap<>();

    /** Registers sources and returns the value to give {@value #PROPERTY}. */
    static String register(SettingSources sources) {
        String id = UUID.randomUUID().toString();
        SOURCES.put(id, Objects.requireNonNull(sources));
        return id;
    }

    @Singleton
    @Replaces(value = SettingSources.class, factory = SettingsFactory.class)
    SettingSources settingSources(@Property(name = PROPERTY) String id) {
        SettingSources sources = SOURCES.get(id);
        if (sources == null) {
            throw new IllegalStateException("no setting sources registered under " + id);
        }
        return sources;
    }
}
