package io.github.geminibalance;

import java.util.List;
import java.util.Objects;

/**
 * A {@code POST /v1/images/edits} request as the HTTP adapter read it from its multipart form: the input
 * images and the instruction, for {@link GeminiBalance#imageEdits}.
 *
 * @param prompt the instruction (required)
 * @param model a Gemini image model, or null for {@link GeminiBalance#DEFAULT_EDIT_MODEL}
 * @param n how many images, or null for one
 * @param size {@code WIDTHxHEIGHT} or {@code auto}, or null
 * @param responseFormat {@code b64_json} (default) or {@code url}, or null
 * @param aspectRatio a Gemini aspect ratio such as {@code 16:9}, or null
 * @param images the input images, at least one
 */
public record ImageEditRequest(String prompt, String model, Integer n, String size, String responseFormat,
        String aspectRatio, List<InputImage> images) {

    /** Freezes the images. */
    public ImageEditRequest {
        images = List.copyOf(Objects.requireNonNull(images, "images"));
    }

    /**
     * One input image.
     *
     * @param mimeType its MIME type, such as {@code image/png}
     * @param bytes its bytes
     */
    public record InputImage(String mimeType, byte[] bytes) {

        /** Checks the components. */
        public InputImage {
            Objects.requireNonNull(mimeType, "mimeType");
            Objects.requireNonNull(bytes, "bytes");
        }
    }
}
