package io.github.geminibalance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TTS_MODEL, TTS_VOICE_NAME, TTS_SPEED and TRANSCRIPTION_MODEL as ConfigLoader reads them. */
class AudioSettingsLoaderTest {

    private static GeminiBalanceConfig load(String... pairs) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("API_KEYS", "AIzaSyTEST-audio-config-0001");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return ConfigLoader.fromSettings(env);
    }

    @Test
    void defaults() {
        AudioSettings a = load().audio();

        assertThat(a).isEqualTo(AudioSettings.DEFAULTS);
        assertThat(a.ttsModel()).isEqualTo("gemini-2.5-flash-preview-tts");
        assertThat(a.ttsVoiceName()).isEqualTo("Zephyr");
        assertThat(a.ttsSpeed()).isEqualTo(1.0);
        assertThat(a.transcriptionModel()).isEqualTo("gemini-2.5-flash");
    }

    @Test
    void valuesAreReadAndVoicesSpelledAsGeminiSpellsThem() {
        AudioSettings a = load("TTS_MODEL", "models/gemini-2.5-pro-preview-tts", "TTS_VOICE_NAME", " kore ",
                "TTS_SPEED", "1.25", "TRANSCRIPTION_MODEL", "gemini-2.5-pro").audio();

        assertThat(a).isEqualTo(new AudioSettings("gemini-2.5-pro-preview-tts", "Kore", 1.25, "gemini-2.5-pro"));
        assertThat(load("TTS_SPEED", "slow").audio().ttsSpeed()).isEqualTo(0.75);
        assertThat(load("TTS_SPEED", "FAST").audio().ttsSpeed()).isEqualTo(1.25);
        assertThat(load("TTS_SPEED", "normal").audio().ttsSpeed()).isEqualTo(1.0);
    }

    @Test
    void anUnknownVoiceStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> load("TTS_VOICE_NAME", "alloy"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.setting()).isEqualTo("TTS_VOICE_NAME");
                    assertThat(e.getMessage()).startsWith("Invalid setting TTS_VOICE_NAME: ").contains("Zephyr, Puck")
                            .contains("\"alloy\"").doesNotContain("\n");
                });
    }

    @Test
    void aSpeedOutOfRangeOrNotANumberStopsStartUp() {
        for (String bad : new String[] {"0.2", "4.5", "quick", "NaN", "-1"}) {
            assertThatThrownBy(() -> load("TTS_SPEED", bad)).as(bad)
                    .isInstanceOfSatisfying(ConfigException.class, e -> {
                        assertThat(e.setting()).isEqualTo("TTS_SPEED");
                        assertThat(e.getMessage()).contains("slow, normal, fast or a number from 0.25 to 4.0");
                    });
        }
    }

    @Test
    void aModelThatCannotBeAModelIdStopsStartUp() {
        assertThatThrownBy(() -> load("TTS_MODEL", "a/b"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("TTS_MODEL"));
        assertThatThrownBy(() -> load("TRANSCRIPTION_MODEL", "gemini 2.5"))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.setting()).isEqualTo("TRANSCRIPTION_MODEL"));
    }
}
