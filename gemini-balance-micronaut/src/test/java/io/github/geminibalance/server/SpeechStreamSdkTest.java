package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.speech.SpeechModel;
import io.github.geminibalance.config.AnswerSettings;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Speech as server-sent events ({@code stream_format: "sse"}) with the official OpenAI SDK, against the server
 * and a fake Gemini that streams its PCM in pieces ({@code streamGenerateContent?alt=sse}).
 */
class SpeechStreamSdkTest {

    private static final String TTS_MODEL = "gemini-2.5-flash-preview-tts";
    private static final String FAILOVER_MODEL = "gemini-2.5-pro-preview-tts";
    private static final String SILENT_MODEL = "gemini-2.6-flash-preview-tts";
    private static final String FILTERED_MODEL = "gemini-2.0-flash-preview-tts";
    private static final String LIMITED_KEY = "AIzaSyTEST-speech-limited-1";
    private static final String GOOD_KEY = "AIzaSyTEST-speech-good-0002";
    private static final byte[] PCM_1 = pcm(0, 1200);
    private static final byte[] PCM_2 = pcm(1200, 800);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static FakeGemini gemini;
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .streamGenerateContent(TTS_MODEL, null, List.of(audioEvent(PCM_1, null), audioEvent(PCM_2, "STOP")))
                .error(FAILOVER_MODEL, "streamGenerateContent", LIMITED_KEY, GeminiErrorKind.RATE_LIMITED_429)
                .streamGenerateContent(FAILOVER_MODEL, GOOD_KEY, List.of(audioEvent(PCM_1, "STOP")))
                // a stream that ends without audio: another key, then a 502
                .streamGenerateContent(SILENT_MODEL, null, List.of("{\"candidates\":[{\"content\":{\"role\":\"model\","
                        + "\"parts\":[]},\"finishReason\":\"OTHER\",\"index\":0}]}"));
        server = TestServer.start(TestServer.config(gemini, List.of(LIMITED_KEY, GOOD_KEY))
                .modelAliases(Map.of("narrator", TTS_MODEL))
                .answers(new AnswerSettings(List.of(FILTERED_MODEL), false, AnswerSettings.DEFAULT_URL_CONTEXT_MODELS,
                        true, true, false, Duration.ofSeconds(5)))
                .build());
        client = OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey(TestServer.TOKEN).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @Test
    void pcmArrivesAsDeltasOfGeminisPiecesThenDoneWithUsage() throws Exception {
        List<JsonNode> events = stream(SpeechCreateParams.builder().model(SpeechModel.GPT_4O_MINI_TTS)
                .input("Stream me").voice("alloy").responseFormat(SpeechCreateParams.ResponseFormat.PCM)
                .streamFormat(SpeechCreateParams.StreamFormat.SSE).build());

        assertThat(events).hasSize(3);
        assertThat(events.subList(0, 2)).allSatisfy(e -> {
            assertThat(e.path("type").asText()).isEqualTo("speech.audio.delta");
            assertThat(e.size()).as("type and audio only").isEqualTo(2);
        });
        assertThat(audio(events.get(0))).isEqualTo(PCM_1);
        assertThat(audio(events.get(1))).isEqualTo(PCM_2);
        JsonNode done = events.get(2);
        assertThat(done.path("type").asText()).isEqualTo("speech.audio.done");
        assertThat(done.path("usage").path("input_tokens").asInt()).isEqualTo(9);
        assertThat(done.path("usage").path("output_tokens").asInt()).isEqualTo(20);
        assertThat(done.path("usage").path("total_tokens").asInt()).isEqualTo(29);
        assertThat(done.has("audio")).isFalse();

        List<JsonNode> sent = gemini.requestBodies(TTS_MODEL, "streamGenerateContent");
        assertThat(sent.get(sent.size() - 1).at("/generationConfig/responseModalities/0").asText()).isEqualTo("AUDIO");
        assertThat(sent.get(sent.size() - 1).at("/contents/0/parts/0/text").asText()).isEqualTo("Stream me");
    }

    @Test
    void wavStartsWithAHeaderOfUnknownSizeThenTheSamples() throws Exception {
        List<JsonNode> events = stream(SpeechCreateParams.builder().model("narrator").input("Wave")
                .voice("alloy").responseFormat(SpeechCreateParams.ResponseFormat.WAV)
                .streamFormat(SpeechCreateParams.StreamFormat.SSE).build());

        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        events.stream().filter(e -> e.path("type").asText().equals("speech.audio.delta"))
                .forEach(e -> joined.writeBytes(audio(e)));
        byte[] wav = joined.toByteArray();
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(b.getInt(4)).as("RIFF size unknown").isEqualTo(0xFFFFFFFF);
        assertThat(new String(wav, 8, 8, StandardCharsets.US_ASCII)).isEqualTo("WAVEfmt ");
        assertThat(b.getShort(22)).isEqualTo((short) 1);
        assertThat(b.getInt(24)).isEqualTo(24_000);
        assertThat(b.getShort(34)).isEqualTo((short) 16);
        assertThat(new String(wav, 36, 4, StandardCharsets.US_ASCII)).isEqualTo("data");
        assertThat(b.getInt(40)).as("data size unknown").isEqualTo(0xFFFFFFFF);
        byte[] both = new byte[PCM_1.length + PCM_2.length];
        System.arraycopy(PCM_1, 0, both, 0, PCM_1.length);
        System.arraycopy(PCM_2, 0, both, PCM_1.length, PCM_2.length);
        assertThat(Arrays.copyOfRange(wav, 44, wav.length)).isEqualTo(both);
        assertThat(audio(events.get(0))).as("the header rides on the first piece").hasSize(44 + PCM_1.length);
        assertThat(events.get(events.size() - 1).path("type").asText()).isEqualTo("speech.audio.done");
    }

