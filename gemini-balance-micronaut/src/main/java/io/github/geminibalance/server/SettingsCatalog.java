package io.github.geminibalance.server;

import io.github.geminibalance.config.RuntimeSettings;
import io.github.geminibalance.store.jdbc.DatabaseSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting the server knows, once: its group on the Settings page, its default as the page shows it,
 * whether it is a secret (never sent in full) and whether it can change while the server runs. The core's
 * run-time settings ({@link RuntimeSettings#NAMES}) and the store's retention ({@link
 * DatabaseSettings#RETENTION_SETTINGS}) are editable; every other setting needs a restart.
 * docs/configuration.md lists the same names ({@code SettingsCatalogTest} checks it).
 */
final class SettingsCatalog {

    /** How a setting can change. */
    enum Kind {
        /** Read at start-up only. */
        RESTART,
        /** A core run-time setting: applied to the next request ({@link io.github.geminibalance.SettingsAdmin}). */
        RUNTIME,
        /** A retention setting: read by the store's next daily clean-up. */
        RETENTION
    }

    /**
     * One setting.
     *
     * @param name the environment name
     * @param group the group on the Settings page (an i18n key suffix)
     * @param defaultValue the default as the page shows it ("" when there is none)
     * @param secret whether the value is never sent (keys, tokens, passwords, URLs that may carry them)
     * @param kind how it can change
     */
    record Entry(String name, String group, String defaultValue, boolean secret, Kind kind) {}

    private static final Map<String, Entry> ENTRIES = build();

    private SettingsCatalog() {}

    /** Every setting, grouped, in page order. */
    static List<Entry> all() {
        return List.copyOf(ENTRIES.values());
    }

    /** The setting of this name, or null. */
    static Entry get(String name) {
        return ENTRIES.get(name);
    }

    private static Map<String, Entry> build() {
        Map<String, Entry> m = new LinkedHashMap<>();
        String pool = "pool";
        add(m, pool, "API_KEYS", "", true);
        add(m, pool, "MAX_RETRIES", "3", false);
        add(m, pool, "MAX_FAILURES", "10", false);
        add(m, pool, "KEY_SELECTION", "round_robin", false);
        add(m, pool, "CHECK_INTERVAL_HOURS", "1", false);
        add(m, pool, "TEST_MODEL", "gemini-2.0-flash", false);
        add(m, pool, "REDIS_URL", "", true);
        String upstream = "upstream";
        add(m, upstream, "BASE_URL", "https://generativelanguage.googleapis.com/v1beta", false);
        add(m, upstream, "TIME_OUT", "300", false);
        add(m, upstream, "STREAM_IDLE_TIMEOUT", "60", false);
        add(m, upstream, "CONNECT_TIMEOUT", "10", false);
        add(m, upstream, "UPSTREAM_CLIENT", "netty", false);
        add(m, upstream, "PROXIES", "[]", true);
        add(m, upstream, "PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY", "true", false);
        add(m, upstream, "CUSTOM_HEADERS", "{}", true);
        add(m, upstream, "VERTEX_API_KEYS", "[]", true);
        add(m, upstream, "VERTEX_EXPRESS_BASE_URL", "https://aiplatform.googleapis.com/v1beta1/publishers/google", false);
        add(m, upstream, "VERTEX_FALLBACK", "false", false);
        String models = "models";
        add(m, models, "MODEL_SEARCH", "[\"gemini-2.0-flash-exp\"]", false);
        add(m, models, "SEARCH_MODELS", "", false);
        add(m, models, "TOOLS_CODE_EXECUTION_ENABLED", "false", false);
        add(m, models, "THINKING_BUDGET_MAP", "{}", false);
        add(m, models, "MODEL_ALIASES", "{}", false);
        add(m, models, "IMAGE_MODELS", "[\"gemini-2.0-flash-exp\"]", false);
        add(m, models, "FILTERED_MODELS", "[\"gemini-1.0-pro-vision-latest\", \"gemini-pro-vision\", \"chat-bison-001\", "
                + "\"text-bison-001\", \"embedding-gecko-001\"]", false);
        add(m, models, "URL_CONTEXT_ENABLED", "false", false);
        add(m, models, "URL_CONTEXT_MODELS", "[\"gemini-2.5-pro\", \"gemini-2.5-flash\", \"gemini-2.5-flash-lite\", "
                + "\"gemini-2.0-flash\", \"gemini-2.0-flash-live-001\"]", false);
        add(m, models, "SHOW_SEARCH_LINK", "true", false);
        add(m, models, "SHOW_THINKING_PROCESS", "true", false);
        add(m, models, "FAKE_STREAM_ENABLED", "false", false);
        add(m, models, "FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS", "5", false);
        add(m, models, "SAFETY_SETTINGS", "[{\"category\": \"HARM_CATEGORY_HARASSMENT\", \"threshold\": \"OFF\"}, "
                + "{\"category\": \"HARM_CATEGORY_HATE_SPEECH\", \"threshold\": \"OFF\"}, "
                + "{\"category\": \"HARM_CATEGORY_SEXUALLY_EXPLICIT\", \"threshold\": \"OFF\"}, "
                + "{\"category\": \"HARM_CATEGORY_DANGEROUS_CONTENT\", \"threshold\": \"OFF\"}, "
                + "{\"category\": \"HARM_CATEGORY_CIVIC_INTEGRITY\", \"threshold\": \"OFF\"}]", false);
        String retention = "retention";
        add(m, retention, DatabaseSettings.AUTO_DELETE_ERROR_LOGS_DAYS, "7", false);
        add(m, retention, DatabaseSettings.AUTO_DELETE_REQUEST_LOGS_DAYS, "30", false);
        add(m, retention, DatabaseSettings.USAGE_RETENTION_DAYS, "400", false);
        add(m, retention, "ERROR_LOG_RECORD_REQUEST_BODY", "false", false);
        String media = "media";
        add(m, media, "MAX_REMOTE_MEDIA", "16", false);
        add(m, media, "MAX_MEDIA_BYTES", "20MiB", false);
        add(m, media, "MAX_MEDIA_TOTAL_BYTES", "50MiB", false);
        add(m, media, "MAX_MEDIA_INFLIGHT_BYTES", "", false);
        add(m, models, "TTS_MODEL", "gemini-2.5-flash-preview-tts", false);
        add(m, models, "TTS_VOICE_NAME", "Zephyr", false);
        add(m, models, "TTS_SPEED", "normal", false);
        add(m, models, "TRANSCRIPTION_MODEL", "gemini-2.5-flash", false);
        String server = "server";
        add(m, server, "ALLOWED_TOKENS", "", true);
        add(m, server, "AUTH_TOKEN", "", true);
        add(m, server, "ADMIN_SESSION_EXPIRE", "3600", false);
        add(m, server, "PORT", "8000", false);
        add(m, server, "MAX_REQUEST_BYTES", "52428800", false);
        add(m, server, "CLIENT_READ_TIMEOUT", "30", false);
        add(m, server, "CLIENT_IDLE_TIMEOUT", "60", false);
        add(m, server, "MAX_CONNECTIONS", "10000", false);
        add(m, server, "CORS_ALLOWED_ORIGINS", "*", false);
        add(m, server, "SHUTDOWN_GRACE", "30", false);
        add(m, server, "STREAM_KEEPALIVE_SECONDS", "15", false);
        add(m, server, "LOG_FORMAT", "text", false);
        add(m, server, "LOG_LEVEL", "info", false);
        add(m, server, ImageSettings.IMAGE_URL_TTL_HOURS, "24", false);
        add(m, server, ImageSettings.PUBLIC_BASE_URL, "", false);
        add(m, server, FilesSettings.FILES_USER_ISOLATION_ENABLED, "true", false);
        String database = "database";
        add(m, database, "DATABASE_TYPE", "sqlite", false);
        add(m, database, "SQLITE_DATABASE", DatabaseSettings.DEFAULT_SQLITE_FILE, false);
        add(m, database, "DATABASE_URL", "", true);
        add(m, database, "DATABASE_USER", "", false);
        add(m, database, "DATABASE_PASSWORD", "", true);
        add(m, database, "MYSQL_HOST", "", false);
        add(m, database, "MYSQL_PORT", "3306", false);
        add(m, database, "MYSQL_USER", "", false);
        add(m, database, "MYSQL_PASSWORD", "", true);
        add(m, database, "MYSQL_DATABASE", "", false);
        add(m, database, "DATABASE_QUEUE_CAPACITY", "10000", false);
        add(m, database, "DATABASE_POOL_SIZE", "", false);
        return m;
    }

    private static void add(Map<String, Entry> m, String group, String name, String defaultValue, boolean secret) {
        Kind kind = RuntimeSettings.isRuntime(name) ? Kind.RUNTIME
                : DatabaseSettings.RETENTION_SETTINGS.contains(name) ? Kind.RETENTION : Kind.RESTART;
        m.put(name, new Entry(name, group, defaultValue, secret, kind));
    }
}
