package io.github.geminibalance.translate;

import io.github.geminibalance.InvalidRequestException;
import java.util.Locale;
import java.util.Map;

/**
 * {@code MODEL_ALIASES} on every front door: a model name a client cannot change (Claude Code asks for
 * its own models) is replaced by the configured Gemini model before the request is translated. An
 * unmapped Claude model ({@code claude-*}) is a 404 that names the setting, since Gemini would only
 * answer that it has no such model.
 */
public final class ModelAliases {

    /** The setting's name, as the 404 names it. */
    public static final String SETTING = "MODEL_ALIASES";

    private ModelAliases() {}

    /**
     * The model to translate: the alias target when {@code model} (trimmed) is an alias, else {@code model}.
     *
     * @param aliases alias to Gemini model
     * @param model the client's model name, possibly null (left to the translator to reject)
     * @throws InvalidRequestException 404 {@code model_not_found} for a {@code claude-*} name that is not an alias
     */
    public static String resolve(Map<String, String> aliases, String model) {
        if (model == null) {
            return null;
        }
        String target = aliases.get(model.strip());
        if (target != null) {
            return target;
        }
        if (model.strip().toLowerCase(Locale.ROOT).startsWith("claude-")) {
            throw new InvalidRequestException(404, "model", "model_not_found", "The model '" + clip(model.strip())
                    + "' is not mapped to a Gemini model: add it to " + SETTING
                    + " (a JSON object such as {\"" + clip(model.strip()) + "\": \"gemini-2.5-pro\"}).");
        }
        return model;
    }

    private static String clip(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.replaceAll("[\\p{Cntrl}\"\\\\]", "?");
    }
}
