package io.github.geminibalance.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code MODEL_ALIASES}: a JSON object of client model name to Gemini model, such as
 * {@code {"claude-sonnet-4-5": "gemini-2.5-pro"}}. Names are trimmed; a target may carry the
 * {@code models/} prefix and the {@code -search} / {@code -non-thinking} suffixes.
 */
final class ModelAliasesSetting {

    static final String NAME = "MODEL_ALIASES";

    /** What a model name may hold: no whitespace, no control characters, no path or query separators. */
    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._:/@-]+");

    private ModelAliasesSetting() {}

    /**
     * Parses the setting.
     *
     * @throws ConfigException naming {@value #NAME} when the value is not an object of names to names
     */
    static Map<String, String> parse(String raw) {
        String expected = "a JSON object of model name to Gemini model";
        JsonNode node = SettingValues.json(NAME, raw, expected);
        if (!node.isObject()) {
            throw new ConfigException(NAME, NAME + " is not " + expected + ", got " + SettingValues.kind(node));
        }
        Map<String, String> aliases = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String alias = field.getKey().strip();
            if (alias.isEmpty()) {
                throw new ConfigException(NAME, NAME + " has an empty model name");
            }
            JsonNode value = field.getValue();
            if (!value.isTextual() || value.asText().isBlank()) {
                throw new ConfigException(NAME, NAME + " target of \"" + printable(alias)
                        + "\" must be a Gemini model name, got " + (value.isTextual() ? "an empty string"
                        : SettingValues.kind(value)));
            }
            String target = value.asText().strip();
            if (!MODEL.matcher(target).matches()) {
                throw new ConfigException(NAME, NAME + " target of \"" + printable(alias)
                        + "\" is not a model name (letters, digits and . _ : / @ - only)");
            }
            if (aliases.put(alias, target) != null) {
                throw new ConfigException(NAME, NAME + " names \"" + printable(alias) + "\" twice");
            }
        }
        return aliases;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
