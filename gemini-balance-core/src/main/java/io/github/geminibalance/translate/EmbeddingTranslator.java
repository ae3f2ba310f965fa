package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.gemini.BatchEmbedContentsRequest;
import io.github.geminibalance.gemini.BatchEmbedContentsResponse;
import io.github.geminibalance.gemini.Content;
import io.github.geminibalance.gemini.EmbedContentRequest;
import io.github.geminibalance.gemini.Part;
import io.github.geminibalance.openai.EmbeddingRequest;
import io.github.geminibalance.openai.EmbeddingResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI embeddings to Gemini {@code batchEmbedContents} and back. Each input becomes its own request
 * (one vector per input; several parts in one Content would be fused into one vector), in batches of
 * at most {@value BatchEmbedContentsRequest#MAX_BATCH}. With {@code encoding_format: base64} each
 * vector is sent as little-endian float32 bytes in base64, which the OpenAI SDKs ask for by default.
 */
public final class EmbeddingTranslator {

    /** OpenAI's limit on inputs per request. */
    public static final int MAX_INPUTS = 2048;

    private EmbeddingTranslator() {}

    /** A validated embeddings request. */
    public record Plan(String model, List<String> inputs, boolean base64, Integer dimensions) {

        /** The Gemini batches, in order, each of at most 100 inputs. */
        public List<BatchEmbedContentsRequest> batches() {
            List<BatchEmbedContentsRequest> batches = new ArrayList<>();
            for (int from = 0; from < inputs.size(); from += BatchEmbedContentsRequest.MAX_BATCH) {
                int to = Math.min(inputs.size(), from + BatchEmbedContentsRequest.MAX_BATCH);
                List<EmbedContentRequest> requests = new ArrayList<>(to - from);
                for (String text : inputs.subList(from, to)) {
                    requests.add(new EmbedContentRequest("models/" + model,
                            new Content(null, List.of(Part.text(text))), null, null, dimensions));
                }
                batches.add(new BatchEmbedContentsRequest(requests));
            }
            return batches;
        }
    }

    /**
     * Validates a request.
     *
     * @throws InvalidRequestException naming the field at fault
     */
    public static Plan plan(EmbeddingRequest request) {
        if (request == null) {
            throw new InvalidRequestException(null, "the request body is empty");
        }
        String model = ModelNames.stripPrefix(request.model());
        if (model == null || model.isBlank()) {
            throw new InvalidRequestException("model", "model is required");
        }
        JsonNode input = request.input();
        List<String> inputs = new ArrayList<>();
        if (input == null || input.isNull()) {
            throw new InvalidRequestException("input", "input is required");
        } else if (input.isTextual()) {
            inputs.add(input.asText());
        } else if (input.isArray()) {
            if (input.isEmpty()) {
                throw new InvalidRequestException("input", "input must not be an empty list");
            }
            for (int i = 0; i < input.size(); i++) {
                JsonNode item = input.get(i);
                if (item.isNumber() || item.isArray()) {
                    throw new InvalidRequestException("input", "token-array input is not supported by Gemini embeddings;"
                            + " send the text instead");
                }
                if (!item.isTextual()) {
                    throw new InvalidRequestException("input[" + i + "]", "input[" + i + "] must be a string");
                }
                inputs.add(item.asText());
            }
        } else {
            throw new InvalidRequestException("input", "input must be a string or a list of strings");
        }
        if (inputs.size() > MAX_INPUTS) {
            throw new InvalidRequestException("input", "at most " + MAX_INPUTS + " inputs per request, got " + inputs.size());
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).isEmpty()) {
                throw new InvalidRequestException(inputs.size() == 1 && input.isTextual() ? "input" : "input[" + i + "]",
                        "input must not be an empty string");
            }
        }
        String format = request.encodingFormat();
        boolean base64;
        if (format == null || format.equals("float")) {
            base64 = false;
        } else if (format.equals("base64")) {
            base64 = true;
        } else {
            throw new InvalidRequestException("encoding_format", "encoding_format must be float or base64");
        }
        Integer dimensions = request.dimensions();
        if (dimensions != null && dimensions < 1) {
            throw new InvalidRequestException("dimensions", "dimensions must be a positive integer");
        }
        return new Plan(model, List.copyOf(inputs), base64, dimensions);
    }

    /** Builds the OpenAI answer from the batch answers, in order. */
    public static EmbeddingResponse response(Plan plan, String requestedModel,
            List<BatchEmbedContentsResponse> batches) {
        List<EmbeddingResponse.Embedding> data = new ArrayList<>(plan.inputs().size());
        int index = 0;
        for (BatchEmbedContentsResponse batch : batches) {
            if (batch.embeddings() == null) {
                continue;
            }
            for (BatchEmbedContentsResponse.ContentEmbedding e : batch.embeddings()) {
                float[] values = e.values() == null ? new float[0] : e.values();
                Object embedding = plan.base64() ? toBase64(values) : values;
                data.add(new EmbeddingResponse.Embedding("embedding", index++, embedding));
            }
        }
        if (data.size() != plan.inputs().size()) {
            throw new GeminiBalanceException(502, "server_error", "upstream_error", null, null,
                    "Gemini returned " + data.size() + " embeddings for " + plan.inputs().size() + " inputs", null);
        }
        return new EmbeddingResponse("list", data, requestedModel, new EmbeddingResponse.EmbeddingUsage(0, 0));
    }

    /** Little-endian float32 bytes, base64-encoded, as the OpenAI SDKs decode them. */
    public static String toBase64(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(buf.array());
    }
}
