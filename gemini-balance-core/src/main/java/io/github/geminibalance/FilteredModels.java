package io.github.geminibalance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.config.AnswerSettings;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.internal.StagePublisher;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * {@code FILTERED_MODELS}: a model in it is refused on every front door and left out of every model list.
 */
final class FilteredModels {

    private FilteredModels() {}

    /**
     * Refuses a request for a filtered model: a 404 {@code model_not_found} naming it (each door writes it
     * in its own error shape).
     *
     * @param settings the settings in effect
     * @param models the names to check (the client's, and the Gemini model it resolved to)
     * @throws InvalidRequestException when one of them is filtered
     */
    static void check(AnswerSettings settings, String... models) {
        for (String model : models) {
            if (settings.filtered(model)) {
                throw new InvalidRequestException(404, "model", "model_not_found", "The model '"
                        + io.github.geminibalance.util.LogText.truncate(model)
                        + "' is not offered by this proxy (FILTERED_MODELS).");
            }
        }
    }

    /**
     * A stage that reads Gemini's native model list whole and passes it on without the filtered models
     * (an answer that is not such a list passes unchanged).
     */
    static StagePublisher.Stage<ByteBuffer, ByteBuffer> nativeListStage(AnswerSettings settings) {
        return listStage(body -> filterNativeList(body, settings));
    }

    /**
     * A stage that reads the OpenAI-shaped model list of Google's OpenAI layer whole and passes it on without
     * the filtered models (an answer that is not such a list passes unchanged).
     */
    static StagePublisher.Stage<ByteBuffer, ByteBuffer> openAiListStage(AnswerSettings settings) {
        return listStage(body -> filterOpenAiList(body, settings));
    }

    // a model list is small: read whole, filtered, sent as one piece
    private static StagePublisher.Stage<ByteBuffer, ByteBuffer> listStage(UnaryOperator<byte[]> filter) {
        return new StagePublisher.Stage<>() {
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

            @Override
            public void onItem(ByteBuffer buffer, Consumer<ByteBuffer> out) {
                byte[] piece = new byte[buffer.remaining()];
                buffer.get(piece);
                bytes.writeBytes(piece);
            }

            @Override
            public void onComplete(Consumer<ByteBuffer> out) {
                out.accept(ByteBuffer.wrap(filter.apply(bytes.toByteArray())));
            }
        };
    }

    /** Gemini's {@code {"models":[{"name":"models/x",...}]}} without the filtered entries. */
    static byte[] filterNativeList(byte[] body, AnswerSettings settings) {
        return filterList(body, settings, "models", "name");
    }

    /**
     * The OpenAI layer's {@code {"object":"list","data":[{"id":"models/x",...}]}} without the filtered
     * entries (ids with or without {@code models/}).
     */
    static byte[] filterOpenAiList(byte[] body, AnswerSettings settings) {
        return filterList(body, settings, "data", "id");
    }

    private static byte[] filterList(byte[] body, AnswerSettings settings, String listField, String idField) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (java.io.IOException notJson) {
            return body;
        }
        if (root == null || !(root.get(listField) instanceof ArrayNode models)) {
            return body;
        }
        ArrayNode kept = models.arrayNode();
        for (JsonNode m : models) {
            if (!settings.filtered(m.path(idField).asText(null))) {
                kept.add(m);
            }
        }
        if (kept.size() == models.size()) {
            return body;
        }
        ((ObjectNode) root).set(listField, kept);
        return Json.bytes(root);
    }
}
