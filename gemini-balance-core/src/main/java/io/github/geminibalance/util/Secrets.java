package io.github.geminibalance.util;

import io.github.geminibalance.keys.ApiKey;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Removes API keys from text that came from elsewhere (Gemini error messages quote suspended keys). */
public final class Secrets {

    private static final Pattern GOOGLE_KEY = Pattern.compile("AIza[0-9A-Za-z_\\-]{8,}");
    private static final Pattern CONSUMER = Pattern.compile("api_key:([^'\"\\s]+)");

    private Secrets() {}

    /**
     * Masks one secret: its first and last four characters for long values ({@code AIza...x9Q4}),
     * {@code ***} for short ones.
     *
     * @param secret the secret
     * @return the masked form, or {@code "null"}
     */
    public static String mask(String secret) {
        return ApiKey.mask(secret);
    }

    /**
     * The text with every Google API key and {@code api_key:...} consumer name masked.
     *
     * @param text text from elsewhere, or null
     * @return the text without keys
     */
    public static String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        if (out.contains("AIza")) {
            Matcher m = GOOGLE_KEY.matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, Matcher.quoteReplacement(ApiKey.mask(m.group())));
            }
            m.appendTail(sb);
            out = sb.toString();
        }
        if (out.contains("api_key:")) {
            Matcher m = CONSUMER.matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, Matcher.quoteReplacement("api_key:" + ApiKey.mask(m.group(1))));
            }
            m.appendTail(sb);
            out = sb.toString();
        }
        return out;
    }
}
