package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The answer of {@code /v1/images/generations} and {@code /v1/images/edits}: one {@link Image} per
 * generated image.
 *
 * @param created seconds since the epoch
 * @param data the images
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImagesResponse(long created, List<Image> data) {

    /**
     * One image: exactly one of {@code b64_json} and {@code url} is set.
     *
     * @param b64Json the image bytes in base64
     * @param url where the image can be fetched
     * @param revisedPrompt the prompt the model used, when it said
     * @param mimeType the image's MIME type ({@code image/png}); not an OpenAI field, ignored by its clients
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Image(String b64Json, String url, String revisedPrompt, String mimeType) {}
}
