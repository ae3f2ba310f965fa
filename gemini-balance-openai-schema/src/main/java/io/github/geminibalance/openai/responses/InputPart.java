package io.github.geminibalance.openai.responses;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One part of an input message's content ({@code input_text}, {@code input_image}, {@code input_file};
 * an assistant message sent back may hold {@code output_text} and {@code refusal} parts).
 *
 * @param type the part type ({@link ItemTypes})
 * @param text the text of a text part
 * @param imageUrl an image's URL or {@code data:} URL
 * @param detail an image's detail level
 * @param fileId an uploaded file's id (not supported by this proxy)
 * @param fileData a file as a {@code data:} URL (or bare base64 with {@code filename})
 * @param fileUrl a file's URL
 * @param filename a file's name
 * @param refusal a refusal part's text
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InputPart(String type, String text, String imageUrl, String detail, String fileId, String fileData,
        String fileUrl, String filename, String refusal) {

    /** An {@code input_text} part. */
    public static InputPart text(String text) {
        return new InputPart(ItemTypes.INPUT_TEXT, text, null, null, null, null, null, null, null);
    }

    /** An {@code input_image} part. */
    public static InputPart image(String url) {
        return new InputPart(ItemTypes.INPUT_IMAGE, null, url, null, null, null, null, null, null);
    }
}
