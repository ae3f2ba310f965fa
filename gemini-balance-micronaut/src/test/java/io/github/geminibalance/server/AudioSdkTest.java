package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.MultipartField;
import com.openai.core.http.HttpResponse;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.audio.AudioModel;
import com.openai.models.audio.AudioResponseFormat;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.speech.SpeechModel;
import com.openai.models.audio.transcriptions.Transcription;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateResponse;
import com.openai.models.audio.transcriptions.TranscriptionVerbose;
import com.openai.models.audio.translations.TranslationCreateParams;
import com.openai.models.audio.translations.TranslationCreateResponse;
import io.github.geminibalance.config.AnswerSettings;
import io.github.geminibalance.config.MediaLimits;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Speech, transcriptions and translations with the official OpenAI SDK, against the server and a fake Gemini. */
class AudioSdkTest {

    private static final String TTS_MODEL = "gemini-2.5-flash-preview-tts";
    private static final String FAILOVER_TTS_MODEL = "gemini-2.5-pro-preview-tts";
    private static final String STT_MODEL = "gemini-2.5-flash";
    private static final String FAILOVER_STT_MODEL = "gemini-2.5-flash-lite";
    // MODEL_ALIASES and FILTERED_MODELS, as on the chat route
    private static final String ALIAS_TTS_MODEL = "gemini-2.5-flash-lite-preview-tts";
    private static final String ALIAS_STT_MODEL = "gemini-2.0-flash";
    private static final String FILTERED_TTS_MODEL = "gemini-2.0-flash-preview-tts";
    private static final String FILTERED_STT_MODEL = "gemini-2.0-flash-lite";
    private static final Map<String, String> ALIASES = Map.of("tts-1-hd", ALIAS_TTS_MODEL,
            "my-ears", ALIAS_STT_MODEL, "hidden-voice", FILTERED_TTS_MODEL, "hidden-ears", FILTERED_STT_MODEL);
    private static final String LIMITED_KEY = "AIzaSyTEST-audio-limited-01";
    private static final String GOOD_KEY = "AIzaSyTEST-audio-good-0002";
    private static final long MAX_FILE = 64 * 1024;
    private static final byte[] PCM = pcm(2400); // 0.1 s at 24 kHz
    private static final String TRANSCRIPT = "Hello from the fake Gemini.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static FakeGemini gemini;
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .generateContent(TTS_MODEL, null, audioResponse(PCM))
                .error(FAILOVER_TTS_MODEL, LIMITED_KEY, GeminiErrorKind.RATE_LIMITED_429)
                .generateContent(FAILOVER_TTS_MODEL, GOOD_KEY, audioResponse(PCM))
                .generateContent(STT_MODEL, null, textResponse(TRANSCRIPT))
                .error(FAILOVER_STT_MODEL, LIMITED_KEY, GeminiErrorKind.UNAVAILABLE_503)
                .generateContent(FAILOVER_STT_MODEL, GOOD_KEY, textResponse(TRANSCRIPT))
                .generateContent(ALIAS_TTS_MODEL, null, audioResponse(PCM))
                .generateContent(ALIAS_STT_MODEL, null, textResponse("heard by the alias"))
                .generateContent(FILTERED_TTS_MODEL, null, audioResponse(PCM))
                .generateContent(FILTERED_STT_MODEL, null, textResponse("must not be called"));
        // the timed formats ask for segments with a responseSchema: answered with JSON segments
        gemini.server().stubFor(post(urlPathMatching("/v1beta/models/" + STT_MODEL + "(?::|%3[aA])generateContent"))
                .atPriority(1)
                .withRequestBody(matchingJsonPath("$.generationConfig.responseSchema"))
                .willReturn(okJson(textResponse("{\"language\":\"english\",\"segments\":["
                        + "{\"start\":0,\"end\":1.5,\"text\":\"Hello from\"},"
                        + "{\"start\":1.5,\"end\":3.25,\"text\":\"the fake Gemini.\"}]}"))));
        server = TestServer.start(TestServer.config(gemini, List.of(LIMITED_KEY, GOOD_KEY))
                .media(new MediaLimits(16, MAX_FILE, 50 * MediaLimits.MIB))
                .modelAliases(ALIASES)
                .answers(new AnswerSettings(List.of(FILTERED_TTS_MODEL, FILTERED_STT_MODEL), false,
                        AnswerSettings.DEFAULT_URL_CONTEXT_MODELS, true, true, false, Duration.ofSeconds(5)))
                .build());
        client = OpenAIOkHttpClient.builder()
                .baseUrl(server.url() + "/v1")
                .apiKey(TestServer.TOKEN)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @Test
    void speechIsAWavFileOfGeminisPcm() throws Exception {
        byte[] wav;
        try (HttpResponse response = client.audio().speech().create(SpeechCreateParams.builder()
                .model(SpeechModel.TTS_1)
                .input("Hello there")
                .voice(SpeechCreateParams.Voice.UnionMember1.CORAL)
                .instructions("Cheerful and warm")
                .speed(1.5)
                .responseFormat(SpeechCreateParams.ResponseFormat.WAV)
                .build())) {
            assertThat(response.headers().values("Content-Type")).anySatisfy(t -> assertThat(t).startsWith("audio/wav"));
            wav = response.body().readAllBytes();
        }

        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(b.getInt(4)).isEqualTo(wav.length - 8);
        assertThat(new String(wav, 8, 8, StandardCharsets.US_ASCII)).isEqualTo("WAVEfmt ");
        assertThat(b.getShort(20)).isEqualTo((short) 1); // PCM
        assertThat(b.getShort(22)).isEqualTo((short) 1); // mono
        assertThat(b.getInt(24)).isEqualTo(24_000);
        assertThat(b.getInt(28)).isEqualTo(48_000); // bytes per second
        assertThat(b.getShort(34)).isEqualTo((short) 16);
        assertThat(new String(wav, 36, 4, StandardCharsets.US_ASCII)).isEqualTo("data");
        assertThat(b.getInt(40)).isEqualTo(PCM.length);
        assertThat(Arrays.copyOfRange(wav, 44, wav.length)).isEqualTo(PCM);

        JsonNode sent = lastBody(TTS_MODEL);
        assertThat(sent.at("/generationConfig/responseModalities/0").asText()).isEqualTo("AUDIO");
        assertThat(sent.at("/generationConfig/speechConfig/voiceConfig/prebuiltVoiceConfig/voiceName").asText())
                .isEqualTo("Kore");
        String prompt = sent.at("/contents/0/parts/0/text").asText();
        assertThat(prompt).startsWith("Cheerful and warm.").contains("1.5 times the normal speed").endsWith("\nHello there");
    }

