package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Objects;

/**
 * A {@code POST /v1/embeddings} request. {@code input} is a string, a list of strings, or token arrays
 * (which Gemini cannot embed); it stays a {@link JsonNode} so the core can say precisely what is wrong.
 *
 * <p>In code: {@code EmbeddingRequest.builder().model("gemini-embedding-001").input("some text").build()}.
 *
 * @param model the embedding model
 * @param input a string, a list of strings, or token arrays
 * @param encodingFormat {@code float} (default) or {@code base64}; the OpenAI SDKs ask for base64
 * @param dimensions the number of dimensions to truncate the vectors to
 * @param user an end-user id
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EmbeddingRequest(
        String model, JsonNode input, String encodingFormat, Integer dimensions, String user) {

    /**
     * A builder with nothing set.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding every value of this request.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.input = input == null ? null : input.deepCopy();
        b.encodingFormat = encodingFormat;
        b.dimensions = dimensions;
        b.user = user;
        return b;
    }

    /** Builds an {@link EmbeddingRequest}; mutable, not thread-safe. */
    public static final class Builder {
        private String model;
        private JsonNode input;
        private String encodingFormat;
        private Integer dimensions;
        private String user;

        private Builder() {}

        /**
         * The embedding model, such as {@code gemini-embedding-001}.
         *
         * @param model the model id
         * @return this builder
         */
        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * One text to embed.
         *
         * @param text the text
         * @return this builder
         */
        public Builder input(String text) {
            this.input = JsonNodeFactory.instance.textNode(Objects.requireNonNull(text, "text"));
            return this;
        }

        /**
         * Several texts to embed; the answer keeps their order.
         *
         * @param texts the texts
         * @return this builder
         */
        public Builder input(List<String> texts) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            for (String text : Objects.requireNonNull(texts, "texts")) {
                array.add(Objects.requireNonNull(text, "texts entry"));
            }
            this.input = array;
            return this;
        }

        /**
         * {@code float} (the default) or {@code base64}.
         *
         * @param encodingFormat the format, or null for float
         * @return this builder
         */
        public Builder encodingFormat(String encodingFormat) {
            this.encodingFormat = encodingFormat;
            return this;
        }

        /**
         * Truncates the vectors to this many dimensions.
         *
         * @param dimensions the dimensions, or null for the model's
         * @return this builder
         */
        public Builder dimensions(Integer dimensions) {
            this.dimensions = dimensions;
            return this;
        }

        /**
         * An end-user id.
         *
         * @param user the id, or null for none
         * @return this builder
         */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         * @throws IllegalStateException if no model or no input is set
         */
        public EmbeddingRequest build() {
            if (model == null) {
                throw new IllegalStateException("model is not set");
            }
            if (input == null) {
                throw new IllegalStateException("input is not set");
            }
            return new EmbeddingRequest(model, input, encodingFormat, dimensions, user);
        }
    }
}
