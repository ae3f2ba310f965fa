package io.github.geminibalance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code MODEL_ALIASES}: read at start-up, a bad value stops it with one line naming the setting. */
class ModelAliasesSettingTest {

    private static final String KEY = "AIzaSyTestKeyNumberOne000000000000000001";

    @TempDir
    Path dir;

    private GeminiBalanceConfig load(String aliases) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("API_KEYS", KEY);
        if (aliases != null) {
            env.put("MODEL_ALIASES", aliases);
        }
        return ConfigLoader.load(env, dir.resolve("absent.env"));
    }

    @Test
    void absentMeansNoAliases() {
        assertThat(load(null).modelAliases()).isEmpty();
        assertThat(load("  ").modelAliases()).isEmpty();
    }

    @Test
    void anObjectOfNamesIsReadInOrderAndTrimmed() {
        GeminiBalanceConfig c = load("{\" claude-sonnet-4-5 \": \"gemini-2.5-pro\", 'claude-haiku-4-5': ' gemini-2.5-flash-search '}");

        assertThat(c.modelAliases()).containsExactly(
                Map.entry("claude-sonnet-4-5", "gemini-2.5-pro"),
                Map.entry("claude-haiku-4-5", "gemini-2.5-flash-search"));
        assertThat(c.toString()).contains("modelAliases={claude-sonnet-4-5=gemini-2.5-pro");
        assertThat(c.toBuilder().build().modelAliases()).isEqualTo(c.modelAliases());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[\"gemini-2.5-pro\"] | is not a JSON object of model name to Gemini model, got a list",
            "{\"claude-x\": 3} | target of \"claude-x\" must be a Gemini model name, got a number",
            "{\"claude-x\": \"\"} | target of \"claude-x\" must be a Gemini model name, got an empty string",
            "{\"claude-x\": \"gemini 2.5\"} | target of \"claude-x\" is not a model name",
            "{\" \": \"gemini-2.5-pro\"} | has an empty model name",
            "{\"claude-x\": \"gemini-2.5-pro\" | ends early"})
    void aBadValueStopsStartUpNamingTheSetting(String value, String expected) {
        ConfigException e = catchThrowableOfType(() -> load(value), ConfigException.class);

        assertThat(e).isNotNull();
        assertThat(e.setting()).isEqualTo("MODEL_ALIASES");
        assertThat(e.getMessage()).startsWith("Invalid setting MODEL_ALIASES: ").doesNotContain("\n")
                .contains(expected).doesNotContain(KEY);
    }
}
