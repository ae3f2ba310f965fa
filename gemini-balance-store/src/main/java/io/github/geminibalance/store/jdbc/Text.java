package io.github.geminibalance.store.jdbc;

/** Fitting text into columns and messages. */
final class Text {

    private Text() {}

    /** {@code value} cut to {@code max} characters, NUL characters (PostgreSQL refuses them) blanked; null stays null. */
    static String cut(String value, int max) {
        if (value == null) {
            return null;
        }
        String clean = value.indexOf('\u0000') < 0 ? value : value.replace('\u0000', ' ');
        return clean.length() <= max ? clean : clean.substring(0, max);
    }

    /** {@code value} cut to {@code max} characters; null becomes "". */
    static String key(String value, int max) {
        return value == null ? "" : cut(value, max);
    }

    /** "" back to null. */
    static String orNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** A driver's message on one line, with {@code secret} (a password) and any {@code password=...} removed. */
    static String oneLine(String message, String secret) {
        String text = message == null ? "unknown error" : message;
        if (secret != null && !secret.isEmpty()) {
            text = text.replace(secret, "***");
        }
        text = text.replaceAll("(?i)(password=)[^&\\s;)]*", "$1***");
        text = text.replaceAll("\\s+", " ").strip();
        return cut(text, 300);
    }
}
