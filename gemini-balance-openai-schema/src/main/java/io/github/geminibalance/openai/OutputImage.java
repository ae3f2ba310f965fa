package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * An image the model generated, in a chat answer's {@code images} list (the message's, or a stream
 * delta's), shaped as OpenRouter does: {@code {"type":"image_url","image_url":{"url":"data:image/png;base64,..."}}}.
 *
 * @param type always {@code image_url}
 * @param imageUrl the image's URL (a data URL, or where the server serves it)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OutputImage(String type, ContentPart.ImageUrl imageUrl) {

    /**
     * An image at a URL.
     *
     * @param url a data URL or an http(s) URL
     * @return the image
     */
    public static OutputImage of(String url) {
        return new OutputImage("image_url", new ContentPart.ImageUrl(url, null));
    }
}
