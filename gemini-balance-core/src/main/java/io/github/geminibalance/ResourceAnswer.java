package io.github.geminibalance;

import java.util.Map;
import java.util.Objects;

/**
 * Gemini's answer to a Files API call made through the pool ({@link GeminiFiles#start} and the
 * other file methods): small JSON (file metadata), read whole.
 *
 * @param status the HTTP status
 * @param contentType the content type
 * @param headers the upload protocol's headers to pass on ({@code x-goog-upload-*}, lower-case names); never
 *     Gemini's upload URL, which names Gemini's session: the adapter sends its own, for {@code uploadSession}
 * @param body the body
 * @param uploadSession the id of the resumable upload session opened, or {@code null}: an unguessable token
 *     the adapter puts in the upload URL it returns
 */
public record ResourceAnswer(int status, String contentType, Map<String, String> headers, byte[] body,
        String uploadSession) {

    /** Copies the headers. */
    public ResourceAnswer {
        Objects.requireNonNull(contentType, "contentType");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }
}
