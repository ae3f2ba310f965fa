package io.github.geminibalance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading run-time settings one by one, with the rules and messages of start-up. */
class RuntimeSettingsTest {

    private final GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(List.of("AIzaSyRuntime"))
            .maxRetries(4).timeout(Duration.ofSeconds(50)).build();
    private final RuntimeSettings base = RuntimeSettings.of(config);

    @Test
    void oneSettingChangesAndTheOthersStay() {
        RuntimeSettings s = base.with("MAX_RETRIES", " 7 ");
        assertThat(s.maxRetries()).isEqualTo(7);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(50));
        assertThat(s.applyTo(config).maxRetries()).isEqualTo(7);
        assertThat(s.applyTo(config).apiKeys()).containsExactly("AIzaSyRuntime");
    }

    @Test
    void aBlankValueIsTheDefaultAsAnEmptyVariableIs() {
        assertThat(base.with("MAX_RETRIES", "").maxRetries()).isEqualTo(3);
        assertThat(base.with("TIME_OUT", "  ").timeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(base.with("MODEL_SEARCH", "[]").searchModels()).isEmpty();
    }

    @Test
    void theMessagesAreThoseOfStartUp() {
        for (Map.Entry<String, String> bad : Map.of("MAX_FAILURES", "0", "TIME_OUT", "30s",
                "TOOLS_CODE_EXECUTION_ENABLED", "enabled", "THINKING_BUDGET_MAP", "{\"m\": 50000}").entrySet()) {
            Map<String, String> raw = new LinkedHashMap<>();
            raw.put("API_KEYS", "AIzaSyRuntime");
            raw.put(bad.getKey(), bad.getValue());
            String atStartUp = null;
            try {
                ConfigLoader.fromSettings(raw);
            } catch (ConfigException e) {
                atStartUp = e.getMessage();
            }
            assertThat(atStartUp).as(bad.getKey()).isNotNull();
            String expected = atStartUp;
            assertThatThrownBy(() -> base.with(bad.getKey(), bad.getValue()))
                    .isInstanceOf(ConfigException.class).hasMessage(expected);
        }
    }

    @Test
    void onlyTheRunTimeSettingsCanChange() {
        assertThat(RuntimeSettings.isRuntime("MAX_RETRIES")).isTrue();
        assertThat(RuntimeSettings.isRuntime("CONNECT_TIMEOUT")).isFalse();
        assertThatThrownBy(() -> base.with("API_KEYS", "AIzaSyOther"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.setting()).isEqualTo("API_KEYS");
                    assertThat(e.getMessage()).contains("restart required").doesNotContain("AIzaSyOther");
                });
    }

    @Test
    void severalAtOnceInOrder() {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("KEY_SELECTION", "least-busy");
        raw.put("STREAM_IDLE_TIMEOUT", "15");
        RuntimeSettings s = base.with(raw);
        assertThat(s.keySelection()).isEqualTo(KeySelection.LEAST_BUSY);
        assertThat(s.streamIdleTimeout()).isEqualTo(Duration.ofSeconds(15));
    }
}
