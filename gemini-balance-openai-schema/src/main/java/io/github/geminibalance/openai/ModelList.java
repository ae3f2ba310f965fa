package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** The {@code GET /v1/models} answer: {@code {"object":"list","data":[...]}}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelList(String object, List<Model> data) {

    /** A list of models. */
    public static ModelList of(List<Model> models) {
        return new ModelList("list", List.copyOf(models));
    }
}
