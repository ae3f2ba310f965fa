package io.github.geminibalance.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The original gemini-balance's settings that shape what a client is offered and how answers come back:
 * hidden models, the {@code urlContext} tool, search links, thoughts, and answering streams from a
 * non-streamed call. All of them can change at run time ({@link RuntimeSettings}).
 *
 * @param filteredModels {@code FILTERED_MODELS}: models hidden from the model lists and refused on
 *     every front door
 * @param urlContextEnabled {@code URL_CONTEXT_ENABLED}: add Gemini's {@code urlContext} tool
 * @param urlContextModels {@code URL_CONTEXT_MODELS}: the models (Gemini ids) that get it
 * @param showSearchLink {@code SHOW_SEARCH_LINK}: append the search sources to grounded answers
 * @param showThinkingProcess {@code SHOW_THINKING_PROCESS}: ask Gemini for its thoughts and return them
 * @param fakeStreamEnabled {@code FAKE_STREAM_ENABLED}: answer streaming requests from a non-streamed call
 * @param fakeStreamInterval {@code FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS}: how often such a stream sends
 *     keep-alive while Gemini works
 */
public record AnswerSettings(
        List<String> filteredModels,
        boolean urlContextEnabled,
        List<String> urlContextModels,
        boolean showSearchLink,
        boolean showThinkingProcess,
        boolean fakeStreamEnabled,
        Duration fakeStreamInterval) {

    static final String FILTERED_MODELS = "FILTERED_MODELS";
    static final String URL_CONTEXT_ENABLED = "URL_CONTEXT_ENABLED";
    static final String URL_CONTEXT_MODELS = "URL_CONTEXT_MODELS";
    static final String SHOW_SEARCH_LINK = "SHOW_SEARCH_LINK";
    static final String SHOW_THINKING_PROCESS = "SHOW_THINKING_PROCESS";
    static final String FAKE_STREAM_ENABLED = "FAKE_STREAM_ENABLED";
    static final String FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS = "FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS";

    /** The settings' environment names. */
    static final List<String> NAMES = List.of(FILTERED_MODELS, URL_CONTEXT_ENABLED, URL_CONTEXT_MODELS,
            SHOW_SEARCH_LINK, SHOW_THINKING_PROCESS, FAKE_STREAM_ENABLED, FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS);

    /** The original's default {@code FILTERED_MODELS}: retired models that no longer answer. */
    public static final List<String> DEFAULT_FILTERED_MODELS = List.of("gemini-1.0-pro-vision-latest",
            "gemini-pro-vision", "chat-bison-001", "text-bison-001", "embedding-gecko-001");

    /** The original's default {@code URL_CONTEXT_MODELS}. */
    public static final List<String> DEFAULT_URL_CONTEXT_MODELS = List.of("gemini-2.5-pro", "gemini-2.5-flash",
            "gemini-2.5-flash-lite", "gemini-2.0-flash", "gemini-2.0-flash-live-001");

    /** The defaults: the original's lists, no url context, links and thoughts shown, real streaming. */
    public static final AnswerSettings DEFAULTS = new AnswerSettings(DEFAULT_FILTERED_MODELS, false,
            DEFAULT_URL_CONTEXT_MODELS, true, true, false, Duration.ofSeconds(5));

    /** Validates and freezes every component. */
    public AnswerSettings {
        filteredModels = List.copyOf(Objects.requireNonNull(filteredModels, "filteredModels"));
        urlContextModels = List.copyOf(Objects.requireNonNull(urlContextModels, "urlContextModels"));
        Objects.requireNonNull(fakeStreamInterval, "fakeStreamInterval");
        if (fakeStreamInterval.isNegative() || fakeStreamInterval.isZero()) {
            throw new IllegalArgumentException("fakeStreamInterval must be positive");
        }
    }

    /**
     * Whether a model is hidden and refused: its id (without {@code models/}) is in {@link #filteredModels()}.
     *
     * @param model a model id, possibly with the {@code models/} prefix
     * @return whether it is filtered
     */
    public boolean filtered(String model) {
        if (model == null) {
            return false;
        }
        String id = model.startsWith("models/") ? model.substring("models/".length()) : model;
        return filteredModels.contains(id);
    }

    /**
     * Whether requests for a model get the {@code urlContext} tool.
     *
     * @param model the Gemini model id
     * @return whether {@code URL_CONTEXT_ENABLED} is on and the model is in {@code URL_CONTEXT_MODELS}
     */
    public boolean urlContext(String model) {
        return urlContextEnabled && urlContextModels.contains(model);
    }

    /** Reads the settings present in {@code s} over {@code base}, by {@link ConfigLoader}'s rules. */
    static AnswerSettings read(Map<String, String> s, AnswerSettings base) {
        List<String> filtered = base.filteredModels;
        String raw = SettingValues.value(s, FILTERED_MODELS);
        if (raw != null) {
            filtered = SettingValues.list(FILTERED_MODELS, raw);
        }
        List<String> urlModels = base.urlContextModels;
        raw = SettingValues.value(s, URL_CONTEXT_MODELS);
        if (raw != null) {
            urlModels = SettingValues.list(URL_CONTEXT_MODELS, raw);
        }
        int interval = SettingValues.integer(s, FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS,
                (int) base.fakeStreamInterval.toSeconds(), 1, 3600, " of seconds");
        return new AnswerSettings(filtered,
                flag(s, URL_CONTEXT_ENABLED, base.urlContextEnabled),
                urlModels,
                flag(s, SHOW_SEARCH_LINK, base.showSearchLink),
                flag(s, SHOW_THINKING_PROCESS, base.showThinkingProcess),
                flag(s, FAKE_STREAM_ENABLED, base.fakeStreamEnabled),
                Duration.ofSeconds(interval));
    }

    /** {@code base} with one setting read from {@code raw} (blank: its default). */
    static AnswerSettings with(AnswerSettings base, String name, String raw) {
        if (raw.isBlank()) {
            AnswerSettings d = DEFAULTS;
            return switch (name) {
                case FILTERED_MODELS -> base.copy(d.filteredModels, base.urlContextModels);
                case URL_CONTEXT_MODELS -> base.copy(base.filteredModels, d.urlContextModels);
                default -> read(Map.of(name, d.raw(name)), base);
            };
        }
        return read(Map.of(name, raw), base);
    }

    private AnswerSettings copy(List<String> filtered, List<String> urlModels) {
        return new AnswerSettings(filtered, urlContextEnabled, urlModels, showSearchLink, showThinkingProcess,
                fakeStreamEnabled, fakeStreamInterval);
    }

    // a flag or number of these settings as it would be written in the environment
    private String raw(String name) {
        return switch (name) {
            case URL_CONTEXT_ENABLED -> String.valueOf(urlContextEnabled);
            case SHOW_SEARCH_LINK -> String.valueOf(showSearchLink);
            case SHOW_THINKING_PROCESS -> String.valueOf(showThinkingProcess);
            case FAKE_STREAM_ENABLED -> String.valueOf(fakeStreamEnabled);
            case FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS -> String.valueOf(fakeStreamInterval.toSeconds());
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static boolean flag(Map<String, String> s, String name, boolean defaultValue) {
        String raw = SettingValues.value(s, name);
        return raw == null ? defaultValue : SettingValues.bool(name, raw);
    }
}
