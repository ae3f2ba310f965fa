package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Locale;

/**
 * The answer of {@code /v1/images/generations} and {@code /v1/images/edits}: one {@link Image} per
 * generated image, and the images' file type as OpenAI's gpt-image models say it.
 *
 * @param created seconds since the epoch
 * @param data the images
 * @param outputFormat {@code png}, {@code jpeg} or {@code webp} when every image is of that type, else null
 *     (left out)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ImagesResponse(long created, List<Image> data, String outputFormat) {

    /**
     * An answer whose {@code output_format} is read from its images' types.
     *
     * @param created seconds since the epoch
     * @param data the images
     * @return the answer
     */
    public static ImagesResponse of(long created, List<Image> data) {
        return new ImagesResponse(created, data, outputFormat(data));
    }

    /**
     * OpenAI's {@code output_format} for images: the one format they all share, or null when they differ
     * or one has a type OpenAI does not name.
     *
     * @param images the images
     * @return {@code png}, {@code jpeg}, {@code webp} or null
     */
    public static String outputFormat(List<Image> images) {
        String shared = null;
        for (Image image : images) {
            String format = format(image.mimeType());
            if (format == null || (shared != null && !shared.equals(format))) {
                return null;
            }
            shared = format;
        }
        return shared;
    }

    private static String format(String mimeType) {
        if (mimeType == null) {
            return null;
        }
        return switch (mimeType.strip().toLowerCase(Locale.ROOT)) {
            case "image/png" -> "png";
            case "image/jpeg", "image/jpg" -> "jpeg";
            case "image/webp" -> "webp";
            default -> null;
        };
    }

    /**
     * One image: exactly one of {@code b64_json} and {@code url} is set.
     *
     * @param b64Json the image bytes in base64
     * @param url where the image can be fetched
     * @param revisedPrompt the prompt the model used, when it said
     * @param mimeType the image's MIME type ({@code image/png}); not sent (OpenAI has no such field: the
     *     answer's {@link ImagesResponse#outputFormat()} says it)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Image(String b64Json, String url, String revisedPrompt, @JsonIgnore String mimeType) {}
}
