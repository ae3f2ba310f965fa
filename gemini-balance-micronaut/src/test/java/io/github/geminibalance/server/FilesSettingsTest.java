package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilesSettingsTest {

    @Test
    void isolationIsOnUnlessTurnedOff() {
        assertThat(FilesSettings.from(Map.of()).userIsolation()).isTrue();
        assertThat(FilesSettings.from(Map.of("FILES_USER_ISOLATION_ENABLED", " ")).userIsolation()).isTrue();
        assertThat(FilesSettings.from(Map.of("FILES_USER_ISOLATION_ENABLED", "off")).userIsolation()).isFalse();
        assertThat(FilesSettings.from(Map.of("FILES_USER_ISOLATION_ENABLED", "TRUE")).userIsolation()).isTrue();
    }

    @Test
    void aBadValueStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> FilesSettings.from(Map.of("FILES_USER_ISOLATION_ENABLED", "maybe\n")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).setting()).isEqualTo("FILES_USER_ISOLATION_ENABLED"))
                .hasMessageContaining("FILES_USER_ISOLATION_ENABLED must be true or false")
                .hasMessageNotContaining("\n");
    }
}
