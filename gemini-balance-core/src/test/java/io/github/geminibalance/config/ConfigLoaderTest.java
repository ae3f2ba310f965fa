package io.github.geminibalance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    private static final String KEY1 = "AIzaSyTestKeyNumberOne000000000000000001";
    private static final String KEY2 = "AIzaSyTestKeyNumberTwo000000000000000002";
    private static final String TOKEN = "sk-client-token-1";

    @TempDir
    Path dir;

    /** The minimum valid environment, with pairs added or (for a null value) removed. */
    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("API_KEYS", KEY1);
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                env.remove(pairs[i]);
            } else {
                env.put(pairs[i], pairs[i + 1]);
            }
        }
        return env;
    }

    private GeminiBalanceConfig load(String... pairs) {
        return ConfigLoader.load(env(pairs), dir.resolve("absent.env"));
    }

    /**
     * Loads, expects a ConfigException for {@code setting}, checks the one-line message shape and that no
     * secret given in {@code secrets} leaks into it.
     */
    private ConfigException failure(String setting, List<String> secrets, String... pairs) {
        try {
            load(pairs);
        } catch (ConfigException e) {
            assertThat(e.setting()).isEqualTo(setting);
            assertThat(e.getMessage())
                    .startsWith("Invalid setting " + setting + ": ")
                    .doesNotContain("\n")
                    .doesNotContain(KEY1)
                    .doesNotContain(KEY2)
                    .doesNotContain(TOKEN);
            for (String secret : secrets) {
                assertThat(e.getMessage()).doesNotContain(secret);
            }
            return e;
        }
        return fail("expected a ConfigException for " + setting);
    }

    private ConfigException failure(String setting, String... pairs) {
        return failure(setting, List.of(), pairs);
    }

    private Path dotEnv(String text) throws IOException {
        Path file = dir.resolve(".env");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    // ---- defaults ----

    @Test
    void minimalEnvironmentGivesEveryDefault() {
        GeminiBalanceConfig c = load();

        assertThat(c.apiKeys()).containsExactly(KEY1);
        assertThat(c.baseUrl()).isEqualTo(URI.create("https://generativelanguage.googleapis.com/v1beta"));
        assertThat(c.codeExecutionEnabled()).isFalse();
        assertThat(c.searchModels()).containsExactly("gemini-2.0-flash-exp");
        assertThat(c.maxFailures()).isEqualTo(10);
        assertThat(c.maxRetries()).isEqualTo(3);
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.streamIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.safetySettings()).hasSize(GeminiBalanceConfig.HARM_CATEGORIES.size());
        assertThat(c.safetySettings().keySet()).containsExactlyElementsOf(GeminiBalanceConfig.HARM_CATEGORIES);
        assertThat(c.safetySettings().values()).containsOnly("OFF");
        assertThat(c.thinkingBudgets()).isEmpty();
        assertThat(c.keySelection()).isEqualTo(KeySelection.ROUND_ROBIN);
        assertThat(c.checkInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(c.testModel()).isEqualTo("gemini-2.0-flash");
        assertThat(c.media()).isEqualTo(new MediaLimits(16, 20L << 20, 50L << 20));
    }

    @Test
    void blankValuesCountAsUnsetForOptionalSettings() {
        GeminiBalanceConfig c = load("MAX_FAILURES", "  ", "BASE_URL", "", "SAFETY_SETTINGS", " ");

        assertThat(c.maxFailures()).isEqualTo(10);
        assertThat(c.baseUrl().toString()).isEqualTo(GeminiBalanceConfig.DEFAULT_BASE_URL);
        assertThat(c.safetySettings().values()).containsOnly("OFF");
    }

    @Test
    void unknownSettingsAreIgnored() {
        GeminiBalanceConfig c = load("PATH", "/usr/bin", "SOMETHING_ELSE", "[not json", "URL_NORMALIZATION_ENABLED", "x");

        assertThat(c.apiKeys()).containsExactly(KEY1);
    }

    // ---- API_KEYS ----

    @Test
    void apiKeysMissing() {
        ConfigException e = failure("API_KEYS", "API_KEYS", null);

        assertThat(e.getMessage()).isEqualTo("Invalid setting API_KEYS: API_KEYS is not set");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "[]", " , ,", "[\"\", \"  \"]"})
    void apiKeysEmpty(String value) {
        ConfigException e = failure("API_KEYS", "API_KEYS", value);

        assertThat(e.getMessage()).isEqualTo("Invalid setting API_KEYS: API_KEYS is empty");
    }

    @Test
    void apiKeysJsonListIsTrimmedDeduplicatedInOrder() {
        GeminiBalanceConfig c = load("API_KEYS", "[\" " + KEY2 + " \", \"" + KEY1 + "\", \"\", \"" + KEY2 + "\"]");

        assertThat(c.apiKeys()).containsExactly(KEY2, KEY1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            KEY1 + "," + KEY2,
            KEY1 + ", " + KEY2 + ",",
            KEY1 + " " + KEY2,
            KEY1 + "\n" + KEY2 + "\n",
            " " + KEY1 + " ,\n\t" + KEY2 + " , " + KEY1,
            "\"" + KEY1 + "\",\"" + KEY2 + "\"",
            "['" + KEY1 + "', '" + KEY2 + "',]"})
    void apiKeysSeparatedListFormsAreAccepted(String value) {
        assertThat(load("API_KEYS", value).apiKeys()).containsExactly(KEY1, KEY2);
    }

    @Test
    void apiKeysMalformedJsonNamesProblemWithoutValue() {
        ConfigException e = failure("API_KEYS", "API_KEYS", "[\"" + KEY1 + "\", " + KEY2 + "]");

        assertThat(e.getMessage()).startsWith("Invalid setting API_KEYS: API_KEYS is not a JSON list of strings: ")
                .contains("malformed JSON at character");
    }

    @Test
    void apiKeysUnterminatedJsonSaysItEndsEarly() {
        ConfigException e = failure("API_KEYS", "API_KEYS", "[\"" + KEY1 + "\", \"" + KEY2);

        assertThat(e.getMessage()).contains("is not a JSON list of strings").contains("ends early");
    }

    @Test
    void apiKeysNonStringEntryIsNamedByPosition() {
        ConfigException e = failure("API_KEYS", "API_KEYS", "[\"" + KEY1 + "\", 12345]");

        assertThat(e.getMessage()).contains("entry 2 is a number").doesNotContain("12345");
    }

    @Test
    void apiKeysTextAfterJsonIsRejected() {
        ConfigException e = failure("API_KEYS", "API_KEYS", "[\"" + KEY1 + "\"] " + KEY2);

        assertThat(e.getMessage()).contains("unexpected text after");
    }

    @Test
    void apiKeysEntryWithInnerWhitespaceIsRejected() {
        ConfigException e = failure("API_KEYS", List.of("half of"), "API_KEYS", "[\"half of a key\"]");

        assertThat(e.getMessage()).contains("entry 1").contains("whitespace");
    }

    // ---- BASE_URL ----

    @ParameterizedTest
    @CsvSource({
            "http://localhost:8089/v1beta/, http://localhost:8089/v1beta",
            "https://proxy.example.com/gemini/v1beta//, https://proxy.example.com/gemini/v1beta",
            "https://example.com, https://example.com"})
    void baseUrlIsAcceptedWithoutTrailingSlash(String value, String expected) {
        assertThat(load("BASE_URL", value).baseUrl()).isEqualTo(URI.create(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "generativelanguage.googleapis.com/v1beta | absolute",
            "/v1beta | absolute",
            "ftp://example.com/v1beta | \"ftp:\"",
            "https://example.com/v1beta?key=x | query",
            "http://exa mple.com | not a valid URL",
            "https:///v1beta | no host"})
    void baseUrlMustBeAbsoluteHttp(String value, String expected) {
        ConfigException e = failure("BASE_URL", "BASE_URL", value);

        assertThat(e.getMessage()).contains(expected);
    }

    // ---- TOOLS_CODE_EXECUTION_ENABLED ----

    @ParameterizedTest
    @CsvSource({"true,true", "TRUE,true", "1,true", "yes,true", "On,true",
            "false,false", "False,false", "0,false", "NO,false", "off,false"})
    void codeExecutionBooleanForms(String value, boolean expected) {
        assertThat(load("TOOLS_CODE_EXECUTION_ENABLED", value).codeExecutionEnabled()).isEqualTo(expected);
    }

    @Test
    void codeExecutionBadValueIsQuoted() {
        ConfigException e = failure("TOOLS_CODE_EXECUTION_ENABLED", "TOOLS_CODE_EXECUTION_ENABLED", "enabled");

        assertThat(e.getMessage()).contains("must be true or false").contains("\"enabled\"");
    }

    // ---- MODEL_SEARCH / SEARCH_MODELS ----

    @Test
    void modelSearchJsonAndCommaForms() {
        assertThat(load("MODEL_SEARCH", "[\"gemini-2.5-flash\", \"gemini-2.5-pro\"]").searchModels())
                .containsExactly("gemini-2.5-flash", "gemini-2.5-pro");
        assertThat(load("MODEL_SEARCH", "gemini-2.5-flash,gemini-2.5-pro").searchModels())
                .containsExactly("gemini-2.5-flash", "gemini-2.5-pro");
        assertThat(load("MODEL_SEARCH", "[]").searchModels()).isEmpty();
    }

    @Test
    void searchModelsIsAnAliasOnlyWhenModelSearchIsUnset() {
        assertThat(load("SEARCH_MODELS", "gemini-2.5-pro").searchModels()).containsExactly("gemini-2.5-pro");
        assertThat(load("SEARCH_MODELS", "gemini-2.5-pro", "MODEL_SEARCH", "gemini-2.5-flash").searchModels())
                .containsExactly("gemini-2.5-flash");
    }

    @Test
    void badSearchModelsAliasIsNamedAsSuch() {
        ConfigException e = failure("SEARCH_MODELS", "SEARCH_MODELS", "[\"gemini-2.5-pro\", 3]");

        assertThat(e.getMessage()).contains("SEARCH_MODELS is not a JSON list of strings: entry 2 is a number");
    }

    @Test
    void imageModelsDefaultToTheExperimentalFlashAndAcceptBothListForms() {
        assertThat(load().imageModels()).containsExactly("gemini-2.0-flash-exp");
        assertThat(load("IMAGE_MODELS", "[\"gemini-2.5-flash\"]").imageModels()).containsExactly("gemini-2.5-flash");
        assertThat(load("IMAGE_MODELS", "a,b").imageModels()).containsExactly("a", "b");
        assertThat(load("IMAGE_MODELS", "[]").imageModels()).isEmpty();
        ConfigException e = failure("IMAGE_MODELS", "IMAGE_MODELS", "[1]");
        assertThat(e.getMessage()).contains("IMAGE_MODELS is not a JSON list of strings");
    }

    // ---- integers ----

    @Test
    void integerSettingsAreRead() {
        GeminiBalanceConfig c = load("MAX_FAILURES", "1", "MAX_RETRIES", "+5", "TIME_OUT", "45",
                "CONNECT_TIMEOUT", "3", "STREAM_IDLE_TIMEOUT", "120");

        assertThat(c.maxFailures()).isEqualTo(1);
        assertThat(c.maxRetries()).isEqualTo(5);
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.streamIdleTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "MAX_FAILURES | 0",
            "MAX_FAILURES | ten",
            "MAX_RETRIES | -1",
            "MAX_RETRIES | 2.5",
            "TIME_OUT | 0",
            "TIME_OUT | 30s",
            "CONNECT_TIMEOUT | -10",
            "STREAM_IDLE_TIMEOUT | 99999999999"})
    void integerSettingsRejectBadValuesAndQuoteThem(String setting, String value) {
        ConfigException e = failure(setting, setting, value);

        assertThat(e.getMessage()).contains(setting + " must be a whole number").contains("\"" + value + "\"");
    }

    // ---- SAFETY_SETTINGS ----

    @Test
    void safetySettingsAreReadInOrderAndNormalized() {
        GeminiBalanceConfig c = load("SAFETY_SETTINGS", """
                [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_ONLY_HIGH"},
                 {"category": "harm_category_harassment", "threshold": "block_none"}]""");

        assertThat(c.safetySettings()).containsExactly(
                Map.entry("HARM_CATEGORY_HATE_SPEECH", "BLOCK_ONLY_HIGH"),
                Map.entry("HARM_CATEGORY_HARASSMENT", "BLOCK_NONE"));
    }

    @Test
    void safetySettingsEmptyListMeansNoneSent() {
        assertThat(load("SAFETY_SETTINGS", "[]").safetySettings()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[{\"category\":\"HARM_CATEGORY_VIOLENCE\",\"threshold\":\"OFF\"}] | unknown category \"HARM_CATEGORY_VIOLENCE\"",
            "[{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"threshold\":\"BLOCK_SOME\"}] | unknown threshold \"BLOCK_SOME\"",
            "[{\"category\":\"HARM_CATEGORY_HARASSMENT\"}] | entry 1 has no \"threshold\" string",
            "[\"HARM_CATEGORY_HARASSMENT\"] | entry 1 is not a string, not an object",
            "{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"threshold\":\"OFF\"} | is not a JSON list",
            "[{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"threshold\":\"OFF\"},{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"threshold\":\"OFF\"}] | more than once",
            "[{category:OFF}] | malformed JSON"})
    void safetySettingsAreValidated(String value, String expected) {
        ConfigException e = failure("SAFETY_SETTINGS", "SAFETY_SETTINGS", value);

        assertThat(e.getMessage()).contains(expected);
    }

    // ---- THINKING_BUDGET_MAP ----

    @Test
    void thinkingBudgetsAcceptIntegersFloatsAndDynamic() {
        GeminiBalanceConfig c = load("THINKING_BUDGET_MAP",
                "{\"gemini-2.5-flash\": 1000.0, \"gemini-2.5-pro\": -1, \"gemini-2.5-flash-lite\": 0, \"x\": 32768}");

        assertThat(c.thinkingBudgets()).containsExactly(
                Map.entry("gemini-2.5-flash", 1000),
                Map.entry("gemini-2.5-pro", -1),
                Map.entry("gemini-2.5-flash-lite", 0),
                Map.entry("x", 32768));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"gemini-2.5-flash\": 1000.5} | got 1000.5",
            "{\"gemini-2.5-flash\": 32769} | got 32769",
            "{\"gemini-2.5-flash\": -2} | got -2",
            "{\"gemini-2.5-flash\": \"1000\"} | got not a string",
            "[1000] | is not a JSON object",
            "{\"gemini-2.5-flash\": 1000 | ends early"})
    void thinkingBudgetsAreValidated(String value, String expected) {
        ConfigException e = failure("THINKING_BUDGET_MAP", "THINKING_BUDGET_MAP", value);

        assertThat(e.getMessage()).contains(expected);
    }

    // ---- KEY_SELECTION, CHECK_INTERVAL_HOURS, TEST_MODEL ----

    @Test
    void keySelectionAcceptsBothStrategies() {
        assertThat(load("KEY_SELECTION", "least_busy").keySelection()).isEqualTo(KeySelection.LEAST_BUSY);
        assertThat(load("KEY_SELECTION", "Round-Robin").keySelection()).isEqualTo(KeySelection.ROUND_ROBIN);
        assertThat(failure("KEY_SELECTION", "KEY_SELECTION", "random").getMessage())
                .contains("round_robin or least_busy").contains("\"random\"");
    }

    @ParameterizedTest
    @CsvSource({"0, PT0S", "0.5, PT30M", "2, PT2H", "1.25, PT1H15M", ".1, PT6M"})
    void checkIntervalAcceptsFractionalHoursAndZero(String value, String expected) {
        assertThat(load("CHECK_INTERVAL_HOURS", value).checkInterval()).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "hourly", "1e2", "NaN", "Infinity", "8761", "0.0000001"})
    void checkIntervalRejectsBadValues(String value) {
        ConfigException e = failure("CHECK_INTERVAL_HOURS", "CHECK_INTERVAL_HOURS", value);

        assertThat(e.getMessage()).contains("number of hours").contains("\"" + value + "\"");
    }

    @Test
    void testModelCanBeChanged() {
        assertThat(load("TEST_MODEL", " gemini-2.5-flash-lite ").testModel()).isEqualTo("gemini-2.5-flash-lite");
    }

    // ---- MAX_REMOTE_MEDIA, MAX_MEDIA_BYTES, MAX_MEDIA_TOTAL_BYTES ----

    @ParameterizedTest
    @CsvSource({
            "1048576, 1048576",
            "+7, 7",
            "512k, 524288",
            "512 KiB, 524288",
            "20MB, 20971520",
            "20MiB, 20971520",
            "20mb, 20971520",
            "20 M, 20971520",
            "1GB, 1073741824",
            "1gib, 1073741824",
            "100b, 100"})
    void mediaSizesAcceptBytesAndPowerOf1024Units(String value, long expected) {
        GeminiBalanceConfig c = load("MAX_MEDIA_BYTES", value, "MAX_MEDIA_TOTAL_BYTES", value);

        assertThat(c.media().maxItemBytes()).isEqualTo(expected);
        assertThat(c.media().maxTotalBytes()).isEqualTo(expected);
    }

    @Test
    void maxRemoteMediaIsAWholeNumber() {
        assertThat(load("MAX_REMOTE_MEDIA", "4").media().maxItems()).isEqualTo(4);
        assertThat(failure("MAX_REMOTE_MEDIA", "MAX_REMOTE_MEDIA", "0").getMessage())
                .contains("MAX_REMOTE_MEDIA must be a whole number >= 1, got \"0\"");
        failure("MAX_REMOTE_MEDIA", "MAX_REMOTE_MEDIA", "many");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "MAX_MEDIA_BYTES | 0",
            "MAX_MEDIA_BYTES | -5",
            "MAX_MEDIA_BYTES | 1.5MB",
            "MAX_MEDIA_BYTES | 20 MBs",
            "MAX_MEDIA_BYTES | 2GB",
            "MAX_MEDIA_BYTES | 1073741825",
            "MAX_MEDIA_TOTAL_BYTES | 99999999999999999999",
            "MAX_MEDIA_TOTAL_BYTES | 9223372036854775807G",
            "MAX_MEDIA_TOTAL_BYTES | MB",
            "MAX_MEDIA_TOTAL_BYTES | 20TB"})
    void mediaSizesRejectBadValuesNamingTheSettingAndRange(String setting, String value) {
        ConfigException e = failure(setting, setting, value);

        assertThat(e.getMessage()).contains(setting + " must be a size from 1 byte to 1GiB")
                .contains("powers of 1024").contains("\"" + value + "\"");
    }

    @Test
    void maxMediaInflightBytesIsASizeNoSmallerThanTheRequestTotal() {
        assertThat(load("MAX_MEDIA_INFLIGHT_BYTES", "512MiB").media().maxInflightBytes()).isEqualTo(512 * MediaLimits.MIB);
        assertThat(load("MAX_MEDIA_TOTAL_BYTES", "10MiB", "MAX_MEDIA_INFLIGHT_BYTES", "10MiB").media()
                .maxInflightBytes()).isEqualTo(10 * MediaLimits.MIB);
        assertThat(failure("MAX_MEDIA_INFLIGHT_BYTES", "MAX_MEDIA_INFLIGHT_BYTES", "10MiB").getMessage())
                .endsWith("MAX_MEDIA_INFLIGHT_BYTES must be a size from MAX_MEDIA_TOTAL_BYTES (50MiB) to 1024GiB"
                        + " (bytes, or a whole number with k, MB, MiB or GB, powers of 1024), got \"10MiB\"");
        failure("MAX_MEDIA_INFLIGHT_BYTES", "MAX_MEDIA_INFLIGHT_BYTES", "lots");
        failure("MAX_MEDIA_INFLIGHT_BYTES", "MAX_MEDIA_INFLIGHT_BYTES", "2000GB");
    }

    @Test
    void maxMediaInflightBytesDefaultsToAnEighthOfTheHeapAtMost256MiBAndAtLeastTheRequestTotal() {
        long expected = Math.max(50 * MediaLimits.MIB,
                Math.min(256 * MediaLimits.MIB, Runtime.getRuntime().maxMemory() / 8));
        assertThat(load().media().maxInflightBytes()).isEqualTo(expected);
        assertThat(load("MAX_MEDIA_TOTAL_BYTES", "1GiB").media().maxInflightBytes()).isEqualTo(1024 * MediaLimits.MIB);
    }

    // ---- .env and precedence ----

    @Test
    void dotEnvSuppliesSettingsAndEnvironmentWins() throws IOException {
        Path file = dotEnv("""
                # keys for the pool
                export API_KEYS='["%s","%s"]'
                MAX_FAILURES=7   # strikes before a key rests
                MAX_RETRIES=4
                """.formatted(KEY1, KEY2));

        GeminiBalanceConfig c = ConfigLoader.load(Map.of("MAX_RETRIES", "5"), file);

        assertThat(c.apiKeys()).containsExactly(KEY1, KEY2);
        assertThat(c.maxFailures()).isEqualTo(7);
        assertThat(c.maxRetries()).isEqualTo(5);
    }

    @Test
    void environmentVariableWinsEvenWhenEmpty() throws IOException {
        Path file = dotEnv("API_KEYS=" + KEY1 + "\n");

        assertThatThrownBy(() -> ConfigLoader.load(Map.of("API_KEYS", ""), file))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid setting API_KEYS: API_KEYS is empty");
    }

    @Test
    void settingsMergesRawValuesEnvOverDotEnv() throws IOException {
        Path file = dotEnv("PORT=9000\nFROM_FILE=a\n");

        Map<String, String> settings = ConfigLoader.settings(Map.of("PORT", "9100", "FROM_ENV", "b"), file);

        assertThat(settings).containsEntry("PORT", "9100")
                .containsEntry("FROM_FILE", "a")
                .containsEntry("FROM_ENV", "b");
        assertThatThrownBy(() -> settings.put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void missingOrNullDotEnvPathIsFine() {
        assertThat(ConfigLoader.settings(Map.of("A", "1"), dir.resolve("nope/.env")))
                .containsExactly(Map.entry("A", "1"));
        assertThat(ConfigLoader.load(env(), null).apiKeys()).containsExactly(KEY1);
    }

    @Test
    void dotEnvSyntaxErrorNamesFileAndLineButNotContent() throws IOException {
        Path file = dotEnv("TEST_MODEL=" + TOKEN + "\n\n" + KEY2 + "\n");

        assertThatThrownBy(() -> ConfigLoader.load(Map.of("API_KEYS", KEY1), file))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.setting()).isEqualTo(".env");
                    assertThat(e.getMessage())
                            .startsWith("Invalid setting .env: line 3 of " + file)
                            .doesNotContain(KEY2)
                            .doesNotContain(TOKEN);
                });
    }

    @Test
    void dotEnvThatIsADirectoryIsReported() {
        assertThatThrownBy(() -> ConfigLoader.load(env(), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a regular file");
    }

    // ---- the shipped examples ----

    /** The repository root, seen from the module directory surefire runs in. */
    private static Path repoRoot() {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve(".env.example")).as("run from the gemini-balance-core module").exists();
        return root;
    }

    @Test
    void shippedEnvExampleLoadsAndItsCommentedDefaultsAreValid() throws IOException {
        String example = Files.readString(repoRoot().resolve(".env.example"));

        GeminiBalanceConfig asShipped = ConfigLoader.load(Map.of(), dotEnv(example));
        assertThat(asShipped.apiKeys()).hasSize(2);

        // Uncommenting every "# NAME=value" line must still load and give the documented defaults.
        String uncommented = example.replaceAll("(?m)^# ([A-Z_]+=)", "$1");
        assertThat(uncommented).contains("\nPORT=8000");
        GeminiBalanceConfig c = ConfigLoader.load(Map.of(), dotEnv(uncommented));
        GeminiBalanceConfig defaults = GeminiBalanceConfig.builder()
                .apiKeys(asShipped.apiKeys())
                .build();
        assertThat(c.toBuilder().thinkingBudgets(Map.of()).build()).isEqualTo(defaults);
        assertThat(c.thinkingBudgets())
                .containsExactly(Map.entry("gemini-2.5-flash", 1024), Map.entry("gemini-2.5-pro", -1));
    }

    @Test
    void completeExampleInConfigurationDocLoads() throws IOException {
        String doc = Files.readString(repoRoot().resolve("docs/configuration.md"));
        int section = doc.indexOf("## Complete example `.env`");
        int start = doc.indexOf("```dotenv\n", section) + "```dotenv\n".length();
        String example = doc.substring(start, doc.indexOf("```", start));

        GeminiBalanceConfig c = ConfigLoader.load(Map.of(), dotEnv(example));

        assertThat(c.apiKeys()).hasSize(3);
        assertThat(c.searchModels()).containsExactly("gemini-2.0-flash-exp", "gemini-2.5-flash");
        assertThat(c.safetySettings()).hasSize(5).containsValue("OFF");
        assertThat(c.thinkingBudgets()).containsEntry("gemini-2.5-pro", -1);
    }

    // ---- the record ----

    @Test
    void configToStringDoesNotRevealSecrets() {
        GeminiBalanceConfig c = load("API_KEYS", KEY1 + "," + KEY2);

        assertThat(c.toString()).doesNotContain(KEY1).doesNotContain(KEY2).contains("apiKeys=2 keys");
    }

    @Test
    void onlyApiKeysIsRequiredAndServerSettingsAreIgnored() {
        GeminiBalanceConfig c = ConfigLoader.load(Map.of("API_KEYS", KEY1, "PORT", "not a port",
                "UPSTREAM_CLIENT", "okhttp", "REDIS_URL", "http://x"), null);

        assertThat(c.apiKeys()).containsExactly(KEY1);
        assertThat(ConfigLoader.load(Map.of("API_KEYS", KEY1), null))
                .isEqualTo(GeminiBalanceConfig.builder().apiKeys(List.of(KEY1)).build());
    }
}
