package io.github.geminibalance.gemini;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** {@code :batchEmbedContents}: at most 100 requests, each naming the same model as the URL. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchEmbedContentsRequest(List<EmbedContentRequest> requests) {

    /** Gemini's limit on requests per batch call. */
    public static final int MAX_BATCH = 100;
}
