package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code IMAGE_URL_TTL_HOURS} and {@code PUBLIC_BASE_URL}: defaults, accepted values, one-line errors. */
class ImageSettingsTest {

    @Test
    void defaultsAreADayAndNoPublicBase() {
        ImageSettings d = ImageSettings.defaults();
        assertThat(d.urlTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(d.publicBaseUrl()).isNull();
        assertThat(ImageSettings.from(Map.of("PUBLIC_BASE_URL", " ")).publicBaseUrl()).isNull();
    }

    @Test
    void valuesAreRead() {
        ImageSettings s = ImageSettings.from(Map.of("IMAGE_URL_TTL_HOURS", "72", "PUBLIC_BASE_URL",
                "https://gb.example.com/proxy/"));
        assertThat(s.urlTtl()).isEqualTo(Duration.ofHours(72));
        assertThat(s.publicBaseUrl()).isEqualTo("https://gb.example.com/proxy");
    }

    @Test
    void badValuesStopStartUpNamingTheSetting() {
        for (String ttl : new String[] {"0", "-1", "8761", "a day"}) {
            assertThatThrownBy(() -> ImageSettings.from(Map.of("IMAGE_URL_TTL_HOURS", ttl)))
                    .isInstanceOfSatisfying(ConfigException.class, e -> {
                        assertThat(e.setting()).isEqualTo("IMAGE_URL_TTL_HOURS");
                        assertThat(e.getMessage()).doesNotContain("\n");
                    });
        }
        for (String base : new String[] {"ftp://x", "gb.example.com", "https://a.b/?x=1", "https://u:p@a.b", "https://a.b/#f"}) {
            assertThatThrownBy(() -> ImageSettings.from(Map.of("PUBLIC_BASE_URL", base)))
                    .as(base).isInstanceOfSatisfying(ConfigException.class,
                            e -> assertThat(e.setting()).isEqualTo("PUBLIC_BASE_URL"));
        }
    }
}
