package io.github.geminibalance.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.github.geminibalance.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a raw setting's value is read, for {@link ConfigLoader} and for adapters reading settings of their
 * own the same way: trimmed values, lists (JSON or separated by commas and whitespace), booleans, whole
 * numbers in a range, JSON described by position. Every problem is a {@link ConfigException} naming the
 * setting in one line; values are quoted ({@link #quote}) only where they cannot be secrets.
 */
public final class SettingValues {

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern LIST_SEPARATOR = Pattern.compile("[,\\s]+");
    /** Characters an HTTP header value may hold without whitespace: visible US-ASCII. */
    private static final Pattern HEADER_SAFE = Pattern.compile("[\\x21-\\x7E]+");

    /** Lenient on quotes and trailing commas; {@link #json} rejects anything after the value. */
    private static final ObjectReader JSON = Json.mapper().reader()
            .with(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .with(JsonReadFeature.ALLOW_TRAILING_COMMA);

    private SettingValues() {}

    /**
     * The trimmed value of a setting, or null when it is absent or blank.
     *
     * @param settings raw settings, as from {@link ConfigLoader#settings(Map, Path)}
     * @param name the setting's name
     * @return the stripped value, or null
     */
    public static String value(Map<String, String> settings, String name) {
        String v = settings.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /**
     * A list setting that must be present and hold at least one entry, read like {@link #list}.
     *
     * @param s raw settings, as from {@link ConfigLoader#settings(Map, Path)}
     * @param name the setting's name
     * @param notSet the message when the setting is absent
     * @param empty the message when it is blank or holds no entry
     * @return the entries, in order, without duplicates
     * @throws ConfigException with one of those messages, or when the list is malformed
     */
    public static List<String> requiredList(Map<String, String> s, String name, String notSet, String empty) {
        String raw = s.get(name);
        if (raw == null) {
            throw new ConfigException(name, notSet);
        }
        List<String> values = raw.isBlank() ? List.of() : list(name, raw.strip());
        if (values.isEmpty()) {
            throw new ConfigException(name, empty);
        }
        return values;
    }

    /**
     * A list given as JSON ({@code ["a","b"]}) or separated by commas and/or whitespace; entries are
     * trimmed, empty ones dropped, duplicates removed keeping the first. For adapters reading list settings
     * of their own the way {@code API_KEYS} is read.
     *
     * @param name the setting's name, for messages
     * @param raw the setting's value, stripped
     * @return the entries, in order, without duplicates
     * @throws ConfigException if a JSON list is malformed; the message never quotes an entry
     */
    public static List<String> list(String name, String raw) {
        List<String> entries = new ArrayList<>();
        if (raw.startsWith("[")) {
            JsonNode node = json(name, raw, "a JSON list of strings");
            if (!node.isArray()) {
                throw new ConfigException(name, name + " is not a JSON list of strings");
            }
            for (int i = 0; i < node.size(); i++) {
                JsonNode element = node.get(i);
                if (!element.isTextual()) {
                    throw new ConfigException(name, name + " is not a JSON list of strings: entry " + (i + 1)
                            + " is " + kind(element));
                }
                entries.add(element.asText().strip());
            }
        } else {
            for (String part : LIST_SEPARATOR.split(raw)) {
                entries.add(unquote(part.strip()));
            }
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String entry : entries) {
            if (!entry.isEmpty()) {
                unique.add(entry);
            }
        }
        return List.copyOf(unique);
    }

    /** Strips one pair of matching quotes, so {@code "k1","k2"} without brackets still works. */
    private static String unquote(String s) {
        char first = s.isEmpty() ? 0 : s.charAt(0);
        if (s.length() >= 2 && (first == '"' || first == '\'') && s.charAt(s.length() - 1) == first) {
            return s.substring(1, s.length() - 1).strip();
        }
        return s;
    }

    /**
     * Rejects entries that could not be sent in an HTTP header (whitespace, control characters, non-ASCII).
     *
     * @param name the setting's name, for messages
     * @param values the entries
     * @throws ConfigException naming the first bad entry by position, never by value
     */
    public static void requireHeaderSafe(String name, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (!HEADER_SAFE.matcher(values.get(i)).matches()) {
                throw new ConfigException(name, name + " entry " + (i + 1)
                        + " contains whitespace or a character that cannot be sent in an HTTP header");
            }
        }
    }

    /**
     * Parses JSON, describing a syntax problem by position only: Jackson's own messages quote the
     * offending token, which may be part of a key.
     */
    static JsonNode json(String name, String raw, String expected) {
        String trailing = name + " is not " + expected + ": unexpected text after the JSON value";
        try (JsonParser parser = JSON.createParser(raw)) {
            JsonNode node = JSON.readTree(parser);
            if (node == null) {
                throw new ConfigException(name, name + " is not " + expected);
            }
            try {
                if (parser.nextToken() != null) {
                    throw new ConfigException(name, trailing);
                }
            } catch (JsonProcessingException e) {
                throw new ConfigException(name, trailing);
            }
            return node;
        } catch (JsonEOFException e) {
            throw new ConfigException(name, name + " is not " + expected
                    + ": the JSON ends early (a closing bracket, brace or quote is missing)");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : at.getLineNr() > 1
                    ? " at line " + at.getLineNr() + ", column " + at.getColumnNr()
                    : " at character " + at.getColumnNr();
            throw new ConfigException(name, name + " is not " + expected + ": malformed JSON" + where
                    + " (quote every string with \", separate entries with commas)");
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from a string", e); // cannot happen for a String
        }
    }

    static String kind(JsonNode node) {
        if (node.isNull()) {
            return "null";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "an object";
        }
        return "not a string";
    }

    /** Parses a boolean: true/false, 1/0, yes/no, on/off, in any case. */
    static boolean bool(String name, String raw) {
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException(name,
                    name + " must be true or false (also 1/0, yes/no, on/off), got " + quote(raw));
        };
    }

    /**
     * A whole-number setting within a range.
     *
     * @param s raw settings, as from {@link ConfigLoader#settings(Map, Path)}
     * @param name the setting's name
     * @param defaultValue the value when the setting is absent or blank
     * @param min the smallest value accepted
     * @param max the largest value accepted ({@link Integer#MAX_VALUE} for no bound)
     * @param unit words after "a whole number" in the message, such as {@code " of seconds"}, or empty
     * @return the value
     * @throws ConfigException stating the range and quoting the value
     */
    public static int integer(Map<String, String> s, String name, int defaultValue, int min, int max,
            String unit) {
        String raw = value(s, name);
        if (raw == null) {
            return defaultValue;
        }
        String range = max == Integer.MAX_VALUE ? " >= " + min : " from " + min + " to " + max;
        String problem = name + " must be a whole number" + unit + range + ", got " + quote(raw);
        if (!WHOLE_NUMBER.matcher(raw).matches()) {
            throw new ConfigException(name, problem);
        }
        long n;
        try {
            n = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new ConfigException(name, problem);
        }
        if (n < min || n > max) {
            throw new ConfigException(name, problem);
        }
        return (int) n;
    }

    /**
     * Quotes a non-secret value for a message: one line, at most 40 characters.
     *
     * @param value the value
     * @return the value in double quotes, control characters escaped, cut to 40 characters
     */
    public static String quote(String value) {
        StringBuilder sb = new StringBuilder("\"");
        int limit = 40;
        for (int i = 0; i < value.length() && i < limit; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (Character.isISOControl(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        if (value.length() > limit) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }
}
