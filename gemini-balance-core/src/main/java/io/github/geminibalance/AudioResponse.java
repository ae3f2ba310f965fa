package io.github.geminibalance;

import java.util.Objects;

/**
 * The answer of a speech or transcription call: the bytes to send the client, and their content type.
 *
 * @param contentType {@code audio/wav}, {@code audio/pcm}, {@code application/json} or {@code text/plain;
 *     charset=utf-8}
 * @param body the audio, or the transcript in the requested format
 */
public record AudioResponse(String contentType, byte[] body) {

    /** Requires both. */
    public AudioResponse {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    /** Describes the answer by its type and size. */
    @Override
    public String toString() {
        return "AudioResponse[contentType=" + contentType + ", body=" + body.length + " bytes]";
    }
}
