package io.github.geminibalance.server;

import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.config.ConfigLoader;
import io.github.geminibalance.config.SettingValues;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The web admin's settings. Read from the same raw settings as the rest of the configuration (environment
 * variables, then {@code ./.env}); a bad value is a one-line {@link ConfigException} naming the setting,
 * checked by {@code Application.main} before the server starts.
 *
 * @param sessionExpire {@code ADMIN_SESSION_EXPIRE} (seconds, default 3600): how long a login lasts; the
 *     session cookie carries its end and is refused after it, however the browser kept it
 */
record AdminUiSettings(Duration sessionExpire) {

    static final String ADMIN_SESSION_EXPIRE = "ADMIN_SESSION_EXPIRE";

    /** One hour, as in the original gemini-balance. */
    static final int DEFAULT_SESSION_EXPIRE_SECONDS = 3600;
    /** A minute: shorter sessions would log an operator out between two clicks. */
    static final int MIN_SESSION_EXPIRE_SECONDS = 60;
    /** Thirty days: a stolen cookie must not be good for longer. */
    static final int MAX_SESSION_EXPIRE_SECONDS = 30 * 24 * 3600;

    /** Validates. */
    AdminUiSettings {
        Objects.requireNonNull(sessionExpire, "sessionExpire");
        if (sessionExpire.isNegative() || sessionExpire.isZero()) {
            throw new IllegalArgumentException("sessionExpire must be positive");
        }
    }

    /** The defaults: every setting absent. */
    static AdminUiSettings defaults() {
        return from(Map.of());
    }

    /**
     * Reads the admin settings from merged raw settings (see {@link ConfigLoader#settings}).
     *
     * @throws ConfigException naming the bad setting
     */
    static AdminUiSettings from(Map<String, String> s) {
        int seconds = SettingValues.integer(s, ADMIN_SESSION_EXPIRE, DEFAULT_SESSION_EXPIRE_SECONDS,
                MIN_SESSION_EXPIRE_SECONDS, MAX_SESSION_EXPIRE_SECONDS, " of seconds");
        return new AdminUiSettings(Duration.ofSeconds(seconds));
    }
}
