package io.github.geminibalance.gemini;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One page of {@code GET models}; {@code nextPageToken} is absent on the last page. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListModelsResponse(List<GeminiModel> models, String nextPageToken) {

    /** A model as Gemini describes it; {@code name} is {@code models/<id>}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GeminiModel(
            String name,
            String displayName,
            String description,
            Integer inputTokenLimit,
            Integer outputTokenLimit,
            List<String> supportedGenerationMethods,
            Boolean thinking) {

        /** The id without the {@code models/} prefix. */
        public String id() {
            return name != null && name.startsWith("models/") ? name.substring("models/".length()) : name;
        }

        /** Whether the model supports a method such as {@code generateContent}. */
        public boolean supports(String method) {
            return supportedGenerationMethods != null && supportedGenerationMethods.contains(method);
        }
    }
}
