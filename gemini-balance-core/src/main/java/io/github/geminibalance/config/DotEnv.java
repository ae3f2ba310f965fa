package io.github.geminibalance.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Parses the text of a {@code .env} file into settings, in file order (a name given twice keeps its last
 * value).
 *
 * <p>Syntax: {@code NAME=VALUE} lines, optionally prefixed by {@code export }; blank lines and lines
 * starting with {@code #} are skipped; whitespace around names and unquoted values is trimmed; an
 * unquoted value ends at the first {@code #} that follows whitespace. A value may be single-quoted
 * (taken literally) or double-quoted ({@code \n}, {@code \r}, {@code \t}, {@code \"} and {@code \\}
 * escapes); a quoted value may span several lines. Errors name the line number, never the line's content,
 * because the line may hold a key.
 */
final class DotEnv {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");
    /** An inline comment: a {@code #} preceded by whitespace (or starting the value after {@code = }). */
    private static final Pattern INLINE_COMMENT = Pattern.compile("\\s#.*$");
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

    private DotEnv() {}

    /**
     * Parses {@code .env} text.
     *
     * @throws ConfigException for a line that is not {@code NAME=VALUE}, naming the line number
     */
    static Map<String, String> parse(String text) {
        return parse(text, ConfigException.DOT_ENV);
    }

    /**
     * Parses {@code .env} text; {@code source} names the file in error messages.
     *
     * @throws ConfigException for a line that is not {@code NAME=VALUE}, naming the line number
     */
    static Map<String, String> parse(String text, String source) {
        Objects.requireNonNull(text, "text");
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = LINE_BREAK.split(text, -1);
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            String line = lines[i].stripLeading();
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ") || line.startsWith("export\t")) {
                line = line.substring("export".length()).stripLeading();
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw error(source, lineNumber, "has no '=' (expected NAME=VALUE)");
            }
            String name = line.substring(0, eq).strip();
            if (name.isEmpty()) {
                throw error(source, lineNumber, "has no setting name before '='");
            }
            if (!NAME.matcher(name).matches()) {
                throw error(source, lineNumber, "has an invalid setting name (use letters, digits and '_')");
            }
            String rest = line.substring(eq + 1);
            String value;
            String afterEquals = rest.stripLeading();
            if (afterEquals.startsWith("\"") || afterEquals.startsWith("'")) {
                // A quoted value: scan to the closing quote, continuing on following lines if needed.
                char quote = afterEquals.charAt(0);
                StringBuilder sb = new StringBuilder();
                String current = afterEquals;
                int pos = 1;
                while (true) {
                    if (pos >= current.length()) {
                        if (i + 1 >= lines.length) {
                            throw error(source, lineNumber, "opens a " + (quote == '"' ? "double" : "single")
                                    + " quote that is never closed");
                        }
                        sb.append('\n');
                        current = lines[++i];
                        pos = 0;
                        continue;
                    }
                    char c = current.charAt(pos);
                    if (c == quote) {
                        pos++;
                        break;
                    }
                    if (quote == '"' && c == '\\' && pos + 1 < current.length()) {
                        char next = current.charAt(pos + 1);
                        switch (next) {
                            case 'n' -> sb.append('\n');
                            case 'r' -> sb.append('\r');
                            case 't' -> sb.append('\t');
                            case '"' -> sb.append('"');
                            case '\\' -> sb.append('\\');
                            default -> sb.append('\\').append(next);
                        }
                        pos += 2;
                        continue;
                    }
                    sb.append(c);
                    pos++;
                }
                String tail = current.substring(pos).strip();
                if (!tail.isEmpty() && !tail.startsWith("#")) {
                    throw error(source, i + 1, "has text after the closing quote");
                }
                value = sb.toString();
            } else {
                value = INLINE_COMMENT.matcher(rest).replaceFirst("").strip();
            }
            settings.put(name, value);
        }
        return settings;
    }

    private static ConfigException error(String source, int lineNumber, String problem) {
        return new ConfigException(ConfigException.DOT_ENV, "line " + lineNumber + " of " + source + " " + problem);
    }
}
