package io.github.geminibalance;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;

/**
 * What the pool needs to know of a request to Google's OpenAI-compatible layer, read from its body without
 * changing it: the model (for the per-model key rests and the records) and whether a stream is asked for.
 *
 * @param model the body's {@code model} without a {@code models/} prefix, or null when there is none
 * @param stream whether the body asks for {@code "stream": true}
 */
record OpenAiLayerRequest(String model, boolean stream) {

    /** Reads the body; a body that is not a JSON object names no model (Google answers it with its own 400). */
    static OpenAiLayerRequest of(byte[] body) {
        if (body == null || body.length == 0) {
            return new OpenAiLayerRequest(null, false);
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (java.io.IOException | RuntimeException e) {
            return new OpenAiLayerRequest(null, false);
        }
        if (root == null || !root.isObject()) {
            return new OpenAiLayerRequest(null, false);
        }
        JsonNode model = root.get("model");
        String name = model != null && model.isTextual() && !model.asText().isBlank() ? model.asText().strip() : null;
        if (name != null && name.startsWith("models/")) {
            name = name.substring("models/".length());
        }
        JsonNode stream = root.get("stream");
        return new OpenAiLayerRequest(name, stream != null && stream.isBoolean() && stream.asBoolean());
    }
}
