package io.github.geminibalance.config;

import java.util.Locale;
import java.util.Map;

/** Reads {@code TTS_MODEL}, {@code TTS_VOICE_NAME}, {@code TTS_SPEED} and {@code TRANSCRIPTION_MODEL}. */
final class AudioSettingsLoader {

    static final String TTS_MODEL = "TTS_MODEL";
    static final String TTS_VOICE_NAME = "TTS_VOICE_NAME";
    static final String TTS_SPEED = "TTS_SPEED";
    static final String TRANSCRIPTION_MODEL = "TRANSCRIPTION_MODEL";

    private AudioSettingsLoader() {}

    static AudioSettings read(Map<String, String> s) {
        AudioSettings d = AudioSettings.DEFAULTS;
        String ttsModel = model(s, TTS_MODEL, d.ttsModel());
        String transcriptionModel = model(s, TRANSCRIPTION_MODEL, d.transcriptionModel());
        String voice = d.ttsVoiceName();
        String rawVoice = SettingValues.value(s, TTS_VOICE_NAME);
        if (rawVoice != null) {
            voice = AudioSettings.geminiVoice(rawVoice).orElseThrow(() -> new ConfigException(TTS_VOICE_NAME,
                    TTS_VOICE_NAME + " must be one of Gemini's prebuilt voices (" + String.join(", ",
                            AudioSettings.GEMINI_VOICES) + "), got " + SettingValues.quote(rawVoice)));
        }
        double speed = speed(SettingValues.value(s, TTS_SPEED), d.ttsSpeed());
        return new AudioSettings(ttsModel, voice, speed, transcriptionModel);
    }

    private static String model(Map<String, String> s, String name, String defaultValue) {
        String raw = SettingValues.value(s, name);
        if (raw == null) {
            return defaultValue;
        }
        String model = raw.startsWith("models/") ? raw.substring("models/".length()) : raw;
        if (!AudioSettings.isModelName(model)) {
            throw new ConfigException(name, name + " must be a Gemini model id such as " + defaultValue + ", got "
                    + SettingValues.quote(raw));
        }
        return model;
    }

    // the original's words (slow, normal, fast) or a number as OpenAI's speed
    private static double speed(String raw, double defaultValue) {
        if (raw == null) {
            return defaultValue;
        }
        switch (raw.toLowerCase(Locale.ROOT)) {
            case "slow":
                return 0.75;
            case "normal":
                return 1.0;
            case "fast":
                return 1.25;
            default:
                break;
        }
        String problem = TTS_SPEED + " must be slow, normal, fast or a number from " + AudioSettings.MIN_SPEED
                + " to " + AudioSettings.MAX_SPEED + ", got " + SettingValues.quote(raw);
        double v;
        try {
            v = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new ConfigException(TTS_SPEED, problem);
        }
        if (!(v >= AudioSettings.MIN_SPEED && v <= AudioSettings.MAX_SPEED)) {
            throw new ConfigException(TTS_SPEED, problem);
        }
        return v;
    }
}
