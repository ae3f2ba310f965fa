package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.AudioResponse;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.config.AudioSettings;
import io.github.geminibalance.gemini.Candidate;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.gemini.Part;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.TranscriptionRequest;
import io.github.geminibalance.upstream.SoftFailureException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/audio/transcriptions} and {@code /v1/audio/translations} to a Gemini model and back. The
 * audio goes to {@code generateContent} as inline data with an instruction to transcribe it (or to
 * translate it into English). For {@code srt}, {@code vtt} and {@code verbose_json} Gemini is asked for
 * timed segments as JSON (a {@code responseSchema}), which {@link TranscriptRenderer} renders.
 */
public final class TranscriptionTranslator {

    /** The formats served; the first is the default. */
    public static final List<String> FORMATS = List.of("json", "text", "srt", "vtt", "verbose_json");

    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?");
    private static final int MAX_PROMPT_CHARS = 10_000;

    private TranscriptionTranslator() {}

    /**
     * A checked transcription request, ready to send.
     *
     * @param model the Gemini model
     * @param body the {@code generateContent} body
     * @param format one of {@link #FORMATS}
     * @param translate whether the speech is translated into English
     */
    public record Plan(String model, byte[] body, String format, boolean translate) {}

    /**
     * Checks a request and builds its Gemini body.
     *
     * @param maxFileBytes the largest file accepted ({@code MAX_MEDIA_BYTES}); larger is a 413
     * @throws InvalidRequestException naming the field at fault
     */
    public static Plan plan(TranscriptionRequest request, AudioSettings settings, long maxFileBytes, boolean translate) {
        return plan(request, settings, maxFileBytes, translate, java.util.Map.of());
    }

