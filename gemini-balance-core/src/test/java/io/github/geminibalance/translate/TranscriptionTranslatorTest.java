package io.github.geminibalance.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.AudioResponse;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.config.AudioSettings;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.TranscriptionRequest;
import io.github.geminibalance.upstream.SoftFailureException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TranscriptionTranslatorTest {

    private static final byte[] MP3 = {'I', 'D', '3', 4, 0, 0, 0, 0};

    private static TranscriptionRequest request(String type, String name, String model, String format) {
        return new TranscriptionRequest(MP3, name, type, model, null, null, format, null);
    }

    private static TranscriptionTranslator.Plan plan(TranscriptionRequest r) {
        return TranscriptionTranslator.plan(r, AudioSettings.DEFAULTS, 1024, false);
    }

    @Test
    void theAudioTypeComesFromTheHeaderTheNameOrTheBytes() throws Exception {
        String path = "/contents/0/parts/1/inlineData/mimeType";
        assertThat(Json.mapper().readTree(plan(request("audio/mpeg", null, null, null)).body()).at(path).asText())
                .isEqualTo("audio/mp3");
        assertThat(Json.mapper().readTree(plan(request("application/octet-stream", "talk.M4A", null, null)).body())
                .at(path).asText()).isEqualTo("audio/mp4");
        assertThat(Json.mapper().readTree(plan(request(null, "noname", null, null)).body()).at(path).asText())
                .isEqualTo("audio/mp3");
        assertThatThrownBy(() -> plan(request("image/png", "a.wav", null, null)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.param()).contains("file");
                    assertThat(e.getMessage()).contains("audio/wav, audio/mp3");
                });
    }

    @Test
    void openAiModelsMeanTranscriptionModelAndGeminiModelsAreKept() {
        assertThat(plan(request("audio/wav", null, "whisper-1", null)).model()).isEqualTo("gemini-2.5-flash");
        assertThat(plan(request("audio/wav", null, "gpt-4o-mini-transcribe", null)).model()).isEqualTo("gemini-2.5-flash");
        assertThat(plan(request("audio/wav", null, "gemini-2.5-pro", null)).model()).isEqualTo("gemini-2.5-pro");
        assertThatThrownBy(() -> plan(request("audio/wav", null, "gpt-4o", null)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).contains("model"));
    }

    @Test
    void aFileOverTheLimitIs413() {
        TranscriptionRequest big = new TranscriptionRequest(new byte[1025], "a.wav", "audio/wav", null, null, null,
                null, null);
        assertThatThrownBy(() -> plan(big)).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(413);
            assertThat(e.getMessage()).contains("MAX_MEDIA_BYTES");
        });
    }

    @Test
    void timedFormatsAskForSegmentsAndRenderThem() throws Exception {
        TranscriptionTranslator.Plan srt = plan(request("audio/mp3", null, null, "srt"));
        JsonNode body = Json.mapper().readTree(srt.body());
        assertThat(body.at("/generationConfig/responseMimeType").asText()).isEqualTo("application/json");
        assertThat(body.at("/generationConfig/responseSchema/properties/segments/type").asText()).isEqualTo("ARRAY");

        GenerateContentResponse answer = Json.mapper().readValue("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":"
                + "\"{\\\"language\\\":\\\"German\\\",\\\"segments\\\":[{\\\"start\\\":0,\\\"end\\\":61.2,\\\"text\\\":\\\"Hallo\\\"},"
                + "{\\\"start\\\":3661.5,\\\"end\\\":3662,\\\"text\\\":\\\"Welt\\\\n\\\\nzwei\\\"}]}\"}]},\"finishReason\":\"STOP\"}]}",
                GenerateContentResponse.class);
        AudioResponse rendered = TranscriptionTranslator.answer(answer, srt);
        assertThat(new String(rendered.body(), StandardCharsets.UTF_8)).isEqualTo(
                "1\n00:00:00,000 --> 00:01:01,200\nHallo\n\n2\n01:01:01,500 --> 01:01:02,000\nWelt\nzwei\n\n");

        AudioResponse verbose = TranscriptionTranslator.answer(answer, plan(request("audio/mp3", null, null, "verbose_json")));
        JsonNode v = Json.mapper().readTree(verbose.body());
        assertThat(v.path("language").asText()).isEqualTo("german");
        assertThat(v.path("duration").asDouble()).isEqualTo(3662.0);
        assertThat(v.path("segments").size()).isEqualTo(2);
    }

    @Test
    void segmentsThatAreNotJsonAreASoftFailure() throws Exception {
        GenerateContentResponse answer = Json.mapper().readValue(
                "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hello\"}]},\"finishReason\":\"STOP\"}]}",
                GenerateContentResponse.class);
        assertThatThrownBy(() -> TranscriptionTranslator.answer(answer, plan(request("audio/mp3", null, null, "vtt"))))
                .isInstanceOf(SoftFailureException.class);
        assertThat(new String(TranscriptionTranslator.answer(answer, plan(request("audio/mp3", null, null, "text"))).body(),
                StandardCharsets.UTF_8)).isEqualTo("Hello");
    }

    @Test
    void languageAndTemperatureAreChecked() {
        TranscriptionRequest badLanguage = new TranscriptionRequest(MP3, null, "audio/mp3", null, null, "english!",
                null, null);
        assertThatThrownBy(() -> plan(badLanguage))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).contains("language"));
        TranscriptionRequest hot = new TranscriptionRequest(MP3, null, "audio/mp3", null, null, null, null, 3.0);
        assertThatThrownBy(() -> plan(hot))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).contains("temperature"));
        TranscriptionRequest translated = new TranscriptionRequest(MP3, null, "audio/mp3", null, null, "de", null, null);
        assertThatThrownBy(() -> TranscriptionTranslator.plan(translated, AudioSettings.DEFAULTS, 1024, true))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).contains("language"));
    }
}
