package io.github.geminibalance.server;

import io.github.geminibalance.config.ConfigException;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.util.Locale;
import java.util.Map;

/**
 * The Files API's server setting.
 *
 * @param userIsolation {@code FILES_USER_ISOLATION_ENABLED} (default true): each client token lists, reads,
 *     deletes and uses only the files it uploaded; another token's file is answered 404, as if it did not exist
 */
record FilesSettings(boolean userIsolation) {

    static final String FILES_USER_ISOLATION_ENABLED = "FILES_USER_ISOLATION_ENABLED";

    /**
     * Reads the setting from merged raw settings.
     *
     * @throws ConfigException when it is not a boolean
     */
    static FilesSettings from(Map<String, String> s) {
        String raw = s.get(FILES_USER_ISOLATION_ENABLED);
        if (raw == null || raw.isBlank()) {
            return new FilesSettings(true);
        }
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> new FilesSettings(true);
            case "false", "0", "no", "off" -> new FilesSettings(false);
            default -> throw new ConfigException(FILES_USER_ISOLATION_ENABLED, FILES_USER_ISOLATION_ENABLED
                    + " must be true or false (also 1/0, yes/no, on/off), got "
                    + io.github.geminibalance.util.LogText.quote(raw));
        };
    }

    /** The bean, from the same raw settings as the others ({@code Application.main} has checked they load). */
    @Factory
    static final class Beans {
        @Singleton
        FilesSettings filesSettings() {
            return FilesSettings.from(GeminiBalanceFactory.rawSettings());
        }
    }
}
