package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One part of array-form message content. {@code type} selects which member is set:
 * {@code text}, {@code image_url}, {@code input_audio}, {@code file} or {@code refusal}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ContentPart(
        String type, String text, ImageUrl imageUrl, InputAudio inputAudio, FilePart file, String refusal) {

    /** A text part. */
    public static ContentPart text(String text) {
        return new ContentPart("text", text, null, null, null, null);
    }

    /** An image part from an {@code http(s)} or {@code data:} URL. */
    public static ContentPart imageUrl(String url) {
        return new ContentPart("image_url", null, new ImageUrl(url, null), null, null, null);
    }

    /** {@code image_url}: an http(s) or {@code data:} URL and an optional detail hint. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ImageUrl(String url, String detail) {}

    /** {@code input_audio}: base64 audio and its format ({@code wav}, {@code mp3}, ...). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InputAudio(String data, String format) {}

    /** {@code file}: inline file data as a data URL or base64, with an optional name or a file id. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FilePart(String fileData, String filename, String fileId) {}
}