    /**
     * Checks a request and builds its Gemini body, its model first replaced as {@code MODEL_ALIASES} says
     * ({@link ModelAliases}).
     *
     * @param maxFileBytes the largest file accepted ({@code MAX_MEDIA_BYTES}); larger is a 413
     * @param aliases client model name to Gemini model
     * @throws InvalidRequestException naming the field at fault
     */
    public static Plan plan(TranscriptionRequest request, AudioSettings settings, long maxFileBytes, boolean translate,
            java.util.Map<String, String> aliases) {
        if (request == null) {
            throw new InvalidRequestException("file", "file is required: the audio to transcribe.");
        }
        if (request.file().length == 0) {
            throw new InvalidRequestException("file", "file is empty: send the audio to transcribe.");
        }
        if (request.file().length > maxFileBytes) {
            throw tooLarge(maxFileBytes);
        }
        String mime = AudioMimes.of(request.mimeType(), request.fileName(), request.file());
        String model = model(ModelAliases.resolve(aliases, request.model()), settings);
        String format = request.responseFormat() == null || request.responseFormat().isBlank() ? FORMATS.get(0)
                : request.responseFormat().strip().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new InvalidRequestException(400, "response_format", "unsupported_response_format",
                    "response_format must be one of " + String.join(", ", FORMATS) + ".");
        }
        Double temperature = request.temperature();
        if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
            throw new InvalidRequestException(400, "temperature", "invalid_value", "temperature must be from 0 to 2.");
        }
        String language = request.language() == null || request.language().isBlank() ? null : request.language().strip();
        if (language != null && (translate || !LANGUAGE.matcher(language).matches())) {
            throw new InvalidRequestException(400, "language", "invalid_value", translate
                    ? "language is not accepted on translations: the speech is always translated into English."
                    : "language must be an ISO-639-1 code such as en or de.");
        }
        String prompt = request.prompt() == null || request.prompt().isBlank() ? null : request.prompt().strip();
        if (prompt != null && prompt.length() > MAX_PROMPT_CHARS) {
            throw new InvalidRequestException(400, "prompt", "invalid_value",
                    "prompt is longer than " + MAX_PROMPT_CHARS + " characters.");
        }
        boolean timed = TranscriptRenderer.timed(format);
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode content = root.putArray("contents").addObject();
        content.put("role", "user");
        ArrayNode parts = content.putArray("parts");
        parts.addObject().put("text", instruction(translate, language, prompt, timed));
        parts.addObject().putObject("inlineData").put("mimeType", mime)
                .put("data", Base64.getEncoder().encodeToString(request.file()));
        ObjectNode config = root.putObject("generationConfig");
        if (temperature != null) {
            config.put("temperature", temperature);
        }
        if (timed) {
            config.put("responseMimeType", "application/json");
            config.set("responseSchema", segmentSchema());
        }
        return new Plan(model, Json.bytes(root), format, translate);
    }

    /** The 413 of a file over {@code MAX_MEDIA_BYTES}. */
    public static InvalidRequestException tooLarge(long maxFileBytes) {
        return new InvalidRequestException(413, "file", "file_too_large", "The file is larger than " + maxFileBytes
                + " bytes, the limit per audio file (MAX_MEDIA_BYTES).");
    }

    private static String model(String requested, AudioSettings settings) {
        if (requested == null || requested.isBlank() || requested.startsWith("whisper")
                || (requested.startsWith("gpt-") && requested.contains("transcribe"))) {
            return settings.transcriptionModel();
        }
        String model = requested.startsWith("models/") ? requested.substring("models/".length()) : requested;
        if (!AudioSettings.isModelName(model) || !model.startsWith("gemini")) {
            throw new InvalidRequestException(400, "model", "model_not_found", "model must be whisper-1, "
                    + "gpt-4o-transcribe, gpt-4o-mini-transcribe (all heard by " + settings.transcriptionModel()
                    + ") or a Gemini model.");
        }
        return model;
    }

    private static String instruction(boolean translate, String language, String prompt, boolean timed) {
        StringBuilder sb = new StringBuilder(translate
                ? "Translate the speech in this audio into English."
                : "Transcribe the speech in this audio verbatim, in the language it is spoken in.");
        if (language != null) {
            sb.append(" The speech is in the language with ISO-639-1 code ").append(language).append('.');
        }
        if (timed) {
            sb.append(" Split the ").append(translate ? "translation" : "transcript").append(" into segments of a "
                    + "sentence or two, each with its start and end time in seconds from the start of the audio, and "
                    + "give the spoken language's English name in lower case (such as english or german).");
        } else {
            sb.append(" Answer with the ").append(translate ? "translation" : "transcript")
                    .append(" only: no introduction, labels, timestamps or comments.");
        }
        sb.append(" If there is no speech, answer with an empty ").append(timed ? "list of segments." : "text.");
        if (prompt != null) {
            sb.append("\n\nContext from the user (names, spelling, the text before this audio), not to be ")
                    .append(translate ? "translated" : "transcribed").append(":\n").append(prompt);
        }
        return sb.toString();
    }

    private static ObjectNode segmentSchema() {
        ObjectNode schema = Json.mapper().createObjectNode();
        schema.put("type", "OBJECT");
        ObjectNode props = schema.putObject("properties");
        props.putObject("language").put("type", "STRING");
        ObjectNode segments = props.putObject("segments");
        segments.put("type", "ARRAY");
        ObjectNode item = segments.putObject("items");
        item.put("type", "OBJECT");
        ObjectNode itemProps = item.putObject("properties");
        itemProps.putObject("start").put("type", "NUMBER");
        itemProps.putObject("end").put("type", "NUMBER");
        itemProps.putObject("text").put("type", "STRING");
        item.putArray("required").add("start").add("end").add("text");
        schema.putArray("required").add("segments");
        return schema;
    }

    /**
     * The transcript in Gemini's answer, rendered in the plan's format.
     *
     * @throws SoftFailureException when the answer is empty or its segments are not the JSON asked for
     * @throws InvalidRequestException when Gemini blocked the audio
     */
    public static AudioResponse answer(GenerateContentResponse response, Plan plan) {
        if (response.promptFeedback() != null && response.promptFeedback().blockReason() != null) {
            throw new InvalidRequestException(400, "file", "content_filter",
                    "Gemini refused to transcribe this audio (" + response.promptFeedback().blockReason() + ").");
        }
        if (response.candidatesOrEmpty().isEmpty()) {
            throw new SoftFailureException("EMPTY_RESPONSE", "Gemini answered with no candidates");
        }
        StringBuilder text = new StringBuilder();
        for (Part p : response.candidates().get(0).parts()) {
            if (p.text() != null && !p.thoughtSummary()) {
                text.append(p.text());
            }
        }
        Candidate first = response.candidates().get(0);
        if (text.length() == 0 && first.finishReason() == null) {
            throw new SoftFailureException("EMPTY_RESPONSE", "Gemini answered with an empty candidate");
        }
        RequestTrace.Tokens tokens = SpeechTranslator.tokens(response);
        if (!TranscriptRenderer.timed(plan.format())) {
            return TranscriptRenderer.plain(text.toString().strip(), plan.format(), tokens);
        }
        return TranscriptRenderer.timed(segments(text.toString()), plan.format(), plan.translate());
    }

    private static TranscriptRenderer.Transcript segments(String json) {
        JsonNode root;
        try {
            root = json.isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new SoftFailureException("MALFORMED_TRANSCRIPT", "Gemini's timed transcript is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new SoftFailureException("MALFORMED_TRANSCRIPT", "Gemini's timed transcript is not a JSON object");
        }
        List<TranscriptRenderer.Segment> segments = new ArrayList<>();
        double last = 0;
        for (JsonNode s : root.path("segments")) {
            String text = s.path("text").asText("").strip();
            double start = Math.max(last, Math.max(0, s.path("start").asDouble(last)));
            double end = Math.max(start, s.path("end").asDouble(start));
            if (!text.isEmpty()) {
                segments.add(new TranscriptRenderer.Segment(start, end, text));
                last = start;
            }
        }
        String language = root.path("language").asText("").strip().toLowerCase(Locale.ROOT);
        return new TranscriptRenderer.Transcript(language, segments);
    }
}
