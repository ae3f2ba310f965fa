package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.AudioResponse;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.config.AudioSettings;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.SpeechRequest;
import io.github.geminibalance.upstream.SoftFailureException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code POST /v1/audio/speech} to a Gemini TTS model and back. The text goes to {@code generateContent}
 * with {@code responseModalities: ["AUDIO"]} and a prebuilt voice; {@code instructions} and {@code speed}
 * become a style line in front of the text (Gemini's TTS models take their direction from the prompt).
 * Gemini answers 16-bit little-endian mono PCM ({@code audio/L16;codec=pcm;rate=24000}), which is sent as
 * a WAV file or as is.
 */
public final class SpeechTranslator {

    /** The formats served, the first the default (OpenAI's default, mp3, cannot be made from PCM here). */
    public static final List<String> FORMATS = List.of("wav", "pcm");
    /** OpenAI's model names, all spoken by {@code TTS_MODEL}. */
    static final Set<String> OPENAI_MODELS = Set.of("tts-1", "tts-1-hd", "gpt-4o-mini-tts");


    private SpeechTranslator() {}

    /**
     * A checked speech request, ready to send.
     *
     * @param model the Gemini model
     * @param body the {@code generateContent} body
     * @param format {@code wav} or {@code pcm}
     * @param sse whether the client asked for the audio as events ({@code stream_format: "sse"})
     */
    public record Plan(String model, byte[] body, String format, boolean sse) {}

    /**
     * Checks a request and builds its Gemini body.
     *
     * @throws InvalidRequestException naming the field at fault
     */
    public static Plan plan(SpeechRequest request, AudioSettings settings) {
        return plan(request, settings, java.util.Map.of());
    }

    /**
     * Checks a request and builds its Gemini body, its model first replaced as {@code MODEL_ALIASES} says
     * ({@link ModelAliases}).
     *
     * @param aliases client model name to Gemini model
     * @throws InvalidRequestException naming the field at fault
     */
    public static Plan plan(SpeechRequest request, AudioSettings settings, java.util.Map<String, String> aliases) {
        if (request == null) {
            throw new InvalidRequestException(null, "The request body is empty; expected a JSON object.");
        }
        if (request.input() == null || request.input().isBlank()) {
            throw new InvalidRequestException("input", "input is required: the text to speak.");
        }
        String model = model(ModelAliases.resolve(aliases, request.model()), settings);
        String voice = settings.ttsVoiceName();
        if (request.voice() != null) {
            voice = Voices.gemini(request.voice()).orElseThrow(() -> new InvalidRequestException(400, "voice",
                    "invalid_value", "voice must be an OpenAI voice (" + String.join(", ", Voices.OPENAI_TO_GEMINI.keySet())
                    + ") or a Gemini prebuilt voice (" + String.join(", ", AudioSettings.GEMINI_VOICES) + ")."));
        }
        double speed = settings.ttsSpeed();
        if (request.speed() != null) {
            speed = request.speed();
            if (!(speed >= AudioSettings.MIN_SPEED && speed <= AudioSettings.MAX_SPEED)) {
                throw new InvalidRequestException(400, "speed", "invalid_value", "speed must be from "
                        + AudioSettings.MIN_SPEED + " to " + AudioSettings.MAX_SPEED + ".");
            }
        }
        String format = request.responseFormat() == null ? FORMATS.get(0)
                : request.responseFormat().strip().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new InvalidRequestException(400, "response_format", "unsupported_response_format",
                    "response_format must be one of " + String.join(", ", FORMATS)
                    + ": Gemini speaks PCM, which this server sends as WAV or raw PCM (mp3, opus, aac and flac "
                    + "are not supported).");
        }
        String stream = request.streamFormat() == null ? "audio" : request.streamFormat().strip().toLowerCase(Locale.ROOT);
        if (!stream.equals("audio") && !stream.equals("sse")) {
            throw new InvalidRequestException(400, "stream_format", "invalid_value",
                    "stream_format must be audio (the file) or sse (server-sent events).");
        }
        return new Plan(model, body(prompt(request.input(), request.instructions(), speed), voice), format,
                stream.equals("sse"));
    }

    private static String model(String requested, AudioSettings settings) {
        if (requested == null || requested.isBlank() || OPENAI_MODELS.contains(requested)
                || requested.startsWith("gpt-4o-mini-tts-")) {
            return settings.ttsModel();
        }
        String model = requested.startsWith("models/") ? requested.substring("models/".length()) : requested;
        if (!AudioSettings.isModelName(model) || !model.contains("tts")) {
            throw new InvalidRequestException(400, "model", "model_not_found", "model must be tts-1, tts-1-hd, "
                    + "gpt-4o-mini-tts (spoken by " + settings.ttsModel() + ") or a Gemini TTS model (its name "
                    + "contains tts).");
        }
        return model;
    }

    /** The text Gemini speaks: the style line (instructions, speed) when there is one, then the input. */
    static String prompt(String input, String instructions, double speed) {
        StringBuilder style = new StringBuilder();
        if (instructions != null && !instructions.isBlank()) {
            style.append(instructions.strip());
            if (!style.toString().matches("(?s).*[.!?]$")) {
                style.append('.');
            }
        }
        if (speed != 1.0) {
            if (style.length() > 0) {
                style.append(' ');
            }
            style.append("Speak at ").append(number(speed)).append(" times the normal speed (")
                    .append(speed < 1 ? "slower" : "faster").append(").");
        }
        if (style.length() == 0) {
            return input;
        }
        return style + " Read the following text aloud:\n" + input;
    }

    private static byte[] body(String text, String voice) {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode content = root.putArray("contents").addObject();
        content.put("role", "user");
        content.putArray("parts").addObject().put("text", text);
        ObjectNode config = root.putObject("generationConfig");
        config.putArray("responseModalities").add("AUDIO");
        config.putObject("speechConfig").putObject("voiceConfig").putObject("prebuiltVoiceConfig")
                .put("voiceName", voice);
        return Json.bytes(root);
    }

    /**
     * The audio in Gemini's answer, in the plan's format: its audio parts read as a stream's events are
     * ({@link SpeechAudio}), then put in a WAV file or sent as they are.
     *
     * @throws SoftFailureException when the answer holds no audio (retried on another key)
     * @throws InvalidRequestException when Gemini blocked the input
     */
    public static AudioResponse answer(GenerateContentResponse response, Plan plan) {
        SpeechAudio audio = new SpeechAudio(false);
        byte[] pcm = audio.onEvent(response);
        if (!audio.producedAudio()) {
            throw new SoftFailureException("NO_AUDIO", "Gemini answered without audio (finish reason "
                    + SpeechAudio.finishReason(response) + ")");
        }
        if ("pcm".equals(plan.format())) {
            return new AudioResponse("audio/pcm", pcm);
        }
        return new AudioResponse("audio/wav", WavFile.of(pcm, audio.sampleRate(), 1));
    }

    /** The token counts of an answer, or null when Gemini sent none. */
    public static RequestTrace.Tokens tokens(GenerateContentResponse response) {
        GenerateContentResponse.UsageMetadata u = response.usageMetadata();
        if (u == null) {
            return null;
        }
        int prompt = n(u.promptTokenCount());
        int thinking = n(u.thoughtsTokenCount());
        int completion = n(u.candidatesTokenCount()) + thinking;
        int total = u.totalTokenCount() == null ? prompt + completion : u.totalTokenCount();
        return new RequestTrace.Tokens(prompt, completion, total, thinking, n(u.cachedContentTokenCount()));
    }

    private static int n(Integer v) {
        return v == null ? 0 : v;
    }

    // 1.5, 0.75, 2
    private static String number(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
