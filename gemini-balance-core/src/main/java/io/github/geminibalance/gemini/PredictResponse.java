package io.github.geminibalance.gemini;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer of an Imagen {@code models/{model}:predict}: one prediction per image. A prediction that
 * the safety filter removed carries {@code raiFilteredReason} and no bytes.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PredictResponse(List<Prediction> predictions) {

    /** The predictions, never null. */
    public List<Prediction> predictionsOrEmpty() {
        return predictions == null ? List.of() : predictions;
    }

    /** One generated image (base64) with its MIME type, or why it was filtered. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Prediction(String bytesBase64Encoded, String mimeType, String raiFilteredReason) {}
}
