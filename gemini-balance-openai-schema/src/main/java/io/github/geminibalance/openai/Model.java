package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** One entry of {@code GET /v1/models}. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Model(String id, String object, long created, String ownedBy) {

    /** A model owned by Google, as gemini-balance lists them. */
    public static Model google(String id) {
        return new Model(id, "model", 0L, "google");
    }
}