    @Test
    void aKeyRefusedBeforeTheFirstPieceIsRestedAndAnotherServes() throws Exception {
        for (int i = 0; i < 2; i++) {
            List<JsonNode> events = stream(SpeechCreateParams.builder().model(FAILOVER_MODEL).input("Failover")
                    .voice("alloy").responseFormat(SpeechCreateParams.ResponseFormat.PCM)
                    .streamFormat(SpeechCreateParams.StreamFormat.SSE).build());
            assertThat(audio(events.get(0))).isEqualTo(PCM_1);
        }
        List<String> keys = gemini.server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().contains(FAILOVER_MODEL))
                .map(e -> e.getRequest().getHeader(FakeGemini.API_KEY_HEADER)).toList();
        assertThat(keys).containsOnlyOnce(LIMITED_KEY);
        assertThat(keys.stream().filter(GOOD_KEY::equals)).hasSize(2);
    }

    @Test
    void aStreamWithoutAudioIsTriedOnEveryKeyThenA502BeforeAnyEvent() {
        assertThatThrownBy(() -> stream(SpeechCreateParams.builder().model(SILENT_MODEL).input("x").voice("alloy")
                .streamFormat(SpeechCreateParams.StreamFormat.SSE).build()))
                .isInstanceOfSatisfying(com.openai.errors.OpenAIServiceException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(502));
        assertThat(gemini.requestBodies(SILENT_MODEL, "streamGenerateContent")).hasSize(2);
    }

    @Test
    void badRequestsAndFilteredModelsAreRefusedBeforeTheStream() {
        assertThatThrownBy(() -> stream(SpeechCreateParams.builder().model(SpeechModel.TTS_1).input("x").voice("alloy")
                .streamFormat(SpeechCreateParams.StreamFormat.of("chunks")).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).hasValue("stream_format");
                    assertThat(e.getMessage()).contains("audio").contains("sse");
                });
        assertThatThrownBy(() -> stream(SpeechCreateParams.builder().model(SpeechModel.TTS_1).input("x").voice("alloy")
                .responseFormat(SpeechCreateParams.ResponseFormat.MP3)
                .streamFormat(SpeechCreateParams.StreamFormat.SSE).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("response_format"));
        assertThatThrownBy(() -> stream(SpeechCreateParams.builder().model(FILTERED_MODEL).input("x").voice("alloy")
                .streamFormat(SpeechCreateParams.StreamFormat.SSE).build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).hasValue("model_not_found"));
        assertThat(gemini.requestBodies(FILTERED_MODEL, "streamGenerateContent")).isEmpty();
    }

    /** The events of a streamed answer, read through openai-java's raw speech response. */
    private static List<JsonNode> stream(SpeechCreateParams params) throws Exception {
        try (HttpResponse response = client.audio().speech().create(params)) {
            assertThat(response.headers().values("Content-Type"))
                    .anySatisfy(t -> assertThat(t).startsWith("text/event-stream"));
            String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
            List<JsonNode> events = new ArrayList<>();
            for (String block : body.split("\n\n")) {
                StringBuilder data = new StringBuilder();
                for (String line : block.split("\n")) {
                    if (line.startsWith("data: ")) {
                        data.append(line.substring("data: ".length()));
                    }
                }
                if (data.length() > 0) {
                    events.add(JSON.readTree(data.toString()));
                }
            }
            return events;
        }
    }

    private static byte[] audio(JsonNode delta) {
        return Base64.getDecoder().decode(delta.path("audio").asText());
    }

    private static byte[] pcm(int from, int samples) {
        ByteBuffer b = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i < from + samples; i++) {
            b.putShort((short) (Math.sin(i / 10.0) * 8000));
        }
        return b.array();
    }

    private static String audioEvent(byte[] pcm, String finishReason) {
        String finish = finishReason == null ? "" : ",\"finishReason\":\"" + finishReason + "\"";
        String usage = finishReason == null ? ""
                : ",\"usageMetadata\":{\"promptTokenCount\":9,\"candidatesTokenCount\":20,\"totalTokenCount\":29}";
        return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"inlineData\":{\"mimeType\":"
                + "\"audio/L16;codec=pcm;rate=24000\",\"data\":\"" + Base64.getEncoder().encodeToString(pcm) + "\"}}]}"
                + finish + ",\"index\":0}]" + usage + ",\"modelVersion\":\"" + TTS_MODEL + "\"}";
    }
}
