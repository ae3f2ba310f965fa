package io.github.geminibalance.openai;

import java.util.Objects;

/**
 * A {@code POST /v1/audio/transcriptions} or {@code /v1/audio/translations} request: the fields of its
 * multipart form, with the uploaded audio.
 *
 * @param file the audio bytes (the form's {@code file} part)
 * @param fileName the file name the client gave, or null
 * @param mimeType the audio's MIME type ({@code audio/mpeg}...), from the part's {@code Content-Type} or
 *     the file name's extension; null when neither says
 * @param model {@code whisper-1}, {@code gpt-4o-transcribe}... (all mean the configured transcription
 *     model) or a Gemini model; null for the configured one
 * @param prompt text to guide the transcription (names, spelling, the previous segment), or null
 * @param language the spoken language as ISO-639-1 ({@code en}, {@code de}), or null to detect it
 * @param responseFormat {@code json} (default), {@code text}, {@code srt}, {@code vtt} or {@code verbose_json}
 * @param temperature from 0 to 1 (sent to Gemini as its temperature), or null
 */
public record TranscriptionRequest(
        byte[] file,
        String fileName,
        String mimeType,
        String model,
        String prompt,
        String language,
        String responseFormat,
        Double temperature) {

    /** Requires the file. */
    public TranscriptionRequest {
        Objects.requireNonNull(file, "file");
    }

    /**
     * Describes the request without its audio bytes, which are only counted.
     */
    @Override
    public String toString() {
        return "TranscriptionRequest[file=" + file.length + " bytes, fileName=" + fileName + ", mimeType=" + mimeType
                + ", model=" + model + ", language=" + language + ", responseFormat=" + responseFormat + "]";
    }
}
