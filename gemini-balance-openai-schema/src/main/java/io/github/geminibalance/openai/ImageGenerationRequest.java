package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A {@code POST /v1/images/generations} request. {@code quality}, {@code style}, {@code background},
 * {@code moderation}, {@code output_format} and {@code user} are accepted and ignored (Gemini has no
 * counterpart).
 *
 * @param prompt what to draw (required)
 * @param model an Imagen model ({@code imagen-*}) or a Gemini image model ({@code gemini-*-image*});
 *     null for the default
 * @param n how many images (default 1)
 * @param size {@code WIDTHxHEIGHT}, mapped to the nearest aspect ratio Gemini supports, or {@code auto}
 * @param responseFormat {@code b64_json} (default) or {@code url}
 * @param aspectRatio a Gemini aspect ratio such as {@code 16:9}; wins over {@code size}
 * @param imageSize a Gemini image size such as {@code 1K} or {@code 2K}
 * @param quality ignored
 * @param style ignored
 * @param user ignored
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ImageGenerationRequest(
        String prompt,
        String model,
        Integer n,
        String size,
        String responseFormat,
        String aspectRatio,
        String imageSize,
        String quality,
        String style,
        String user) {

    /**
     * A request with only the prompt, the model and the count set.
     *
     * @param prompt what to draw
     * @param model the model, or null for the default
     * @param n how many images, or null for one
     * @return the request
     */
    public static ImageGenerationRequest of(String prompt, String model, Integer n) {
        return new ImageGenerationRequest(prompt, model, n, null, null, null, null, null, null, null);
    }
}
