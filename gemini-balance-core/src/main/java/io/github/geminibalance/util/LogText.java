package io.github.geminibalance.util;

/**
 * Makes text a client controls safe to put in a log line. A client's model name, path or header
 * value is data, not log structure: a raw newline would forge a second line, a carriage return or an
 * ANSI escape would rewrite what a terminal shows, a NUL would cut the line in some tools. Every
 * client-supplied value reaches a log line through {@link #quote(String)}.
 */
public final class LogText {

    /** Characters of a value kept in a log line; longer values end in {@code ...}. */
    public static final int MAX_CHARS = 200;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogText() {}

    /**
     * The value in double quotes, one line, at most {@value #MAX_CHARS} characters of it: backslash and
     * quote are escaped, {@code \n \r \t} written as such, every other control character (C0, DEL, C1)
     * and the Unicode line separators and bidi controls as {@code \}{@code uXXXX}. Null becomes
     * {@code null} without quotes.
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        int end = Math.min(value.length(), MAX_CHARS);
        if (end < value.length() && Character.isHighSurrogate(value.charAt(end - 1))) {
            end--; // never cut a surrogate pair in half
        }
        StringBuilder sb = new StringBuilder(end + 8).append('"');
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else {
                appendEscaped(sb, c);
            }
        }
        if (end < value.length()) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }

    /**
     * The value cut to {@value #MAX_CHARS} characters with {@code ...} (for fields an encoder escapes,
     * such as JSON's); null stays null.
     */
    public static String truncate(String value) {
        if (value == null || value.length() <= MAX_CHARS) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
        return value.substring(0, end) + "...";
    }

    /**
     * The text with control characters escaped as in {@link #quote(String)}, but without quotes, without
     * a length cap and with backslashes and quotes kept: the last line of defence for a whole message
     * (text already quoted passes unchanged, since it holds no control character).
     */
    public static String escapeControls(String text) {
        if (text == null) {
            return "null";
        }
        int i = 0;
        while (i < text.length() && !needsEscape(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            appendEscaped(sb, text.charAt(i));
        }
        return sb.toString();
    }

    private static void appendEscaped(StringBuilder sb, char c) {
        switch (c) {
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            default -> {
                if (needsEscape(c)) {
                    sb.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                            .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                } else {
                    sb.append(c);
                }
            }
        }
    }

    // C0, DEL, C1, the line and paragraph separators, and the bidi embeddings, overrides and isolates
    // (they reorder what a reader sees).
    private static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }
}
