package io.github.geminibalance.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a list of API keys the way the server reads {@code API_KEYS}: a JSON list of strings
 * ({@code ["k1","k2"]}), or keys separated by newlines, commas and/or whitespace (each optionally in
 * quotes). Lines starting with {@code #} are comments. Duplicates are dropped, keeping the first.
 *
 * <p>The core's own parser ({@code SettingValues.list}) reads one setting's value and knows no comment
 * lines, hence this small copy for key files.
 * Error messages never quote the input: it holds secrets.
 */
public final class KeyList {

    private static final Pattern SEPARATOR = Pattern.compile("[,\\s]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyList() {}

    /**
     * Parses a key list.
     *
     * @param text the list
     * @return the keys, in order, without duplicates; empty when the text holds none
     * @throws IllegalArgumentException if the text looks like JSON but is not a list of strings
     */
    public static List<String> parse(String text) {
        String stripped = text == null ? "" : text.strip();
        List<String> entries = new ArrayList<>();
        if (stripped.startsWith("[")) {
            JsonNode node;
            try {
                node = JSON.readTree(stripped);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("the key list starts with [ but is not valid JSON (line "
                        + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
            }
            if (!node.isArray()) {
                throw new IllegalArgumentException("the key list is not a JSON list of strings");
            }
            for (int i = 0; i < node.size(); i++) {
                if (!node.get(i).isTextual()) {
                    throw new IllegalArgumentException("entry " + (i + 1) + " of the JSON key list is not a string");
                }
                entries.add(node.get(i).asText().strip());
            }
        } else {
            for (String line : stripped.split("\\R")) {
                if (line.strip().startsWith("#")) {
                    continue;
                }
                for (String part : SEPARATOR.split(line)) {
                    entries.add(unquote(part.strip()));
                }
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

    private static String unquote(String s) {
        char first = s.isEmpty() ? 0 : s.charAt(0);
        if (s.length() >= 2 && (first == '"' || first == '\'') && s.charAt(s.length() - 1) == first) {
            return s.substring(1, s.length() - 1).strip();
        }
        return s;
    }
}
