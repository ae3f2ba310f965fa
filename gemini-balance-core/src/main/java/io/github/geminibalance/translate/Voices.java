package io.github.geminibalance.translate;

import io.github.geminibalance.config.AudioSettings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAI's voice names and the Gemini prebuilt voices they are spoken with (docs/api.md shows the table).
 * The pairs follow the voices' character as both vendors describe it; they are not the same voices.
 */
final class Voices {

    /** OpenAI voice to Gemini voice, in OpenAI's order. */
    static final Map<String, String> OPENAI_TO_GEMINI = openAi();

    private Voices() {}

    private static Map<String, String> openAi() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("alloy", "Zephyr");
        m.put("ash", "Charon");
        m.put("ballad", "Sulafat");
        m.put("coral", "Kore");
        m.put("echo", "Puck");
        m.put("fable", "Fenrir");
        m.put("onyx", "Orus");
        m.put("nova", "Aoede");
        m.put("sage", "Iapetus");
        m.put("shimmer", "Leda");
        m.put("verse", "Enceladus");
        m.put("marin", "Despina");
        m.put("cedar", "Algieba");
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The Gemini voice for a voice name a client sent: an OpenAI voice by the table, a Gemini voice as it
     * is (any case).
     *
     * @return the Gemini voice, or empty when the name is neither
     */
    static Optional<String> gemini(String name) {
        String mapped = OPENAI_TO_GEMINI.get(name.strip().toLowerCase(Locale.ROOT));
        return mapped != null ? Optional.of(mapped) : AudioSettings.geminiVoice(name);
    }
}
