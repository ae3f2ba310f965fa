package io.github.geminibalance.server;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Test-only replacement of {@link AdminUiFactory#adminUiSettings()}: with the property {@value #PROPERTY}
 * set, the admin's settings are read from {@code ADMIN_SESSION_EXPIRE=<value>} instead of the environment.
 */
@Factory
@Requires(property = TestAdminUiFactory.PROPERTY)
final class TestAdminUiFactory {

    /** The property holding a test's {@code ADMIN_SESSION_EXPIRE}. */
    static final String PROPERTY = "gemini-balance.test-admin-session-expire";

    @Singleton
    @Replaces(value = AdminUiSettings.class, factory = AdminUiFactory.class)
    AdminUiSettings adminUiSettings(@Property(name = PROPERTY) String seconds) {
        return AdminUiSettings.from(Map.of(AdminUiSettings.ADMIN_SESSION_EXPIRE, seconds));
    }
}
