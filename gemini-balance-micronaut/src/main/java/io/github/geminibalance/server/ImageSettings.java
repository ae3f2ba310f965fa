package io.github.geminibalance.server;

import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.config.ConfigLoader;
import io.github.geminibalance.config.SettingValues;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How generated images are served for {@code response_format: url}. Read from the same raw settings as the
 * rest of the configuration; a bad value is a one-line {@link ConfigException} naming the setting, checked
 * by {@code Application.main} before the server starts.
 *
 * @param urlTtl {@code IMAGE_URL_TTL_HOURS} (default 24): how long an image stays at its URL
 * @param publicBaseUrl {@code PUBLIC_BASE_URL}: the address clients reach this server at, such as
 *     {@code https://gb.example.com} (no trailing slash); null to derive it from each request's
 *     {@code X-Forwarded-Proto}/{@code X-Forwarded-Host} or {@code Host}
 */
record ImageSettings(Duration urlTtl, String publicBaseUrl) {

    static final String IMAGE_URL_TTL_HOURS = "IMAGE_URL_TTL_HOURS";
    static final String PUBLIC_BASE_URL = "PUBLIC_BASE_URL";
    static final int DEFAULT_TTL_HOURS = 24;
    /** A year: URLs must end some time. */
    static final int MAX_TTL_HOURS = 24 * 365;

    /** Validates. */
    ImageSettings {
        Objects.requireNonNull(urlTtl, "urlTtl");
        if (urlTtl.isNegative() || urlTtl.isZero()) {
            throw new IllegalArgumentException("urlTtl must be positive");
        }
    }

    /** The defaults: every setting absent. */
    static ImageSettings defaults() {
        return from(Map.of());
    }

    /**
     * Reads the settings from merged raw settings (see {@link ConfigLoader#settings}).
     *
     * @throws ConfigException naming the bad setting
     */
    static ImageSettings from(Map<String, String> s) {
        int hours = SettingValues.integer(s, IMAGE_URL_TTL_HOURS, DEFAULT_TTL_HOURS, 1, MAX_TTL_HOURS, " of hours");
        return new ImageSettings(Duration.ofHours(hours), base(s.get(PUBLIC_BASE_URL)));
    }

    private static String base(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String value = raw.strip();
        while (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null
                || !(uri.getScheme().toLowerCase(Locale.ROOT).equals("http")
                        || uri.getScheme().toLowerCase(Locale.ROOT).equals("https"))) {
            throw new ConfigException(PUBLIC_BASE_URL, PUBLIC_BASE_URL
                    + " must be an http(s) address without query, such as https://gb.example.com");
        }
        return value;
    }
}
