package io.github.geminibalance.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads {@link GeminiBalanceConfig} from environment variables and a {@code .env} file (the environment
 * wins). Setting names are those users of the original Python gemini-balance know ({@code API_KEYS},
 * {@code MAX_FAILURES}, ...); docs/configuration.md lists them all. Only {@code API_KEYS} is required.
 * Settings this class does not know (among them the server's, such as {@code ALLOWED_TOKENS} and
 * {@code PORT}, which the server reads from the same {@link #settings raw settings}) are ignored. A blank
 * value counts as not set.
 *
 * <p>Every problem is reported as a {@link ConfigException} whose message is one line naming the setting
 * and what is wrong; the values of {@code API_KEYS} never appear in it.
 */
public final class ConfigLoader {

    static final String API_KEYS = "API_KEYS";
    static final String BASE_URL = "BASE_URL";
    static final String TOOLS_CODE_EXECUTION_ENABLED = "TOOLS_CODE_EXECUTION_ENABLED";
    static final String MODEL_SEARCH = "MODEL_SEARCH";
    static final String SEARCH_MODELS = "SEARCH_MODELS";
    static final String IMAGE_MODELS = "IMAGE_MODELS";
    static final String MAX_FAILURES = "MAX_FAILURES";
    static final String MAX_RETRIES = "MAX_RETRIES";
    static final String TIME_OUT = "TIME_OUT";
    static final String CONNECT_TIMEOUT = "CONNECT_TIMEOUT";
    static final String STREAM_IDLE_TIMEOUT = "STREAM_IDLE_TIMEOUT";
    static final String SAFETY_SETTINGS = "SAFETY_SETTINGS";
    static final String THINKING_BUDGET_MAP = "THINKING_BUDGET_MAP";
    static final String MODEL_ALIASES = ModelAliasesSetting.NAME;
    static final String KEY_SELECTION = "KEY_SELECTION";
    static final String CHECK_INTERVAL_HOURS = "CHECK_INTERVAL_HOURS";
    static final String TEST_MODEL = "TEST_MODEL";
    static final String MAX_REMOTE_MEDIA = "MAX_REMOTE_MEDIA";
    static final String MAX_MEDIA_BYTES = "MAX_MEDIA_BYTES";
    static final String MAX_MEDIA_TOTAL_BYTES = "MAX_MEDIA_TOTAL_BYTES";
    static final String MAX_MEDIA_INFLIGHT_BYTES = "MAX_MEDIA_INFLIGHT_BYTES";

    /** The thresholds Gemini accepts in a safety setting. */
    static final List<String> HARM_BLOCK_THRESHOLDS = List.of(
            "BLOCK_LOW_AND_ABOVE",
            "BLOCK_MEDIUM_AND_ABOVE",
            "BLOCK_ONLY_HIGH",
            "BLOCK_NONE",
            "OFF",
            "HARM_BLOCK_THRESHOLD_UNSPECIFIED");

    static final int MAX_THINKING_BUDGET = 32768;
    static final int MAX_CHECK_INTERVAL_HOURS = 8760;

    private static final Pattern DECIMAL = Pattern.compile("\\+?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)");


    private ConfigLoader() {}

    /**
     * Loads the configuration from {@link System#getenv()} and {@code ./.env} in the working directory,
     * if that file exists.
     *
     * @throws ConfigException if a setting is missing or malformed
     */
    public static GeminiBalanceConfig load() {
        return load(System.getenv(), Path.of(".env"));
    }

    /**
     * Loads the configuration from an explicit environment and {@code .env} file.
     *
     * @param environment the environment variables; they win over the {@code .env} file
     * @param dotEnv the {@code .env} file; it may not exist, and null means none
     * @throws ConfigException if a setting is missing or malformed
     */
    public static GeminiBalanceConfig load(Map<String, String> environment, Path dotEnv) {
        return fromSettings(settings(environment, dotEnv));
    }

    /**
     * The raw settings: the {@code .env} file's entries overridden by the environment (a variable that is
     * defined in the environment wins even when empty). For adapters that need a raw value such as
     * {@code PORT}; use {@link #load(Map, Path)} for validated values.
     *
     * @param environment the environment variables
     * @param dotEnv the {@code .env} file; it may not exist, and null means none
     * @return an unmodifiable map in {@code .env} order, then environment order
     * @throws ConfigException if the {@code .env} file exists but cannot be read or parsed
     */
    public static Map<String, String> settings(Map<String, String> environment, Path dotEnv) {
        Objects.requireNonNull(environment, "environment");
        Map<String, String> merged = new LinkedHashMap<>(readDotEnv(dotEnv));
        environment.forEach((name, value) -> {
            if (name != null && value != null) {
                merged.put(name, value);
            }
        });
        return Collections.unmodifiableMap(merged);
    }

    private static Map<String, String> readDotEnv(Path dotEnv) {
        if (dotEnv == null || !Files.exists(dotEnv)) {
            return Map.of();
        }
        if (!Files.isRegularFile(dotEnv)) {
            throw new ConfigException(ConfigException.DOT_ENV, dotEnv + " is not a regular file");
        }
        String text;
        try {
            text = Files.readString(dotEnv, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new ConfigException(ConfigException.DOT_ENV, dotEnv + " is not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(ConfigException.DOT_ENV,
                    "cannot read " + dotEnv + " (" + e.getClass().getSimpleName() + ")");
        }
        return DotEnv.parse(text, dotEnv.toString());
    }

    /**
     * Loads the configuration of an application whose keys live in a store (the server with a database):
     * as {@link #load(Map, Path)}, except that {@code API_KEYS} may be unset or empty, since the store may
     * hold the keys. When it is set it must still be a valid list: it seeds the store.
     *
     * @param environment the environment variables; they win over the {@code .env} file
     * @param dotEnv the {@code .env} file; it may not exist, and null means none
     * @param keysInStore whether the keys live in a store (false: exactly {@link #load(Map, Path)})
     * @throws ConfigException if a setting is missing or malformed
     */
    public static GeminiBalanceConfig load(Map<String, String> environment, Path dotEnv, boolean keysInStore) {
        return fromSettings(settings(environment, dotEnv), keysInStore);
    }

    /** Validates merged raw settings into a configuration. */
    static GeminiBalanceConfig fromSettings(Map<String, String> s) {
        return fromSettings(s, false);
    }

    private static GeminiBalanceConfig fromSettings(Map<String, String> s, boolean keysInStore) {
        GeminiBalanceConfig.Builder b = GeminiBalanceConfig.builder();

        List<String> apiKeys;
        if (keysInStore) {
            String raw = SettingValues.value(s, API_KEYS);
            apiKeys = raw == null ? List.of() : SettingValues.list(API_KEYS, raw);
        } else {
            apiKeys = SettingValues.requiredList(s, API_KEYS, API_KEYS + " is not set", API_KEYS + " is empty");
        }
        SettingValues.requireHeaderSafe(API_KEYS, apiKeys);
        b.apiKeys(apiKeys);

        String baseUrl = SettingValues.value(s, BASE_URL);
        if (baseUrl != null) {
            b.baseUrl(baseUrl(baseUrl));
        }

        String codeExecution = SettingValues.value(s, TOOLS_CODE_EXECUTION_ENABLED);
        if (codeExecution != null) {
            b.codeExecutionEnabled(SettingValues.bool(TOOLS_CODE_EXECUTION_ENABLED, codeExecution));
        }

        String searchName = MODEL_SEARCH;
        String search = SettingValues.value(s, MODEL_SEARCH);
        if (search == null && SettingValues.value(s, SEARCH_MODELS) != null) {
            searchName = SEARCH_MODELS;
            search = SettingValues.value(s, SEARCH_MODELS);
        }
        if (search != null) {
            b.searchModels(SettingValues.list(searchName, search));
        }

        b.maxFailures(SettingValues.integer(s, MAX_FAILURES, 10, 1, Integer.MAX_VALUE, ""));
        b.maxRetries(SettingValues.integer(s, MAX_RETRIES, 3, 1, Integer.MAX_VALUE, ""));
        b.timeout(Duration.ofSeconds(SettingValues.integer(s, TIME_OUT, 300, 1, Integer.MAX_VALUE, " of seconds")));
        b.connectTimeout(Duration.ofSeconds(SettingValues.integer(s, CONNECT_TIMEOUT, 10, 1, Integer.MAX_VALUE, " of seconds")));
        b.streamIdleTimeout(
                Duration.ofSeconds(SettingValues.integer(s, STREAM_IDLE_TIMEOUT, 60, 1, Integer.MAX_VALUE, " of seconds")));

        String safety = SettingValues.value(s, SAFETY_SETTINGS);
        if (safety != null) {
            b.safetySettings(safetySettings(safety));
        }

        String budgets = SettingValues.value(s, THINKING_BUDGET_MAP);
        if (budgets != null) {
            b.thinkingBudgets(thinkingBudgets(budgets));
        }

        String imageModels = SettingValues.value(s, IMAGE_MODELS);
        if (imageModels != null) {
            b.imageModels(SettingValues.list(IMAGE_MODELS, imageModels));
        }

        String aliases = SettingValues.value(s, MODEL_ALIASES);
        if (aliases != null) {
            b.modelAliases(ModelAliasesSetting.parse(aliases));
        }

        String selection = SettingValues.value(s, KEY_SELECTION);
        if (selection != null) {
            b.keySelection(KeySelection.parse(selection).orElseThrow(() -> new ConfigException(KEY_SELECTION,
                    KEY_SELECTION + " must be round_robin or least_busy, got " + SettingValues.quote(selection))));
        }

        String interval = SettingValues.value(s, CHECK_INTERVAL_HOURS);
        if (interval != null) {
            b.checkInterval(checkInterval(interval));
        }

        String testModel = SettingValues.value(s, TEST_MODEL);
        if (testModel != null) {
            b.testModel(testModel);
        }

        b.answers(AnswerSettings.read(s, AnswerSettings.DEFAULTS));

        MediaLimits d = MediaLimits.DEFAULTS;
        long mediaTotal = size(s, MAX_MEDIA_TOTAL_BYTES, d.maxTotalBytes());
        b.media(new MediaLimits(SettingValues.integer(s, MAX_REMOTE_MEDIA, d.maxItems(), 1, Integer.MAX_VALUE, ""),
                size(s, MAX_MEDIA_BYTES, d.maxItemBytes()), mediaTotal, inflightSize(s, mediaTotal)));
        b.audio(AudioSettingsLoader.read(s));

        b.upstream(UpstreamSettings.read(s)); // PROXIES, CUSTOM_HEADERS, VERTEX_*

        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            // The checks above should make this unreachable; the record's messages hold no values.
            throw new ConfigException("configuration", e.getMessage());
        }
    }

    /**
     * {@code base} with one run-time setting read from {@code raw} by the rules of {@link #load}: the value
     * is read exactly as it would be from the environment (blank: the setting's default), so a change at
     * run time is refused for the same reasons, with the same message, as a bad start-up value.
     */
    static RuntimeSettings runtime(RuntimeSettings base, String name, String raw) {
        Map<String, String> one = new LinkedHashMap<>();
        one.put(name, raw);
        GeminiBalanceConfig parsed = fromSettings(one, true);
        GeminiBalanceConfig.Builder b = base.applyTo(GeminiBalanceConfig.builder().build()).toBuilder();
        switch (name) {
            case MAX_RETRIES -> b.maxRetries(parsed.maxRetries());
            case MAX_FAILURES -> b.maxFailures(parsed.maxFailures());
            case TIME_OUT -> b.timeout(parsed.timeout());
            case STREAM_IDLE_TIMEOUT -> b.streamIdleTimeout(parsed.streamIdleTimeout());
            case KEY_SELECTION -> b.keySelection(parsed.keySelection());
            case MODEL_SEARCH -> b.searchModels(parsed.searchModels());
            case TOOLS_CODE_EXECUTION_ENABLED -> b.codeExecutionEnabled(parsed.codeExecutionEnabled());
            case THINKING_BUDGET_MAP -> b.thinkingBudgets(parsed.thinkingBudgets());
            case SAFETY_SETTINGS -> b.safetySettings(parsed.safetySettings());
            case AnswerSettings.FILTERED_MODELS, AnswerSettings.URL_CONTEXT_ENABLED, AnswerSettings.URL_CONTEXT_MODELS,
                    AnswerSettings.SHOW_SEARCH_LINK, AnswerSettings.SHOW_THINKING_PROCESS,
                    AnswerSettings.FAKE_STREAM_ENABLED, AnswerSettings.FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS ->
                    b.answers(AnswerSettings.with(base.answers(), name, raw));
            default -> throw new ConfigException(name, name + " cannot be changed while the server runs (restart required)");
        }
        return RuntimeSettings.of(b.build());
    }

    private static URI baseUrl(String raw) {
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new ConfigException(BASE_URL, BASE_URL + " is not a valid URL (problem at character "
                    + (e.getIndex() + 1) + ")");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !uri.isAbsolute()) {
            throw new ConfigException(BASE_URL, BASE_URL + " must be an absolute http:// or https:// URL");
        }
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            throw new ConfigException(BASE_URL, BASE_URL + " must be an http:// or https:// URL, not "
                    + SettingValues.quote(scheme + ":"));
        }
        if (uri.getHost() == null) {
            throw new ConfigException(BASE_URL, BASE_URL + " has no host name");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigException(BASE_URL, BASE_URL + " must not have a query (?...) or fragment (#...)");
        }
        String s = raw;
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }

    /** A size in bytes, 1 byte to {@link MediaLimits#MAX_BYTES}; see {@link ByteSizes}. */
    private static long size(Map<String, String> s, String name, long defaultValue) {
        String raw = SettingValues.value(s, name);
        if (raw == null) {
            return defaultValue;
        }
        long bytes = ByteSizes.parse(raw).orElse(-1);
        if (bytes < 1 || bytes > MediaLimits.MAX_BYTES) {
            throw new ConfigException(name, name + " must be a size from 1 byte to "
                    + ByteSizes.format(MediaLimits.MAX_BYTES) + " (bytes, or a whole number with k, MB, MiB or GB,"
                    + " powers of 1024), got " + SettingValues.quote(raw));
        }
        return bytes;
    }

    /**
     * {@code MAX_MEDIA_INFLIGHT_BYTES}: from the request total ({@code MAX_MEDIA_TOTAL_BYTES}) to {@link
     * MediaLimits#MAX_INFLIGHT_BYTES}; unset, {@link MediaLimits#defaultInflightBytes}.
     */
    private static long inflightSize(Map<String, String> s, long mediaTotal) {
        String raw = SettingValues.value(s, MAX_MEDIA_INFLIGHT_BYTES);
        if (raw == null) {
            return MediaLimits.defaultInflightBytes(mediaTotal);
        }
        long bytes = ByteSizes.parse(raw).orElse(-1);
        if (bytes < mediaTotal || bytes > MediaLimits.MAX_INFLIGHT_BYTES) {
            throw new ConfigException(MAX_MEDIA_INFLIGHT_BYTES, MAX_MEDIA_INFLIGHT_BYTES + " must be a size from "
                    + MAX_MEDIA_TOTAL_BYTES + " (" + ByteSizes.format(mediaTotal) + ") to "
                    + ByteSizes.format(MediaLimits.MAX_INFLIGHT_BYTES) + " (bytes, or a whole number with k, MB, MiB"
                    + " or GB, powers of 1024), got " + SettingValues.quote(raw));
        }
        return bytes;
    }

    private static Map<String, String> safetySettings(String raw) {
        String expected = "a JSON list of {\"category\": ..., \"threshold\": ...} objects";
        JsonNode node = SettingValues.json(SAFETY_SETTINGS, raw, expected);
        if (!node.isArray()) {
            throw new ConfigException(SAFETY_SETTINGS, SAFETY_SETTINGS + " is not " + expected);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < node.size(); i++) {
            String entry = SAFETY_SETTINGS + " entry " + (i + 1);
            JsonNode element = node.get(i);
            if (!element.isObject()) {
                throw new ConfigException(SAFETY_SETTINGS, entry + " is " + SettingValues.kind(element) + ", not an object");
            }
            String category = enumField(element, "category", entry, GeminiBalanceConfig.HARM_CATEGORIES);
            String threshold = enumField(element, "threshold", entry, HARM_BLOCK_THRESHOLDS);
            if (settings.putIfAbsent(category, threshold) != null) {
                throw new ConfigException(SAFETY_SETTINGS,
                        SAFETY_SETTINGS + " lists category " + category + " more than once");
            }
        }
        return settings;
    }

    private static String enumField(JsonNode object, String field, String entry, List<String> known) {
        JsonNode value = object.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new ConfigException(SAFETY_SETTINGS, entry + " has no \"" + field + "\" string");
        }
        String normalized = value.asText().strip().toUpperCase(Locale.ROOT);
        if (!known.contains(normalized)) {
            throw new ConfigException(SAFETY_SETTINGS, entry + " has an unknown " + field + " "
                    + SettingValues.quote(value.asText()) + " (known: " + String.join(", ", known) + ")");
        }
        return normalized;
    }

    private static Map<String, Integer> thinkingBudgets(String raw) {
        String expected = "a JSON object of model name to thinking budget";
        JsonNode node = SettingValues.json(THINKING_BUDGET_MAP, raw, expected);
        if (!node.isObject()) {
            throw new ConfigException(THINKING_BUDGET_MAP, THINKING_BUDGET_MAP + " is not " + expected);
        }
        Map<String, Integer> budgets = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String model = field.getKey().strip();
            if (model.isEmpty()) {
                throw new ConfigException(THINKING_BUDGET_MAP, THINKING_BUDGET_MAP + " has an empty model name");
            }
            JsonNode value = field.getValue();
            String problem = THINKING_BUDGET_MAP + " budget for " + SettingValues.quote(model)
                    + " must be -1 (dynamic) or a whole number from 0 to " + MAX_THINKING_BUDGET;
            if (!value.isNumber()) {
                throw new ConfigException(THINKING_BUDGET_MAP, problem + ", got " + SettingValues.kind(value));
            }
            BigDecimal budget = value.decimalValue();
            if (budget.stripTrailingZeros().scale() > 0
                    || budget.compareTo(BigDecimal.valueOf(-1)) < 0
                    || budget.compareTo(BigDecimal.valueOf(MAX_THINKING_BUDGET)) > 0) {
                throw new ConfigException(THINKING_BUDGET_MAP, problem + ", got " + budget.stripTrailingZeros()
                        .toPlainString());
            }
            budgets.put(model, budget.intValueExact());
        }
        return budgets;
    }

    private static Duration checkInterval(String raw) {
        String problem = CHECK_INTERVAL_HOURS + " must be a number of hours from 0 (off) to "
                + MAX_CHECK_INTERVAL_HOURS + ", at least one second when not 0, got " + SettingValues.quote(raw);
        if (!DECIMAL.matcher(raw).matches()) {
            throw new ConfigException(CHECK_INTERVAL_HOURS, problem);
        }
        BigDecimal hours = new BigDecimal(raw.startsWith("+") ? raw.substring(1) : raw);
        if (hours.compareTo(BigDecimal.valueOf(MAX_CHECK_INTERVAL_HOURS)) > 0) {
            throw new ConfigException(CHECK_INTERVAL_HOURS, problem);
        }
        long millis = hours.multiply(BigDecimal.valueOf(3_600_000L)).setScale(0, RoundingMode.HALF_UP).longValueExact();
        if (hours.signum() > 0 && millis < 1000) {
            throw new ConfigException(CHECK_INTERVAL_HOURS, problem);
        }
        return Duration.ofMillis(millis);
    }

}
