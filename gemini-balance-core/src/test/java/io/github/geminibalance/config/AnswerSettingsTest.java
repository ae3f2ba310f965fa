package io.github.geminibalance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The original's answer settings as {@link ConfigLoader} reads them at start-up and at run time. */
class AnswerSettingsTest {

    private static final String KEY = "AIzaSyTestKeyNumberOne000000000000000001";

    private static GeminiBalanceConfig load(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("API_KEYS", KEY);
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return ConfigLoader.load(env, null);
    }

    @Test
    void theDefaultsAreTheOriginals() {
        AnswerSettings a = load().answers();

        assertThat(a.filteredModels()).containsExactly("gemini-1.0-pro-vision-latest", "gemini-pro-vision",
                "chat-bison-001", "text-bison-001", "embedding-gecko-001");
        assertThat(a.urlContextEnabled()).isFalse();
        assertThat(a.urlContextModels()).containsExactly("gemini-2.5-pro", "gemini-2.5-flash",
                "gemini-2.5-flash-lite", "gemini-2.0-flash", "gemini-2.0-flash-live-001");
        assertThat(a.showSearchLink()).isTrue();
        assertThat(a.showThinkingProcess()).isTrue();
        assertThat(a.fakeStreamEnabled()).isFalse();
        assertThat(a.fakeStreamInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(a.filtered("models/gemini-pro-vision")).isTrue();
        assertThat(a.urlContext("gemini-2.5-flash")).as("URL_CONTEXT_ENABLED is off").isFalse();
    }

    @Test
    void everySettingIsRead() {
        AnswerSettings a = load("FILTERED_MODELS", "[]", "URL_CONTEXT_ENABLED", "true",
                "URL_CONTEXT_MODELS", "gemini-3-pro-preview, gemini-2.5-flash", "SHOW_SEARCH_LINK", "false",
                "SHOW_THINKING_PROCESS", "off", "FAKE_STREAM_ENABLED", "True",
                "FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS", "12").answers();

        assertThat(a.filteredModels()).isEmpty();
        assertThat(a.urlContext("gemini-3-pro-preview")).isTrue();
        assertThat(a.urlContext("gemini-2.5-pro")).isFalse();
        assertThat(a.showSearchLink()).isFalse();
        assertThat(a.showThinkingProcess()).isFalse();
        assertThat(a.fakeStreamEnabled()).isTrue();
        assertThat(a.fakeStreamInterval()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void aBadValueStopsStartUpWithOneLineNamingTheSetting() {
        Map<String, String> bad = Map.of(
                "FILTERED_MODELS", "[1, 2]",
                "URL_CONTEXT_MODELS", "[\"gemini-2.5-pro\", 3]",
                "URL_CONTEXT_ENABLED", "sometimes",
                "SHOW_SEARCH_LINK", "2",
                "SHOW_THINKING_PROCESS", "maybe",
                "FAKE_STREAM_ENABLED", "yes please",
                "FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS", "0");
        bad.forEach((name, value) -> assertThatThrownBy(() -> load(name, value)).as(name)
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.setting()).isEqualTo(name);
                    assertThat(e.getMessage()).startsWith("Invalid setting " + name + ": ").doesNotContain("\n");
                }));
    }

    @Test
    void everySettingChangesAtRunTimeAndBlankMeansItsDefault() {
        RuntimeSettings base = RuntimeSettings.of(load());
        for (String name : List.of("FILTERED_MODELS", "URL_CONTEXT_ENABLED", "URL_CONTEXT_MODELS", "SHOW_SEARCH_LINK",
                "SHOW_THINKING_PROCESS", "FAKE_STREAM_ENABLED", "FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS")) {
            assertThat(RuntimeSettings.isRuntime(name)).as(name).isTrue();
        }

        RuntimeSettings changed = base.with(Map.of("FILTERED_MODELS", "gemini-2.0-flash",
                "SHOW_THINKING_PROCESS", "false", "FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS", "30"));
        assertThat(changed.answers().filteredModels()).containsExactly("gemini-2.0-flash");
        assertThat(changed.answers().showThinkingProcess()).isFalse();
        assertThat(changed.answers().fakeStreamInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(changed.answers().showSearchLink()).as("untouched").isTrue();

        RuntimeSettings reset = changed.with("FILTERED_MODELS", "").with("SHOW_THINKING_PROCESS", " ");
        assertThat(reset.answers().filteredModels()).isEqualTo(AnswerSettings.DEFAULT_FILTERED_MODELS);
        assertThat(reset.answers().showThinkingProcess()).isTrue();
        assertThat(reset.answers().fakeStreamInterval()).isEqualTo(Duration.ofSeconds(30));

        assertThatThrownBy(() -> base.with("SHOW_SEARCH_LINK", "perhaps")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("SHOW_SEARCH_LINK");
        assertThat(changed.applyTo(load()).answers()).isEqualTo(changed.answers());
    }
}
