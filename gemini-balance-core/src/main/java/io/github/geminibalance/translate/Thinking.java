package io.github.geminibalance.translate;

import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.gemini.GenerationConfig.ThinkingConfig;
import java.util.Locale;

/**
 * Thinking control per model family (WIRE_FORMATS C.5). Gemini 2.5 takes a token budget, Gemini 3 a
 * level; other families get no {@code thinkingConfig} from {@code reasoning_effort}, because sending
 * one to a model that cannot think is a 400 upstream.
 *
 * <p>{@code reasoning_effort} table: 2.5: none 0 (2.5 Pro, which cannot turn thinking off: 128),
 * minimal and low 1024, medium 8192, high/xhigh/max 24576. 3 Flash: none and minimal "minimal", low
 * "low", medium "medium", high/xhigh/max "high". 3 Pro (accepts only low and high): none, minimal and
 * low "low", medium and above "high". Models whose name marks them as image, audio, TTS, live or
 * embedding variants are left alone.
 *
 * <p>{@code includeThoughts} is set whenever thinking stays on, so thoughts come back and can be
 * returned as {@code reasoning_content}; it is left out when the budget is 0.
 */
final class Thinking {

    private Thinking() {}

    /** Whether the model is a Gemini 3 family model (thought signatures are enforced there). */
    static boolean isGemini3(String model) {
        return lower(model).startsWith("gemini-3");
    }

    /** Checks a {@code reasoning_effort} value; null passes. */
    static void validateEffort(String effort) {
        if (effort == null) {
            return;
        }
        switch (effort) {
            case "none", "minimal", "low", "medium", "high", "xhigh", "max" -> { }
            default -> throw new InvalidRequestException("reasoning_effort",
                    "Unknown reasoning_effort; expected none, minimal, low, medium, high, xhigh or max.");
        }
    }

    /** The thinking config for a (valid) {@code reasoning_effort}, or null when the model takes none. */
    static ThinkingConfig forEffort(String effort, String model) {
        String m = lower(model);
        if (!tunable(m)) {
            return null;
        }
        boolean pro = m.contains("-pro");
        if (m.startsWith("gemini-3")) {
            String level = switch (effort) {
                case "none", "minimal" -> pro ? "low" : "minimal";
                case "low" -> "low";
                case "medium" -> pro ? "high" : "medium";
                default -> "high";
            };
            return level(level);
        }
        if (m.startsWith("gemini-2.5")) {
            int budget = switch (effort) {
                case "none" -> m.contains("2.5-pro") ? 128 : 0;
                case "minimal", "low" -> 1024;
                case "medium" -> 8192;
                default -> 24576;
            };
            return budget(budget);
        }
        return null;
    }

    /** The thinking config for the {@code -non-thinking} suffix, or null for models that never think. */
    static ThinkingConfig nonThinking(String model) {
        String m = lower(model);
        if (!tunable(m) || m.startsWith("gemini-1") || m.startsWith("gemini-2.0") || m.startsWith("gemma")) {
            return null;
        }
        if (m.startsWith("gemini-3")) {
            return level(m.contains("-pro") ? "low" : "minimal");
        }
        return budget(m.contains("2.5-pro") ? 128 : 0);
    }

    /** A budget-based config; thoughts are included unless thinking is off. */
    static ThinkingConfig budget(int budget) {
        return new ThinkingConfig(budget, null, budget != 0 ? Boolean.TRUE : null);
    }

    /** A level-based config (lower-case wire value) with thoughts included. */
    static ThinkingConfig level(String level) {
        return new ThinkingConfig(null, level, Boolean.TRUE);
    }

    /**
     * {@code config} as {@code SHOW_THINKING_PROCESS} allows: without {@code includeThoughts} when thoughts
     * are not shown (null stays null).
     */
    static ThinkingConfig shown(ThinkingConfig config, boolean show) {
        if (show || config == null || !Boolean.TRUE.equals(config.includeThoughts())) {
            return config;
        }
        return new ThinkingConfig(config.thinkingBudget(), config.thinkingLevel(), null);
    }

    /** The {@code urlContext} tool. */
    static io.github.geminibalance.gemini.GenerateContentRequest.Tool urlContextTool() {
        return new io.github.geminibalance.gemini.GenerateContentRequest.Tool(null, null, null,
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
    }

    private static boolean tunable(String m) {
        return !(m.contains("image") || m.contains("tts") || m.contains("audio") || m.contains("live")
                || m.contains("embedding"));
    }

    private static String lower(String model) {
        return model.toLowerCase(Locale.ROOT);
    }
}
