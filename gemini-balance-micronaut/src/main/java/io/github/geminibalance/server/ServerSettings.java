package io.github.geminibalance.server;

import io.github.geminibalance.config.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings that only the HTTP server has: limits and timeouts of client connections, CORS, logging
 * and shutdown. Read from the same raw settings as the core's configuration (environment variables, then
 * {@code ./.env}); every problem is a {@link ConfigException} naming the setting.
 *
 * @param maxRequestBytes {@code MAX_REQUEST_BYTES}: the largest request body accepted (413 above it)
 * @param clientReadTimeout {@code CLIENT_READ_TIMEOUT}: how long a client may take to send a request head,
 *     and how long a request body may stall
 * @param clientIdleTimeout {@code CLIENT_IDLE_TIMEOUT}: how long a kept-alive connection may sit idle
 *     between requests
 * @param maxConnections {@code MAX_CONNECTIONS}: open client connections at most; more are closed at once
 * @param corsAllowedOrigins {@code CORS_ALLOWED_ORIGINS}: origins allowed to call the client API from a
 *     browser ({@code *} for any); never applied to {@code /admin}
 * @param logFormat {@code LOG_FORMAT}: {@code text} or {@code json} (one JSON object a line)
 * @param logLevel {@code LOG_LEVEL}: the level of the server's own loggers
 * @param shutdownGrace {@code SHUTDOWN_GRACE}: how long running requests and streams may take to finish on
 *     SIGTERM
 * @param streamKeepAlive {@code STREAM_KEEPALIVE_SECONDS}: the silence after which a stream gets an SSE
 *     keep-alive comment ({@link java.time.Duration#ZERO}: never)
 */
record ServerSettings(
        long maxRequestBytes,
        Duration clientReadTimeout,
        Duration clientIdleTimeout,
        int maxConnections,
        List<String> corsAllowedOrigins,
        LogFormat logFormat,
        String logLevel,
        Duration shutdownGrace,
        Duration streamKeepAlive) {

    static final String MAX_REQUEST_BYTES = "MAX_REQUEST_BYTES";
    static final String CLIENT_READ_TIMEOUT = "CLIENT_READ_TIMEOUT";
    static final String CLIENT_IDLE_TIMEOUT = "CLIENT_IDLE_TIMEOUT";
    static final String MAX_CONNECTIONS = "MAX_CONNECTIONS";
    static final String CORS_ALLOWED_ORIGINS = "CORS_ALLOWED_ORIGINS";
    static final String LOG_FORMAT = "LOG_FORMAT";
    static final String LOG_LEVEL = "LOG_LEVEL";
    static final String SHUTDOWN_GRACE = "SHUTDOWN_GRACE";
    static final String STREAM_KEEPALIVE_SECONDS = "STREAM_KEEPALIVE_SECONDS";

    /** 50 MiB: room for a few base64 images or a PDF in one chat request. */
    static final long DEFAULT_MAX_REQUEST_BYTES = 50L * 1024 * 1024;
    static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    /** How log lines are written. */
    enum LogFormat {
        /** One human-readable line per event. */
        TEXT,
        /** One JSON object per line, for log shippers. */
        JSON
    }

    private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*([kmg]i?b?|b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHOLE = Pattern.compile("[0-9]+");

    /** Validates and freezes. */
    ServerSettings {
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException("maxRequestBytes must be at least 1024");
        }
        requirePositive(clientReadTimeout, "clientReadTimeout");
        requirePositive(clientIdleTimeout, "clientIdleTimeout");
        requirePositive(shutdownGrace, "shutdownGrace");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(logLevel, "logLevel");
        if (streamKeepAlive.isNegative()) {
            throw new IllegalArgumentException("streamKeepAlive must not be negative");
        }
    }

    /** The defaults: every setting absent. */
    static ServerSettings defaults() {
        return from(Map.of());
    }

    /** Whether any browser origin may call the client API. */
    boolean corsAnyOrigin() {
        return corsAllowedOrigins.contains("*");
    }

    /** A copy with other values, for tests. */
    ServerSettings withMaxRequestBytes(long v) {
        return new ServerSettings(v, clientReadTimeout, clientIdleTimeout, maxConnections, corsAllowedOrigins,
                logFormat, logLevel, shutdownGrace, streamKeepAlive);
    }

    /** A copy with other client timeouts, for tests. */
    ServerSettings withClientTimeouts(Duration read, Duration idle) {
        return new ServerSettings(maxRequestBytes, read, idle, maxConnections, corsAllowedOrigins, logFormat,
                logLevel, shutdownGrace, streamKeepAlive);
    }

    /** A copy with another connection cap, for tests. */
    ServerSettings withMaxConnections(int v) {
        return new ServerSettings(maxRequestBytes, clientReadTimeout, clientIdleTimeout, v, corsAllowedOrigins,
                logFormat, logLevel, shutdownGrace, streamKeepAlive);
    }

    /** A copy with other CORS origins, for tests. */
    ServerSettings withCorsAllowedOrigins(List<String> v) {
        return new ServerSettings(maxRequestBytes, clientReadTimeout, clientIdleTimeout, maxConnections, v,
                logFormat, logLevel, shutdownGrace, streamKeepAlive);
    }

    /** A copy with another log format, for tests. */
    ServerSettings withLogFormat(LogFormat v) {
        return new ServerSettings(maxRequestBytes, clientReadTimeout, clientIdleTimeout, maxConnections,
                corsAllowedOrigins, v, logLevel, shutdownGrace, streamKeepAlive);
    }

    /** A copy with another keep-alive interval, for tests. */
    ServerSettings withStreamKeepAlive(Duration v) {
        return new ServerSettings(maxRequestBytes, clientReadTimeout, clientIdleTimeout, maxConnections,
                corsAllowedOrigins, logFormat, logLevel, shutdownGrace, v);
    }

    /** A copy with another shutdown grace, for tests. */
    ServerSettings withShutdownGrace(Duration v) {
        return new ServerSettings(maxRequestBytes, clientReadTimeout, clientIdleTimeout, maxConnections,
                corsAllowedOrigins, logFormat, logLevel, v, streamKeepAlive);
    }

    /**
     * Reads the server settings from merged raw settings (see
     * {@link io.github.geminibalance.config.ConfigLoader#settings}).
     *
     * @throws ConfigException naming the first bad setting
     */
    static ServerSettings from(Map<String, String> s) {
        long maxRequestBytes = bytes(s, MAX_REQUEST_BYTES, DEFAULT_MAX_REQUEST_BYTES, 1024);
        Duration read = seconds(s, CLIENT_READ_TIMEOUT, 30);
        Duration idle = seconds(s, CLIENT_IDLE_TIMEOUT, 60);
        int maxConnections = (int) whole(s, MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS, 1, 1_000_000, "");
        List<String> origins = origins(s);
        LogFormat format = logFormat(s);
        String level = logLevel(s);
        Duration grace = seconds(s, SHUTDOWN_GRACE, 30);
        Duration keepAlive = Duration.ofSeconds(whole(s, STREAM_KEEPALIVE_SECONDS, 15, 0, 3600, " of seconds"));
        return new ServerSettings(maxRequestBytes, read, idle, maxConnections, origins, format, level, grace,
                keepAlive);
    }

    private static String value(Map<String, String> s, String name) {
        String v = s.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static long whole(Map<String, String> s, String name, long defaultValue, long min, long max,
            String unit) {
        String raw = value(s, name);
        if (raw == null) {
            return defaultValue;
        }
        String problem = name + " must be a whole number" + unit + " from " + min + " to " + max + ", got "
                + quote(raw);
        if (!WHOLE.matcher(raw).matches() || raw.length() > 12) {
            throw new ConfigException(name, problem);
        }
        long n = Long.parseLong(raw);
        if (n < min || n > max) {
            throw new ConfigException(name, problem);
        }
        return n;
    }

    private static Duration seconds(Map<String, String> s, String name, long defaultSeconds) {
        return Duration.ofSeconds(whole(s, name, defaultSeconds, 1, 86_400, " of seconds"));
    }

    /** A size in bytes: {@code 52428800}, {@code 50MB}, {@code 50 MiB}, {@code 512k} (powers of 1024). */
    static long bytes(Map<String, String> s, String name, long defaultValue, long min) {
        String raw = value(s, name);
        if (raw == null) {
            return defaultValue;
        }
        long max = 2L * 1024 * 1024 * 1024 - 1;
        String problem = name + " must be a size in bytes (like 52428800 or 50MB) from " + min + " to " + max
                + ", got " + quote(raw);
        Matcher m = SIZE.matcher(raw);
        if (!m.matches() || m.group(1).length() > 12) {
            throw new ConfigException(name, problem);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long factor = switch (unit.charAt(0)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        if (n > max / factor || n * factor < min) {
            throw new ConfigException(name, problem);
        }
        return n * factor;
    }

    private static List<String> origins(Map<String, String> s) {
        String raw = value(s, CORS_ALLOWED_ORIGINS);
        if (raw == null) {
            return List.of("*");
        }
        List<String> entries = new ArrayList<>();
        String body = raw;
        if (body.startsWith("[") && body.endsWith("]")) {
            body = body.substring(1, body.length() - 1);
        }
        for (String part : body.split("[,\\s]+")) {
            String origin = part.strip();
            if (origin.length() >= 2 && origin.startsWith("\"") && origin.endsWith("\"")) {
                origin = origin.substring(1, origin.length() - 1);
            }
            if (origin.isEmpty()) {
                continue;
            }
            while (origin.endsWith("/")) {
                origin = origin.substring(0, origin.length() - 1);
            }
            if (!origin.equals("*") && !origin.matches("(?i)https?://[a-z0-9.\\-\\[\\]:]+")) {
                throw new ConfigException(CORS_ALLOWED_ORIGINS, CORS_ALLOWED_ORIGINS
                        + " entries must be * or an origin like https://chat.example.com, got " + quote(origin));
            }
            entries.add(origin.equals("*") ? "*" : origin.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(new LinkedHashSet<>(entries));
    }

    private static LogFormat logFormat(Map<String, String> s) {
        String raw = value(s, LOG_FORMAT);
        if (raw == null) {
            return LogFormat.TEXT;
        }
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "text" -> LogFormat.TEXT;
            case "json" -> LogFormat.JSON;
            default -> throw new ConfigException(LOG_FORMAT, LOG_FORMAT + " must be text or json, got " + quote(raw));
        };
    }

    /** The original's names (debug, info, warning, error, critical) as Logback levels. */
    private static String logLevel(Map<String, String> s) {
        String raw = value(s, LOG_LEVEL);
        if (raw == null) {
            return "INFO";
        }
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "trace" -> "TRACE";
            case "debug" -> "DEBUG";
            case "info" -> "INFO";
            case "warn", "warning" -> "WARN";
            case "error", "critical" -> "ERROR";
            default -> throw new ConfigException(LOG_LEVEL,
                    LOG_LEVEL + " must be debug, info, warning, error or critical, got " + quote(raw));
        };
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** Quotes a non-secret value for a message: one line, at most 40 characters. */
    private static String quote(String value) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < value.length() && i < 40; i++) {
            char c = value.charAt(i);
            sb.append(Character.isISOControl(c) || c == '"' || c == '\\' ? String.format("\\u%04x", (int) c)
                    : String.valueOf(c));
        }
        return sb.append(value.length() > 40 ? "...\"" : "\"").toString();
    }
}
