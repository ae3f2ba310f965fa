package io.github.geminibalance.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The complete, validated configuration of a gemini-balance instance. Immutable; build it with
 * {@link #builder()} in code, or read it from the environment with {@link ConfigLoader}.
 *
 * <p>Only the API keys are required. Defaults: base URL {@value #DEFAULT_BASE_URL}, {@code maxFailures} 10,
 * {@code maxRetries} 3, request timeout 300 s, connect timeout 10 s, stream idle timeout 60 s, search models
 * {@code ["gemini-2.0-flash-exp"]}, code execution off, safety settings every category {@code OFF},
 * key selection {@link KeySelection#ROUND_ROBIN}, key re-validation every hour with {@code gemini-2.0-flash},
 * remote media {@link MediaLimits#DEFAULTS}.
 *
 * <p>Settings of the HTTP server (client tokens, admin token, port, Redis, its upstream client) are not
 * here: they belong to the server module, which reads them from the same environment.
 *
 * @param apiKeys the Gemini API keys of the pool; empty only when a store holds the keys ({@code
 *     GeminiBalance.Builder.store}), which these keys seed
 * @param baseUrl the Gemini REST base, ending in the API version ({@code .../v1beta})
 * @param codeExecutionEnabled whether to add the {@code codeExecution} tool to chat requests
 * @param searchModels models that always get the {@code googleSearch} tool (and a {@code -search} entry)
 * @param maxFailures consecutive failures after which a key is skipped
 * @param maxRetries attempts per request, each on the next usable key
 * @param timeout the total timeout of one upstream call
 * @param connectTimeout the TCP/TLS connect timeout to Gemini
 * @param streamIdleTimeout how long a stream may go without an upstream event
 * @param safetySettings category to threshold, sent unless a request brings its own
 * @param thinkingBudgets model to thinking budget ({@code -1} dynamic)
 * @param keySelection how the pool picks the key for the next request
 * @param checkInterval how often failing keys are re-validated ({@link Duration#ZERO} disables it)
 * @param testModel the model used to validate keys
 * @param media how much remote media one chat request may make the server download
 * @param modelAliases {@code MODEL_ALIASES}: a model name a client sends (on any front door) to the
 *     Gemini model called instead, such as {@code claude-sonnet-4-5} to {@code gemini-2.5-pro}
 * @param upstream proxies, custom headers and the Vertex AI express pool
 * @param audio the speech and transcription models and defaults ({@code TTS_MODEL}, {@code TTS_VOICE_NAME},
 *     {@code TTS_SPEED}, {@code TRANSCRIPTION_MODEL})
 * @param imageModels {@code IMAGE_MODELS}: chat models that get a {@code <model>-image} entry in the model
 *     list, which asks them for text and image output
 * @param answers the original's model and answer settings ({@code FILTERED_MODELS}, {@code URL_CONTEXT_*},
 *     {@code SHOW_SEARCH_LINK}, {@code SHOW_THINKING_PROCESS}, {@code FAKE_STREAM_*})
 */
public record GeminiBalanceConfig(
        List<String> apiKeys,
        URI baseUrl,
        boolean codeExecutionEnabled,
        List<String> searchModels,
        int maxFailures,
        int maxRetries,
        Duration timeout,
        Duration connectTimeout,
        Duration streamIdleTimeout,
        Map<String, String> safetySettings,
        Map<String, Integer> thinkingBudgets,
        KeySelection keySelection,
        Duration checkInterval,
        String testModel,
        MediaLimits media,
        Map<String, String> modelAliases,
        UpstreamOptions upstream,
        AudioSettings audio,
        List<String> imageModels,
        AnswerSettings answers) {

    /** Google's Gemini REST endpoint, v1beta. */
    public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";

    private static final java.util.regex.Pattern HEADER_SAFE = java.util.regex.Pattern.compile("[\\x21-\\x7E]+");

    /** Validates and freezes every component. */
    public GeminiBalanceConfig {
        apiKeys = List.copyOf(Objects.requireNonNull(apiKeys, "apiKeys"));
        if (apiKeys.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("apiKeys must not contain a blank key");
        }
        for (int i = 0; i < apiKeys.size(); i++) {
            // a key travels in an HTTP header: the JDK would reject anything else with the key in its message
            if (!HEADER_SAFE.matcher(apiKeys.get(i)).matches()) {
                throw new IllegalArgumentException("apiKeys entry " + (i + 1)
                        + " contains whitespace or a control character (a trailing newline?)");
            }
        }
        Objects.requireNonNull(baseUrl, "baseUrl");
        searchModels = List.copyOf(Objects.requireNonNull(searchModels, "searchModels"));
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1");
        }
        if (maxRetries < 1) {
            throw new IllegalArgumentException("maxRetries must be at least 1");
        }
        requirePositive(timeout, "timeout");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(streamIdleTimeout, "streamIdleTimeout");
        safetySettings = orderedCopy(Objects.requireNonNull(safetySettings, "safetySettings"));
        thinkingBudgets = orderedCopy(Objects.requireNonNull(thinkingBudgets, "thinkingBudgets"));
        Objects.requireNonNull(keySelection, "keySelection");
        Objects.requireNonNull(checkInterval, "checkInterval");
        if (checkInterval.isNegative()) {
            throw new IllegalArgumentException("checkInterval must not be negative");
        }
        Objects.requireNonNull(testModel, "testModel");
        Objects.requireNonNull(media, "media");
        modelAliases = orderedCopy(Objects.requireNonNull(modelAliases, "modelAliases"));
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(audio, "audio");
        imageModels = List.copyOf(Objects.requireNonNull(imageModels, "imageModels"));
        Objects.requireNonNull(answers, "answers");
    }

    /**
     * A configuration with the default upstream options, audio settings, image models and answer settings
     * (the components before them).
     */
    public GeminiBalanceConfig(List<String> apiKeys, URI baseUrl, boolean codeExecutionEnabled,
            List<String> searchModels, int maxFailures, int maxRetries, Duration timeout, Duration connectTimeout,
            Duration streamIdleTimeout, Map<String, String> safetySettings, Map<String, Integer> thinkingBudgets,
            KeySelection keySelection, Duration checkInterval, String testModel, MediaLimits media,
            Map<String, String> modelAliases) {
        this(apiKeys, baseUrl, codeExecutionEnabled, searchModels, maxFailures, maxRetries, timeout, connectTimeout,
                streamIdleTimeout, safetySettings, thinkingBudgets, keySelection, checkInterval, testModel, media,
                modelAliases, UpstreamOptions.DEFAULTS, AudioSettings.DEFAULTS, DEFAULT_IMAGE_MODELS,
                AnswerSettings.DEFAULTS);
    }

    /** The default of {@code IMAGE_MODELS}, as in the original gemini-balance. */
    public static final List<String> DEFAULT_IMAGE_MODELS = List.of("gemini-2.0-flash-exp");

    /** A configuration without model aliases (the components before {@code modelAliases}). */
    public GeminiBalanceConfig(List<String> apiKeys, URI baseUrl, boolean codeExecutionEnabled,
            List<String> searchModels, int maxFailures, int maxRetries, Duration timeout, Duration connectTimeout,
            Duration streamIdleTimeout, Map<String, String> safetySettings, Map<String, Integer> thinkingBudgets,
            KeySelection keySelection, Duration checkInterval, String testModel, MediaLimits media) {
        this(apiKeys, baseUrl, codeExecutionEnabled, searchModels, maxFailures, maxRetries, timeout, connectTimeout,
                streamIdleTimeout, safetySettings, thinkingBudgets, keySelection, checkInterval, testModel, media,
                Map.of());
    }

    /**
     * An unmodifiable copy that keeps the caller's order ({@link Map#copyOf} does not), so safety settings
     * are sent in the configured order and requests stay reproducible. Rejects null keys and values.
     */
    private static <K, V> Map<K, V> orderedCopy(Map<K, V> map) {
        Map<K, V> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "map key"),
                Objects.requireNonNull(v, "map value")));
        return Collections.unmodifiableMap(copy);
    }

    /**
     * Describes the configuration without its secrets: the keys are only counted.
     */
    @Override
    public String toString() {
        return "GeminiBalanceConfig[apiKeys=" + apiKeys.size() + " keys"
                + ", baseUrl=" + baseUrl
                + ", codeExecutionEnabled=" + codeExecutionEnabled
                + ", searchModels=" + searchModels
                + ", maxFailures=" + maxFailures
                + ", maxRetries=" + maxRetries
                + ", timeout=" + timeout
                + ", connectTimeout=" + connectTimeout
                + ", streamIdleTimeout=" + streamIdleTimeout
                + ", safetySettings=" + safetySettings
                + ", thinkingBudgets=" + thinkingBudgets
                + ", keySelection=" + keySelection
                + ", checkInterval=" + checkInterval
                + ", testModel=" + testModel
                + ", media=" + media
                + ", modelAliases=" + modelAliases
                + ", upstream=" + upstream
                + ", audio=" + audio
                + ", imageModels=" + imageModels
                + ", answers=" + answers
                + "]";
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /**
     * A builder with every default set; only the API keys are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder that starts from this configuration.
     *
     * @return a new builder holding every value of this configuration
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.apiKeys = new ArrayList<>(apiKeys);
        b.baseUrl = baseUrl;
        b.codeExecutionEnabled = codeExecutionEnabled;
        b.searchModels = new ArrayList<>(searchModels);
        b.maxFailures = maxFailures;
        b.maxRetries = maxRetries;
        b.timeout = timeout;
        b.connectTimeout = connectTimeout;
        b.streamIdleTimeout = streamIdleTimeout;
        b.safetySettings = new LinkedHashMap<>(safetySettings);
        b.thinkingBudgets = new LinkedHashMap<>(thinkingBudgets);
        b.keySelection = keySelection;
        b.checkInterval = checkInterval;
        b.testModel = testModel;
        b.media = media;
        b.modelAliases = new LinkedHashMap<>(modelAliases);
        b.upstream = upstream;
        b.audio = audio;
        b.imageModels = new ArrayList<>(imageModels);
        b.answers = answers;
        return b;
    }

    /** The harm categories the Gemini API accepts. */
    public static final List<String> HARM_CATEGORIES = List.of(
            "HARM_CATEGORY_HARASSMENT",
            "HARM_CATEGORY_HATE_SPEECH",
            "HARM_CATEGORY_SEXUALLY_EXPLICIT",
            "HARM_CATEGORY_DANGEROUS_CONTENT",
            "HARM_CATEGORY_CIVIC_INTEGRITY");

    /** Mutable builder for {@link GeminiBalanceConfig}; not thread-safe. */
    public static final class Builder {
        private List<String> apiKeys = new ArrayList<>();
        private URI baseUrl = URI.create(DEFAULT_BASE_URL);
        private boolean codeExecutionEnabled;
        private List<String> searchModels = new ArrayList<>(List.of("gemini-2.0-flash-exp"));
        private int maxFailures = 10;
        private int maxRetries = 3;
        private Duration timeout = Duration.ofSeconds(300);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration streamIdleTimeout = Duration.ofSeconds(60);
        private Map<String, String> safetySettings = defaultSafetySettings();
        private Map<String, Integer> thinkingBudgets = new LinkedHashMap<>();
        private KeySelection keySelection = KeySelection.ROUND_ROBIN;
        private Duration checkInterval = Duration.ofHours(1);
        private String testModel = "gemini-2.0-flash";
        private MediaLimits media = MediaLimits.DEFAULTS;
        private Map<String, String> modelAliases = new LinkedHashMap<>();
        private UpstreamOptions upstream = UpstreamOptions.DEFAULTS;
        private AudioSettings audio = AudioSettings.DEFAULTS;
        private List<String> imageModels = new ArrayList<>(DEFAULT_IMAGE_MODELS);
        private AnswerSettings answers = AnswerSettings.DEFAULTS;

        private Builder() {}

        private static Map<String, String> defaultSafetySettings() {
            Map<String, String> m = new LinkedHashMap<>();
            for (String c : HARM_CATEGORIES) {
                m.put(c, "OFF");
            }
            return m;
        }

        /**
         * The Gemini API keys.
         *
         * @param v the value
         * @return this builder
         */
        public Builder apiKeys(List<String> v) { apiKeys = new ArrayList<>(v); return this; }
        /**
         * The Gemini REST base URL.
         *
         * @param v the value
         * @return this builder
         */
        public Builder baseUrl(URI v) { baseUrl = v; return this; }
        /**
         * The Gemini REST base URL.
         *
         * @param v the value
         * @return this builder
         */
        public Builder baseUrl(String v) { baseUrl = URI.create(v); return this; }
        /**
         * Whether to add the code-execution tool.
         *
         * @param v the value
         * @return this builder
         */
        public Builder codeExecutionEnabled(boolean v) { codeExecutionEnabled = v; return this; }
        /**
         * Models that always search.
         *
         * @param v the value
         * @return this builder
         */
        public Builder searchModels(List<String> v) { searchModels = new ArrayList<>(v); return this; }
        /**
         * Consecutive failures before a key is skipped.
         *
         * @param v the value
         * @return this builder
         */
        public Builder maxFailures(int v) { maxFailures = v; return this; }
        /**
         * Attempts per request.
         *
         * @param v the value
         * @return this builder
         */
        public Builder maxRetries(int v) { maxRetries = v; return this; }
        /**
         * Total timeout of an upstream call.
         *
         * @param v the value
         * @return this builder
         */
        public Builder timeout(Duration v) { timeout = v; return this; }
        /**
         * Connect timeout.
         *
         * @param v the value
         * @return this builder
         */
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        /**
         * Stream idle timeout.
         *
         * @param v the value
         * @return this builder
         */
        public Builder streamIdleTimeout(Duration v) { streamIdleTimeout = v; return this; }
        /**
         * Safety settings, category to threshold.
         *
         * @param v the value
         * @return this builder
         */
        public Builder safetySettings(Map<String, String> v) { safetySettings = new LinkedHashMap<>(v); return this; }
        /**
         * Thinking budgets per model.
         *
         * @param v the value
         * @return this builder
         */
        public Builder thinkingBudgets(Map<String, Integer> v) { thinkingBudgets = new LinkedHashMap<>(v); return this; }
        /**
         * Key selection strategy; default {@link KeySelection#ROUND_ROBIN}.
         *
         * @param v the value
         * @return this builder
         */
        public Builder keySelection(KeySelection v) { keySelection = v; return this; }
        /**
         * Key re-validation interval.
         *
         * @param v the value
         * @return this builder
         */
        public Builder checkInterval(Duration v) { checkInterval = v; return this; }
        /**
         * Model for key validation.
         *
         * @param v the value
         * @return this builder
         */
        public Builder testModel(String v) { testModel = v; return this; }
        /**
         * Remote media limits per chat request.
         *
         * @param v the value
         * @return this builder
         */
        public Builder media(MediaLimits v) { media = v; return this; }
        /**
         * Model aliases ({@code MODEL_ALIASES}): client model name to Gemini model.
         *
         * @param v the value
         * @return this builder
         */
        public Builder modelAliases(Map<String, String> v) { modelAliases = new LinkedHashMap<>(v); return this; }
        /**
         * Proxies, custom headers and the Vertex AI express pool.
         *
         * @param v the value
         * @return this builder
         */
        public Builder upstream(UpstreamOptions v) { upstream = v; return this; }
        /**
         * The speech and transcription settings.
         *
         * @param v the value
         * @return this builder
         */
        public Builder audio(AudioSettings v) { audio = v; return this; }

        /**
         * Chat models with a {@code -image} entry ({@code IMAGE_MODELS}).
         *
         * @param v the value
         * @return this builder
         */
        public Builder imageModels(List<String> v) { imageModels = new ArrayList<>(v); return this; }

        /**
         * The original's model and answer settings ({@code FILTERED_MODELS}, {@code SHOW_THINKING_PROCESS}...).
         *
         * @param v the value
         * @return this builder
         */
        public Builder answers(AnswerSettings v) { answers = Objects.requireNonNull(v); return this; }

        /**
         * Builds the configuration.
         *
         * @throws IllegalArgumentException if a value is out of range
         */
        public GeminiBalanceConfig build() {
            return new GeminiBalanceConfig(apiKeys, baseUrl, codeExecutionEnabled, searchModels, maxFailures,
                    maxRetries, timeout, connectTimeout, streamIdleTimeout, safetySettings, thinkingBudgets,
                    keySelection, checkInterval, testModel, media, modelAliases, upstream, audio, imageModels,
                    answers);
        }
    }
}
