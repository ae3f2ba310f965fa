package io.github.geminibalance.server;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * Wires the web admin: its settings ({@code ADMIN_SESSION_EXPIRE}) from the same raw settings as the rest
 * of the configuration, the login sessions keyed by {@code AUTH_TOKEN}, and the login throttle. Tests
 * replace {@link #adminUiSettings()} as they replace the other settings.
 */
@Factory
final class AdminUiFactory {

    /** The admin's settings; {@code Application.main} has already checked they load. */
    @Singleton
    AdminUiSettings adminUiSettings() {
        return AdminUiSettings.from(GeminiBalanceFactory.rawSettings());
    }

    /** The login sessions; with {@code AUTH_TOKEN} unset none can be issued (the admin is off). */
    @Singleton
    AdminSessions adminSessions(ServerConfig config, AdminUiSettings settings, Clock clock) {
        return new AdminSessions(config.authToken(), settings.sessionExpire(), clock);
    }

    /** The per-address slow-down of wrong logins. */
    @Singleton
    LoginThrottle loginThrottle(Clock clock) {
        return new LoginThrottle(clock);
    }
}
