package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** A non-streamed chat answer ({@code object: "chat.completion"}). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChatCompletion(
        String id, String object, long created, String model, List<Choice> choices, Usage usage) {

    /** The object type OpenAI uses for this record. */
    public static final String OBJECT = "chat.completion";

    /** One choice; {@code logprobs} and {@code finish_reason} are always written, null or not. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Choice(
            int index,
            ResponseMessage message,
            @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode logprobs,
            @JsonInclude(JsonInclude.Include.ALWAYS) String finishReason) {}
}
