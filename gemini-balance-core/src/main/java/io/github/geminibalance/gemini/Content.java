package io.github.geminibalance.gemini;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A turn: {@code role} is {@code user} or {@code model}; parts may be absent on some response events.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Content(String role, List<Part> parts) {

    /** The user role. */
    public static final String USER = "user";
    /** The model role. */
    public static final String MODEL = "model";

    /** The parts, never null. */
    public List<Part> partsOrEmpty() {
        return parts == null ? List.of() : parts;
    }
}
