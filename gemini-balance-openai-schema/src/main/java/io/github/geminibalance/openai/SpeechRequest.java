package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A {@code POST /v1/audio/speech} request: text to speak.
 *
 * @param model {@code tts-1}, {@code tts-1-hd}, {@code gpt-4o-mini-tts} (all mean the configured TTS model)
 *     or a Gemini TTS model; null for the configured one
 * @param input the text to speak (required)
 * @param voice an OpenAI voice ({@code alloy}, {@code nova}...) or a Gemini prebuilt voice ({@code Kore}...);
 *     null for the configured one
 * @param instructions how to speak (tone, accent, pace), or null
 * @param speed from 0.25 to 4.0, 1.0 normal; null for the configured speed
 * @param responseFormat {@code wav} or {@code pcm}; null for {@code wav}
 * @param streamFormat {@code audio} (the only one served), or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SpeechRequest(
        String model,
        String input,
        String voice,
        String instructions,
        Double speed,
        String responseFormat,
        String streamFormat) {

    /**
     * A request with only the text and a voice set.
     *
     * @param input the text to speak
     * @param voice the voice, or null for the configured one
     * @return the request
     */
    public static SpeechRequest of(String input, String voice) {
        return new SpeechRequest(null, input, voice, null, null, null, null);
    }
}