    @Test
    void pcmIsGeminisSamplesAsTheyAre() throws Exception {
        try (HttpResponse response = client.audio().speech().create(SpeechCreateParams.builder()
                .model("gpt-4o-mini-tts")
                .input("Raw please")
                .voice("Puck")
                .responseFormat(SpeechCreateParams.ResponseFormat.PCM)
                .build())) {
            assertThat(response.headers().values("Content-Type")).anySatisfy(t -> assertThat(t).startsWith("audio/pcm"));
            assertThat(response.body().readAllBytes()).isEqualTo(PCM);
        }
        JsonNode sent = lastBody(TTS_MODEL);
        assertThat(sent.at("/generationConfig/speechConfig/voiceConfig/prebuiltVoiceConfig/voiceName").asText())
                .isEqualTo("Puck");
        assertThat(sent.at("/contents/0/parts/0/text").asText()).isEqualTo("Raw please");
    }

    @Test
    void mp3IsRefusedWithTheSupportedFormats() {
        assertThatThrownBy(() -> client.audio().speech().create(SpeechCreateParams.builder()
                .model(SpeechModel.TTS_1).input("x").voice("alloy")
                .responseFormat(SpeechCreateParams.ResponseFormat.MP3).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).contains("response_format");
                    assertThat(e.getMessage()).contains("wav, pcm");
                });
    }

    @Test
    void aSpeedOutsideOpenAisRangeIs400() {
        assertThatThrownBy(() -> client.audio().speech().create(SpeechCreateParams.builder()
                .model(SpeechModel.TTS_1).input("x").voice("alloy").speed(4.5).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).contains("speed");
                    assertThat(e.getMessage()).contains("0.25").contains("4.0");
                });
    }

    @Test
    void anUnknownVoiceIs400() {
        assertThatThrownBy(() -> client.audio().speech().create(SpeechCreateParams.builder()
                .model(SpeechModel.TTS_1).input("x").voice("nobody").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("voice"));
    }

    @Test
    void aRateLimitedKeyFailsOverToAnother() throws Exception {
        // two calls: whichever key the rotation starts with, the limited key is tried once and then rests
        for (int i = 0; i < 2; i++) {
            try (HttpResponse response = client.audio().speech().create(SpeechCreateParams.builder()
                    .model(FAILOVER_TTS_MODEL).input("Failover").voice("alloy").build())) {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body().readAllBytes()).hasSize(44 + PCM.length);
            }
        }
        List<String> keys = gemini.server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().contains(FAILOVER_TTS_MODEL))
                .map(e -> e.getRequest().getHeader(FakeGemini.API_KEY_HEADER)).toList();
        assertThat(keys).containsOnlyOnce(LIMITED_KEY);
        assertThat(keys.stream().filter(GOOD_KEY::equals)).hasSize(2);
    }

    @Test
    void aTranscriptionFailingOnOneKeyIsServedByAnotherAndAGeminiModelIsUsedAsGiven() {
        // two calls: whichever key the rotation starts with, one of them starts on the failing key
        for (int i = 0; i < 2; i++) {
            assertThat(client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                    .file(wavFile()).model(FAILOVER_STT_MODEL).build()).asTranscription().text()).isEqualTo(TRANSCRIPT);
        }
        List<String> keys = gemini.server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().contains(FAILOVER_STT_MODEL + ":")
                        || e.getRequest().getUrl().contains(FAILOVER_STT_MODEL + "%3A"))
                .map(e -> e.getRequest().getHeader(FakeGemini.API_KEY_HEADER)).toList();
        assertThat(keys).contains(LIMITED_KEY);
        assertThat(keys.stream().filter(GOOD_KEY::equals)).hasSize(2);
    }

    @Test
    void transcriptionAsJson() {
        TranscriptionCreateResponse answer = client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(MultipartField.<InputStream>builder().value(new java.io.ByteArrayInputStream(wavFile()))
                        .filename("hello.wav").contentType("audio/wav").build())
                .model(AudioModel.WHISPER_1)
                .language("en")
                .prompt("Gemini")
                .temperature(0.2)
                .build());

        Transcription t = answer.asTranscription();
        assertThat(t.text()).isEqualTo(TRANSCRIPT);
        JsonNode sent = lastBody(STT_MODEL);
        assertThat(sent.at("/contents/0/parts/1/inlineData/mimeType").asText()).isEqualTo("audio/wav");
        assertThat(Base64.getDecoder().decode(sent.at("/contents/0/parts/1/inlineData/data").asText()))
                .isEqualTo(wavFile());
        assertThat(sent.at("/contents/0/parts/0/text").asText()).startsWith("Transcribe").contains("code en")
                .contains("Gemini");
        assertThat(sent.at("/generationConfig/temperature").asDouble()).isEqualTo(0.2);
    }

    @Test
    void transcriptionOfBareBytesFindsTheTypeFromTheAudio() {
        Transcription t = client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(wavFile()).model("gpt-4o-transcribe").build()).asTranscription();

        assertThat(t.text()).isEqualTo(TRANSCRIPT);
        assertThat(lastBody(STT_MODEL).at("/contents/0/parts/1/inlineData/mimeType").asText()).isEqualTo("audio/wav");
    }

    @Test
    void transcriptionAsTextSrtAndVtt() throws Exception {
        assertThat(raw(AudioResponseFormat.TEXT)).isEqualTo(TRANSCRIPT);
        assertThat(raw(AudioResponseFormat.SRT)).isEqualTo("""
                1
                00:00:00,000 --> 00:00:01,500
                Hello from

                2
                00:00:01,500 --> 00:00:03,250
                the fake Gemini.

                """);
        assertThat(raw(AudioResponseFormat.VTT)).isEqualTo("""
                WEBVTT

                00:00:00.000 --> 00:00:01.500
                Hello from

                00:00:01.500 --> 00:00:03.250
                the fake Gemini.

                """);
        assertThat(lastBody(STT_MODEL).at("/generationConfig/responseMimeType").asText()).isEqualTo("application/json");
    }

    @Test
    void transcriptionAsVerboseJson() {
        TranscriptionVerbose v = client.audio().transcriptions().create(params(AudioResponseFormat.VERBOSE_JSON))
                .asVerbose();

        assertThat(v.text()).isEqualTo("Hello from the fake Gemini.");
        assertThat(v.language()).isEqualTo("english");
        assertThat(v.duration()).isEqualTo(3.25);
        assertThat(v.segments().orElseThrow()).hasSize(2);
        assertThat(v.segments().orElseThrow().get(1).start()).isEqualTo(1.5);
        assertThat(v.segments().orElseThrow().get(1).text()).isEqualTo("the fake Gemini.");
    }

    @Test
    void translationAsksForEnglish() {
        TranslationCreateResponse answer = client.audio().translations().create(TranslationCreateParams.builder()
                .file(MultipartField.<InputStream>builder().value(new java.io.ByteArrayInputStream(wavFile()))
                        .filename("hallo.wav").contentType("audio/wav").build())
                .model(AudioModel.WHISPER_1)
                .build());

        assertThat(answer.asTranslation().text()).isEqualTo(TRANSCRIPT);
        assertThat(lastBody(STT_MODEL).at("/contents/0/parts/0/text").asText()).startsWith("Translate")
                .contains("into English");
    }

    @Test
    void translationAsVerboseJsonAndSrt() throws Exception {
        TranslationCreateResponse answer = client.audio().translations().create(TranslationCreateParams.builder()
                .file(wavFile()).model(AudioModel.WHISPER_1)
                .responseFormat(TranslationCreateParams.ResponseFormat.VERBOSE_JSON).build());
        assertThat(answer.asVerbose().language()).isEqualTo("english");
        assertThat(answer.asVerbose().text()).isEqualTo("Hello from the fake Gemini.");

        try (HttpResponse r = client.audio().translations().withRawResponse().create(TranslationCreateParams.builder()
                .file(wavFile()).model(AudioModel.WHISPER_1)
                .responseFormat(TranslationCreateParams.ResponseFormat.SRT).build())) {
            assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).startsWith("1\n00:00:00,000 --> ");
        }
    }

    @Test
    void aFileOverMaxMediaBytesIs413() {
        byte[] big = new byte[(int) MAX_FILE + 1];
        System.arraycopy(wavFile(), 0, big, 0, 44);
        assertThatThrownBy(() -> client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(big).model(AudioModel.WHISPER_1).build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(413);
                    assertThat(e.param()).contains("file");
                    assertThat(e.getMessage()).contains("MAX_MEDIA_BYTES");
                });
    }

    @Test
    void aFileThatIsNotAudioIs400ListingTheSupportedTypes() {
        assertThatThrownBy(() -> client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(MultipartField.<InputStream>builder().value(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}))
                        .filename("notes.txt").contentType("text/plain").build())
                .model(AudioModel.WHISPER_1).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).contains("file");
                    assertThat(e.getMessage()).contains("audio/wav").contains("audio/mp3").contains("audio/flac");
                });
    }

    @Test
    void anUnsupportedResponseFormatIs400() {
        assertThatThrownBy(() -> client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(wavFile()).model(AudioModel.WHISPER_1).responseFormat(AudioResponseFormat.DIARIZED_JSON).build()))
                .isInstanceOfSatisfying(BadRequestException.class,
                        e -> assertThat(e.param()).contains("response_format"));
    }

    @Test
    void theHfAliasServesTheSameRoutes() throws Exception {
        OpenAIClient hf = client.withOptions(o -> o.baseUrl(server.url() + "/hf/v1"));
        try (HttpResponse response = hf.audio().speech().create(SpeechCreateParams.builder()
                .model(SpeechModel.TTS_1).input("hf").voice("alloy").build())) {
            assertThat(response.body().readAllBytes()).hasSize(44 + PCM.length);
        }
        assertThat(hf.audio().transcriptions().create(params(AudioResponseFormat.JSON)).asTranscription().text())
                .isEqualTo(TRANSCRIPT);
    }

    @Test
    void modelAliasesApplyToSpeechTranscriptionsAndTranslations() throws Exception {
        try (HttpResponse response = client.audio().speech().create(SpeechCreateParams.builder()
                .model(SpeechModel.TTS_1_HD).input("Aliased").voice("alloy").build())) {
            assertThat(response.body().readAllBytes()).hasSize(44 + PCM.length);
        }
        assertThat(gemini.requestBodies(ALIAS_TTS_MODEL, "generateContent")).hasSize(1)
                .allSatisfy(b -> assertThat(b.at("/contents/0/parts/0/text").asText()).isEqualTo("Aliased"));

        assertThat(client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(wavFile()).model("my-ears").build()).asTranscription().text()).isEqualTo("heard by the alias");
        assertThat(client.audio().translations().create(TranslationCreateParams.builder()
                .file(wavFile()).model("my-ears").build()).asTranslation().text()).isEqualTo("heard by the alias");
        assertThat(gemini.requestBodies(ALIAS_STT_MODEL, "generateContent")).hasSize(2);
    }

    @Test
    void aFilteredModelIsRefusedOnEveryAudioRouteWithoutCallingGemini() {
        long usedBefore = requestsToday();
        // asked for by name, and reached through an alias
        for (String model : List.of(FILTERED_TTS_MODEL, "hidden-voice")) {
            assertThatThrownBy(() -> client.audio().speech().create(SpeechCreateParams.builder()
                    .model(model).input("x").voice("alloy").build()))
                    .as(model).isInstanceOfSatisfying(NotFoundException.class, e -> {
                        assertThat(e.code()).hasValue("model_not_found");
                        assertThat(e.param()).hasValue("model");
                        assertThat(e.getMessage()).contains("'" + FILTERED_TTS_MODEL + "'").contains("FILTERED_MODELS");
                    });
        }
        for (String model : List.of(FILTERED_STT_MODEL, "hidden-ears")) {
            assertThatThrownBy(() -> client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                    .file(wavFile()).model(model).build()))
                    .as(model).isInstanceOfSatisfying(NotFoundException.class,
                            e -> assertThat(e.code()).hasValue("model_not_found"));
            assertThatThrownBy(() -> client.audio().translations().create(TranslationCreateParams.builder()
                    .file(wavFile()).model(model).build()))
                    .as(model).isInstanceOfSatisfying(NotFoundException.class,
                            e -> assertThat(e.code()).hasValue("model_not_found"));
        }
        assertThat(gemini.requestBodies(FILTERED_TTS_MODEL, "generateContent")).isEmpty();
        assertThat(gemini.requestBodies(FILTERED_STT_MODEL, "generateContent")).isEmpty();
        assertThat(requestsToday()).as("no key is leased for a refused model").isEqualTo(usedBefore);
    }

    private static long requestsToday() {
        return server.context().getBean(io.github.geminibalance.GeminiBalance.class).keyStatus().stream()
                .mapToLong(io.github.geminibalance.KeyStatus::requestsToday).sum();
    }

    private static String raw(AudioResponseFormat format) throws Exception {
        try (HttpResponseFor<TranscriptionCreateResponse> r =
                client.audio().transcriptions().withRawResponse().create(params(format))) {
            assertThat(r.statusCode()).isEqualTo(200);
            return new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static TranscriptionCreateParams params(AudioResponseFormat format) {
        return TranscriptionCreateParams.builder()
                .file(MultipartField.<InputStream>builder().value(new java.io.ByteArrayInputStream(wavFile()))
                        .filename("hello.wav").contentType("audio/wav").build())
                .model(AudioModel.WHISPER_1)
                .responseFormat(format)
                .build();
    }

    private static JsonNode lastBody(String model) {
        List<JsonNode> bodies = gemini.requestBodies(model, "generateContent");
        return bodies.get(bodies.size() - 1);
    }

    private static byte[] pcm(int samples) {
        ByteBuffer b = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (Math.sin(i / 10.0) * 8000));
        }
        return b.array();
    }

    private static byte[] wavFile() {
        byte[] samples = pcm(800);
        ByteBuffer b = ByteBuffer.allocate(44 + samples.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples.length)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(16_000).putInt(32_000).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples.length).put(samples);
        return b.array();
    }

    private static String audioResponse(byte[] pcm) {
        return json(Map.of(
                "candidates", List.of(Map.of(
                        "content", Map.of("role", "model", "parts", List.of(Map.of("inlineData", Map.of(
                                "mimeType", "audio/L16;codec=pcm;rate=24000",
                                "data", Base64.getEncoder().encodeToString(pcm))))),
                        "finishReason", "STOP", "index", 0)),
                "usageMetadata", Map.of("promptTokenCount", 9, "candidatesTokenCount", 20, "totalTokenCount", 29),
                "modelVersion", TTS_MODEL));
    }

    private static String textResponse(String text) {
        return json(Map.of(
                "candidates", List.of(Map.of(
                        "content", Map.of("role", "model", "parts", List.of(Map.of("text", text))),
                        "finishReason", "STOP", "index", 0)),
                "usageMetadata", Map.of("promptTokenCount", 120, "candidatesTokenCount", 12, "totalTokenCount", 132),
                "modelVersion", STT_MODEL));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
