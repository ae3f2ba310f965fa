package io.github.geminibalance.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.AudioResponse;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.config.AudioSettings;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.SpeechRequest;
import io.github.geminibalance.upstream.SoftFailureException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SpeechTranslatorTest {

    private static final AudioSettings SETTINGS = AudioSettings.DEFAULTS;

    private static SpeechRequest request(String model, String voice, Double speed, String format) {
        return new SpeechRequest(model, "Hi", voice, null, speed, format, null);
    }

    private static JsonNode body(SpeechTranslator.Plan plan) throws Exception {
        return Json.mapper().readTree(plan.body());
    }

    @Test
    void openAiModelsAndNoModelMeanTtsModelAGeminiTtsModelIsKept() {
        assertThat(SpeechTranslator.plan(request(null, null, null, null), SETTINGS).model())
                .isEqualTo(SETTINGS.ttsModel());
        assertThat(SpeechTranslator.plan(request("tts-1-hd", null, null, null), SETTINGS).model())
                .isEqualTo(SETTINGS.ttsModel());
        assertThat(SpeechTranslator.plan(request("gpt-4o-mini-tts-2025-03-20", null, null, null), SETTINGS).model())
                .isEqualTo(SETTINGS.ttsModel());
        assertThat(SpeechTranslator.plan(request("models/gemini-2.5-pro-preview-tts", null, null, null), SETTINGS).model())
                .isEqualTo("gemini-2.5-pro-preview-tts");
        assertThatThrownBy(() -> SpeechTranslator.plan(request("gemini-2.5-flash", null, null, null), SETTINGS))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).contains("model"));
    }

    @Test
    void voicesMapOrPassAndTheDefaultIsTtsVoiceName() throws Exception {
        String path = "/generationConfig/speechConfig/voiceConfig/prebuiltVoiceConfig/voiceName";
        assertThat(body(SpeechTranslator.plan(request(null, "ONYX", null, null), SETTINGS)).at(path).asText())
                .isEqualTo("Orus");
        assertThat(body(SpeechTranslator.plan(request(null, "laomedeia", null, null), SETTINGS)).at(path).asText())
                .isEqualTo("Laomedeia");
        assertThat(body(SpeechTranslator.plan(request(null, null, null, null), SETTINGS)).at(path).asText())
                .isEqualTo("Zephyr");
        assertThat(Voices.OPENAI_TO_GEMINI.values()).allMatch(v -> AudioSettings.GEMINI_VOICES.contains(v));
    }

    @Test
    void formatsAndSpeedAreChecked() {
        assertThat(SpeechTranslator.plan(request(null, null, null, null), SETTINGS).format()).isEqualTo("wav");
        assertThat(SpeechTranslator.plan(request(null, null, 0.25, "PCM"), SETTINGS).format()).isEqualTo("pcm");
        for (String bad : new String[] {"mp3", "opus", "aac", "flac", "ogg"}) {
            assertThatThrownBy(() -> SpeechTranslator.plan(request(null, null, null, bad), SETTINGS)).as(bad)
                    .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(400);
                        assertThat(e.param()).contains("response_format");
                        assertThat(e.getMessage()).contains("wav, pcm");
                    });
        }
        assertThatThrownBy(() -> SpeechTranslator.plan(request(null, null, 0.2, null), SETTINGS))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).contains("speed"));
        assertThatThrownBy(() -> SpeechTranslator.plan(new SpeechRequest(null, " ", null, null, null, null, null),
                SETTINGS)).isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.param()).contains("input"));
    }

    @Test
    void thePromptCarriesInstructionsAndSpeedOnlyWhenGiven() {
        assertThat(SpeechTranslator.prompt("Hello", null, 1.0)).isEqualTo("Hello");
        assertThat(SpeechTranslator.prompt("Hello", "Whisper", 1.0))
                .isEqualTo("Whisper. Read the following text aloud:\nHello");
        assertThat(SpeechTranslator.prompt("Hello", null, 0.5))
                .isEqualTo("Speak at 0.5 times the normal speed (slower). Read the following text aloud:\nHello");
        assertThat(SpeechTranslator.prompt("Hello", "Be calm!", 2.0)).startsWith("Be calm! Speak at 2 times");
    }

    @Test
    void theAnswersPcmBecomesAWavFileAtItsRate() throws Exception {
        byte[] pcm = {1, 2, 3, 4, 5, 6};
        GenerateContentResponse response = Json.mapper().readValue("{\"candidates\":[{\"content\":{\"parts\":[{"
                + "\"inlineData\":{\"mimeType\":\"audio/L16;codec=pcm;rate=16000\",\"data\":\"AQIDBAUG\"}}]},"
                + "\"finishReason\":\"STOP\"}]}", GenerateContentResponse.class);

        AudioResponse wav = SpeechTranslator.answer(response, new SpeechTranslator.Plan("m", new byte[0], "wav", false));

        assertThat(wav.contentType()).isEqualTo("audio/wav");
        ByteBuffer b = ByteBuffer.wrap(wav.body()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(24)).isEqualTo(16_000);
        assertThat(b.getInt(40)).isEqualTo(6);
        assertThat(Arrays.copyOfRange(wav.body(), 44, wav.body().length)).isEqualTo(pcm);
        assertThat(SpeechTranslator.answer(response, new SpeechTranslator.Plan("m", new byte[0], "pcm", false)).body())
                .isEqualTo(pcm);
    }

    @Test
    void anAnswerWithoutAudioIsASoftFailure() throws Exception {
        GenerateContentResponse response = Json.mapper().readValue(
                "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"I cannot\"}]},\"finishReason\":\"OTHER\"}]}",
                GenerateContentResponse.class);

        assertThatThrownBy(() -> SpeechTranslator.answer(response, new SpeechTranslator.Plan("m", new byte[0], "wav", false)))
                .isInstanceOf(SoftFailureException.class).hasMessageContaining("OTHER");
    }

    @Test
    void modelAliasesComeFirstAndAnUnmappedClaudeModelIs404() {
        java.util.Map<String, String> aliases = java.util.Map.of("tts-1", "gemini-2.5-pro-preview-tts",
                "voice-of-god", "gemini-2.5-flash-preview-tts");
        assertThat(SpeechTranslator.plan(request("tts-1", null, null, null), SETTINGS, aliases).model())
                .isEqualTo("gemini-2.5-pro-preview-tts");
        assertThat(SpeechTranslator.plan(request(" voice-of-god ", null, null, null), SETTINGS, aliases).model())
                .isEqualTo("gemini-2.5-flash-preview-tts");
        assertThat(SpeechTranslator.plan(request("tts-1-hd", null, null, null), SETTINGS, aliases).model())
                .isEqualTo(SETTINGS.ttsModel());
        assertThatThrownBy(() -> SpeechTranslator.plan(request("claude-voice", null, null, null), SETTINGS, aliases))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
    }

    @Test
    void streamFormatSseAsksForEventsAnythingElseBesidesAudioIs400() {
        assertThat(SpeechTranslator.plan(new SpeechRequest(null, "Hi", null, null, null, null, "sse"), SETTINGS).sse())
                .isTrue();
        assertThat(SpeechTranslator.plan(new SpeechRequest(null, "Hi", null, null, null, null, "audio"), SETTINGS).sse())
                .isFalse();
        assertThat(SpeechTranslator.plan(request(null, null, null, null), SETTINGS).sse()).isFalse();
        assertThatThrownBy(() -> SpeechTranslator.plan(new SpeechRequest(null, "Hi", null, null, null, null, "chunks"),
                SETTINGS)).isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.param()).contains("stream_format"));
    }

    @Test
    void aStreamedWavHasAHeaderOfUnknownSizeOnItsFirstPieceOnly() throws Exception {
        SpeechAudio audio = new SpeechAudio(true);
        byte[] first = audio.onEvent(event("AQID", null));
        byte[] second = audio.onEvent(event("BAUG", "STOP"));

        assertThat(first).hasSize(44 + 3);
        ByteBuffer b = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(4)).isEqualTo(0xFFFFFFFF);
        assertThat(b.getInt(24)).isEqualTo(16_000);
        assertThat(b.getInt(40)).isEqualTo(0xFFFFFFFF);
        assertThat(Arrays.copyOfRange(first, 44, 47)).containsExactly(1, 2, 3);
        assertThat(second).containsExactly(4, 5, 6);
        assertThat(audio.finished()).isTrue();
        assertThat(audio.tokens().total()).isEqualTo(29);
    }

    private static GenerateContentResponse event(String base64, String finish) throws Exception {
        return Json.mapper().readValue("{\"candidates\":[{\"content\":{\"parts\":[{"
                + "\"inlineData\":{\"mimeType\":\"audio/L16;codec=pcm;rate=16000\",\"data\":\"" + base64 + "\"}}]}"
                + (finish == null ? "" : ",\"finishReason\":\"" + finish + "\"") + "}],"
                + "\"usageMetadata\":{\"promptTokenCount\":9,\"candidatesTokenCount\":20,\"totalTokenCount\":29}}",
                GenerateContentResponse.class);
    }
}
