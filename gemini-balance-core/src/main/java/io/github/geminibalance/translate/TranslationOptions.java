package io.github.geminibalance.translate;

import io.github.geminibalance.config.GeminiBalanceConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Options from configuration that shape every translated request.
 *
 * <p>{@code safetySettings} are kept sorted by category, so the list sent upstream has a stable order
 * whatever map the caller passed in.
 *
 * @param codeExecutionEnabled {@code TOOLS_CODE_EXECUTION_ENABLED}: add the {@code codeExecution} tool
 *     to requests that carry no function tools and ask for no JSON output
 * @param searchModels {@code MODEL_SEARCH}: these models (upstream ids) always get {@code googleSearch}
 * @param safetySettings harm category to threshold, applied unless the request brings its own
 * @param thinkingBudgets {@code THINKING_BUDGET_MAP}: upstream model id to thinking budget
 *     ({@code -1} dynamic), used when the request sets no {@code reasoning_effort}
 * @param modelAliases {@code MODEL_ALIASES}: client model name to the Gemini model called instead
 * @param imageModels {@code IMAGE_MODELS}: chat models whose {@code <model>-image} name asks for text and
 *     image output
 * @param answers {@code URL_CONTEXT_*}, {@code SHOW_SEARCH_LINK}, {@code SHOW_THINKING_PROCESS} (and the
 *     rest of the original's answer settings)
 */
public record TranslationOptions(
        boolean codeExecutionEnabled,
        Set<String> searchModels,
        Map<String, String> safetySettings,
        Map<String, Integer> thinkingBudgets,
        Map<String, String> modelAliases,
        java.util.List<String> imageModels,
        io.github.geminibalance.config.AnswerSettings answers) {

    /** Options with the default image models and answer settings. */
    public TranslationOptions(boolean codeExecutionEnabled, Set<String> searchModels,
            Map<String, String> safetySettings, Map<String, Integer> thinkingBudgets, Map<String, String> modelAliases) {
        this(codeExecutionEnabled, searchModels, safetySettings, thinkingBudgets, modelAliases,
                GeminiBalanceConfig.DEFAULT_IMAGE_MODELS, io.github.geminibalance.config.AnswerSettings.DEFAULTS);
    }

    /** Options without model aliases. */
    public TranslationOptions(boolean codeExecutionEnabled, Set<String> searchModels,
            Map<String, String> safetySettings, Map<String, Integer> thinkingBudgets) {
        this(codeExecutionEnabled, searchModels, safetySettings, thinkingBudgets, Map.of());
    }

    /** Validates and freezes every component. */
    public TranslationOptions {
        searchModels = Set.copyOf(Objects.requireNonNull(searchModels, "searchModels"));
        safetySettings = Collections.unmodifiableMap(
                new TreeMap<>(Objects.requireNonNull(safetySettings, "safetySettings")));
        thinkingBudgets = Map.copyOf(Objects.requireNonNull(thinkingBudgets, "thinkingBudgets"));
        modelAliases = Map.copyOf(Objects.requireNonNull(modelAliases, "modelAliases"));
        imageModels = java.util.List.copyOf(Objects.requireNonNull(imageModels, "imageModels"));
        Objects.requireNonNull(answers, "answers");
    }

    /** Whether thoughts are asked for and returned ({@code SHOW_THINKING_PROCESS}). */
    public boolean showThinking() {
        return answers.showThinkingProcess();
    }

    /**
     * The options of a default configuration: no code execution, {@code gemini-2.0-flash-exp} as the
     * search model, every harm category {@code OFF}, no thinking budgets.
     */
    public static TranslationOptions defaults() {
        Map<String, String> safety = new LinkedHashMap<>();
        for (String category : GeminiBalanceConfig.HARM_CATEGORIES) {
            safety.put(category, "OFF");
        }
        return new TranslationOptions(false, Set.of("gemini-2.0-flash-exp"), safety, Map.of());
    }

    /** The translation options of run-time settings. */
    public static TranslationOptions from(io.github.geminibalance.config.RuntimeSettings s) {
        return new TranslationOptions(s.codeExecutionEnabled(), Set.copyOf(s.searchModels()), s.safetySettings(),
                s.thinkingBudgets(), Map.of(), GeminiBalanceConfig.DEFAULT_IMAGE_MODELS, s.answers());
    }

    /** The translation options of a configuration. */
    public static TranslationOptions from(GeminiBalanceConfig config) {
        return new TranslationOptions(config.codeExecutionEnabled(), Set.copyOf(config.searchModels()),
                config.safetySettings(), config.thinkingBudgets(), config.modelAliases(), config.imageModels(),
                config.answers());
    }
}
