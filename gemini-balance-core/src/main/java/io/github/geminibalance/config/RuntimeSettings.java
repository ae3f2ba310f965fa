package io.github.geminibalance.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The part of a {@link GeminiBalanceConfig} that may change while the instance runs: retries, the failure
 * limit, upstream timeouts, search models, code execution, key selection, thinking budgets and safety
 * settings. {@code GeminiBalance.updateSettings} swaps them in at once; the next request reads them.
 * Everything else (keys, base URL, connect timeout, media limits, the key check schedule) needs a restart.
 *
 * <p>{@link #NAMES} are the settings' environment names; {@link #with(String, String)} reads one of them
 * with exactly the rules {@link ConfigLoader} applies at start-up.
 *
 * @param maxRetries {@code MAX_RETRIES}: attempts per request, at least 1
 * @param maxFailures {@code MAX_FAILURES}: consecutive failures after which a key is skipped, at least 1
 * @param timeout {@code TIME_OUT}: the total timeout of one upstream call (and the wait for a stream's
 *     first bytes)
 * @param streamIdleTimeout {@code STREAM_IDLE_TIMEOUT}: the longest gap between two stream events
 * @param codeExecutionEnabled {@code TOOLS_CODE_EXECUTION_ENABLED}
 * @param searchModels {@code MODEL_SEARCH}: models that always get the {@code googleSearch} tool
 * @param safetySettings {@code SAFETY_SETTINGS}: harm category to threshold
 * @param thinkingBudgets {@code THINKING_BUDGET_MAP}: model to thinking budget
 * @param keySelection {@code KEY_SELECTION}
 * @param answers {@code FILTERED_MODELS}, {@code URL_CONTEXT_*}, {@code SHOW_SEARCH_LINK},
 *     {@code SHOW_THINKING_PROCESS} and {@code FAKE_STREAM_*}
 */
public record RuntimeSettings(
        int maxRetries,
        int maxFailures,
        Duration timeout,
        Duration streamIdleTimeout,
        boolean codeExecutionEnabled,
        List<String> searchModels,
        Map<String, String> safetySettings,
        Map<String, Integer> thinkingBudgets,
        KeySelection keySelection,
        AnswerSettings answers) {

    /**
     * The environment names of the settings that can change at run time, in the order an admin page
     * shows them. {@code SEARCH_MODELS}, the original's name that is read when {@code MODEL_SEARCH} is
     * unset, is read at start-up only; an override of {@code MODEL_SEARCH} wins over both.
     */
    public static final List<String> NAMES = List.of(
            ConfigLoader.MAX_RETRIES,
            ConfigLoader.MAX_FAILURES,
            ConfigLoader.TIME_OUT,
            ConfigLoader.STREAM_IDLE_TIMEOUT,
            ConfigLoader.KEY_SELECTION,
            ConfigLoader.MODEL_SEARCH,
            ConfigLoader.TOOLS_CODE_EXECUTION_ENABLED,
            ConfigLoader.THINKING_BUDGET_MAP,
            ConfigLoader.SAFETY_SETTINGS,
            AnswerSettings.FILTERED_MODELS,
            AnswerSettings.URL_CONTEXT_ENABLED,
            AnswerSettings.URL_CONTEXT_MODELS,
            AnswerSettings.SHOW_SEARCH_LINK,
            AnswerSettings.SHOW_THINKING_PROCESS,
            AnswerSettings.FAKE_STREAM_ENABLED,
            AnswerSettings.FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS);

    private static final Set<String> NAME_SET = Set.copyOf(NAMES);

    /** Validates and freezes every component. */
    public RuntimeSettings {
        if (maxRetries < 1) {
            throw new IllegalArgumentException("maxRetries must be at least 1");
        }
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1");
        }
        requirePositive(timeout, "timeout");
        requirePositive(streamIdleTimeout, "streamIdleTimeout");
        searchModels = List.copyOf(Objects.requireNonNull(searchModels, "searchModels"));
        safetySettings = Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(safetySettings, "safetySettings")));
        thinkingBudgets = Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(thinkingBudgets, "thinkingBudgets")));
        Objects.requireNonNull(keySelection, "keySelection");
        Objects.requireNonNull(answers, "answers");
    }

    /** Settings with the default {@link AnswerSettings} (the components before {@code answers}). */
    public RuntimeSettings(int maxRetries, int maxFailures, Duration timeout, Duration streamIdleTimeout,
            boolean codeExecutionEnabled, List<String> searchModels, Map<String, String> safetySettings,
            Map<String, Integer> thinkingBudgets, KeySelection keySelection) {
        this(maxRetries, maxFailures, timeout, streamIdleTimeout, codeExecutionEnabled, searchModels, safetySettings,
                thinkingBudgets, keySelection, AnswerSettings.DEFAULTS);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /**
     * The run-time part of a configuration.
     *
     * @param config the configuration
     * @return its run-time settings
     */
    public static RuntimeSettings of(GeminiBalanceConfig config) {
        return new RuntimeSettings(config.maxRetries(), config.maxFailures(), config.timeout(),
                config.streamIdleTimeout(), config.codeExecutionEnabled(), config.searchModels(),
                config.safetySettings(), config.thinkingBudgets(), config.keySelection(), config.answers());
    }

    /**
     * Whether a setting can change at run time.
     *
     * @param name an environment name, such as {@code MAX_RETRIES}
     * @return whether it is one of {@link #NAMES}
     */
    public static boolean isRuntime(String name) {
        return NAME_SET.contains(name);
    }

    /**
     * A copy with one setting read from its raw value, by the rules of start-up ({@link ConfigLoader}); a
     * blank value means the setting's default, as an empty environment variable does.
     *
     * @param name one of {@link #NAMES}
     * @param raw the value as it would be written in the environment
     * @return the new settings
     * @throws ConfigException naming the setting when the value is malformed or out of range, or when the
     *     setting cannot change at run time
     */
    public RuntimeSettings with(String name, String raw) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(raw, "raw");
        if (!isRuntime(name)) {
            throw new ConfigException(name, name + " cannot be changed while the server runs (restart required)");
        }
        return ConfigLoader.runtime(this, name, raw);
    }

    /**
     * A copy with several settings read as {@link #with(String, String)} does, in the map's order.
     *
     * @param raw setting name to raw value
     * @return the new settings
     * @throws ConfigException naming the first setting that is refused
     */
    public RuntimeSettings with(Map<String, String> raw) {
        RuntimeSettings s = this;
        for (Map.Entry<String, String> e : raw.entrySet()) {
            s = s.with(e.getKey(), e.getValue());
        }
        return s;
    }

    /**
     * The configuration with these settings in place of its own.
     *
     * @param config a configuration
     * @return a copy of it with these run-time settings
     */
    public GeminiBalanceConfig applyTo(GeminiBalanceConfig config) {
        return config.toBuilder().maxRetries(maxRetries).maxFailures(maxFailures).timeout(timeout)
                .streamIdleTimeout(streamIdleTimeout).codeExecutionEnabled(codeExecutionEnabled)
                .searchModels(searchModels).safetySettings(safetySettings).thinkingBudgets(thinkingBudgets)
                .keySelection(keySelection).answers(answers).build();
    }
}
