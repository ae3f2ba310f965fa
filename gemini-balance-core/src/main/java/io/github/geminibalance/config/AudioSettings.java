package io.github.geminibalance.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The speech and transcription settings: which Gemini models speak and listen, and how they speak by
 * default.
 *
 * @param ttsModel {@code TTS_MODEL}: the Gemini TTS model used when a speech request names an OpenAI model
 *     ({@code tts-1}...) or none
 * @param ttsVoiceName {@code TTS_VOICE_NAME}: the Gemini prebuilt voice used when a request names none
 *     (one of {@link #GEMINI_VOICES})
 * @param ttsSpeed {@code TTS_SPEED}: the speaking speed when a request gives none, 1.0 normal (0.25 to 4.0)
 * @param transcriptionModel {@code TRANSCRIPTION_MODEL}: the Gemini model that transcribes and translates
 *     audio when a request names an OpenAI model ({@code whisper-1}...) or none
 */
public record AudioSettings(String ttsModel, String ttsVoiceName, double ttsSpeed, String transcriptionModel) {

    /** Gemini's prebuilt TTS voices, as Gemini spells them. */
    public static final List<String> GEMINI_VOICES = List.of(
            "Zephyr", "Puck", "Charon", "Kore", "Fenrir", "Leda", "Orus", "Aoede", "Callirrhoe", "Autonoe",
            "Enceladus", "Iapetus", "Umbriel", "Algieba", "Despina", "Erinome", "Algenib", "Rasalgethi",
            "Laomedeia", "Achernar", "Alnilam", "Schedar", "Gacrux", "Pulcherrima", "Achird", "Zubenelgenubi",
            "Vindemiatrix", "Sadachbia", "Sadaltager", "Sulafat");

    /** The slowest speaking speed accepted. */
    public static final double MIN_SPEED = 0.25;
    /** The fastest speaking speed accepted. */
    public static final double MAX_SPEED = 4.0;

    // declared before DEFAULTS, whose constructor reads it
    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** {@code gemini-2.5-flash-preview-tts}, {@code Zephyr}, speed 1.0, {@code gemini-2.5-flash}. */
    public static final AudioSettings DEFAULTS =
            new AudioSettings("gemini-2.5-flash-preview-tts", "Zephyr", 1.0, "gemini-2.5-flash");

    /** Checks every value. */
    public AudioSettings {
        requireModel(ttsModel, "ttsModel");
        requireModel(transcriptionModel, "transcriptionModel");
        Objects.requireNonNull(ttsVoiceName, "ttsVoiceName");
        ttsVoiceName = geminiVoice(ttsVoiceName).orElseThrow(() ->
                new IllegalArgumentException("ttsVoiceName must be one of Gemini's prebuilt voices"));
        if (!(ttsSpeed >= MIN_SPEED && ttsSpeed <= MAX_SPEED)) {
            throw new IllegalArgumentException("ttsSpeed must be from " + MIN_SPEED + " to " + MAX_SPEED);
        }
    }

    /**
     * A Gemini prebuilt voice by name, in any case, spelled as Gemini spells it.
     *
     * @param name a voice name such as {@code kore}
     * @return the voice ({@code Kore}), or empty when Gemini has no voice of that name
     */
    public static Optional<String> geminiVoice(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String lower = name.strip().toLowerCase(Locale.ROOT);
        for (String voice : GEMINI_VOICES) {
            if (voice.toLowerCase(Locale.ROOT).equals(lower)) {
                return Optional.of(voice);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a name can be a Gemini model id (letters, digits, {@code .}, {@code _}, {@code -}).
     *
     * @param name the name
     * @return true when it can
     */
    public static boolean isModelName(String name) {
        return name != null && MODEL.matcher(name).matches();
    }

    private static void requireModel(String name, String field) {
        if (!isModelName(name)) {
            throw new IllegalArgumentException(field + " must be a Gemini model id");
        }
    }
}
