package io.github.geminibalance.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keeps the Redis URL's password out of every log line and message. */
final class RedisSecrets {

    private static final Pattern URL_CREDENTIALS = Pattern.compile("(?<=://)[^/@\\s]*@");
    private static final Pattern USER_INFO = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://([^/@]*)@");

    private RedisSecrets() {
    }

    /** Replaces credentials in URLs and every one of {@code secrets} with {@code ***}. */
    static String scrub(String text, List<String> secrets) {
        String out = URL_CREDENTIALS.matcher(text).replaceAll("***@");
        for (String secret : secrets) {
            out = out.replace(secret, "***");
        }
        return out;
    }

    /** The password in a Redis URL (the user-info after the colon, or all of it), as written and decoded. */
    static List<String> secretsOf(String url) {
        Matcher m = USER_INFO.matcher(url.strip());
        if (!m.find()) {
            return List.of();
        }
        String info = m.group(1);
        String password = info.substring(info.indexOf(':') + 1);
        if (password.isEmpty()) {
            return List.of();
        }
        String decoded = java.net.URLDecoder.decode(password.replace("+", "%2B"), StandardCharsets.UTF_8);
        return decoded.equals(password) ? List.of(password) : List.of(password, decoded);
    }
}
