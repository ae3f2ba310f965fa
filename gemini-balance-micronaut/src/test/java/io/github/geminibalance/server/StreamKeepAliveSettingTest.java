package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code STREAM_KEEPALIVE_SECONDS}: 15 by default, 0 turns it off, a bad value stops start-up naming it. */
class StreamKeepAliveSettingTest {

    @Test
    void defaultsToFifteenSecondsAndZeroIsOff() {
        assertThat(ServerSettings.defaults().streamKeepAlive()).isEqualTo(Duration.ofSeconds(15));
        assertThat(ServerSettings.from(Map.of("STREAM_KEEPALIVE_SECONDS", "0")).streamKeepAlive()).isZero();
        assertThat(ServerSettings.from(Map.of("STREAM_KEEPALIVE_SECONDS", " 5 ")).streamKeepAlive())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(ServerSettings.from(Map.of("STREAM_KEEPALIVE_SECONDS", "")).streamKeepAlive())
                .as("blank is unset").isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void aBadValueStopsStartUpWithOneLineNamingIt() {
        for (String bad : new String[] {"-1", "ten", "3601", "1.5"}) {
            assertThatThrownBy(() -> ServerSettings.from(Map.of("STREAM_KEEPALIVE_SECONDS", bad)))
                    .as(bad)
                    .isInstanceOfSatisfying(ConfigException.class, e -> {
                        assertThat(e.setting()).isEqualTo("STREAM_KEEPALIVE_SECONDS");
                        assertThat(e.getMessage()).startsWith("Invalid setting STREAM_KEEPALIVE_SECONDS: ")
                                .contains("0 to 3600").doesNotContain("\n");
                    });
        }
    }
}
