/**
 * The OpenAI wire types (chat completions, embeddings, models, errors) as Jackson-bound records.
 */
module io.github.geminibalance.openai {
    requires transitive com.fasterxml.jackson.databind;

    exports io.github.geminibalance.openai;
    // Jackson reads package-private members (the content union's @JsonValue, its deserializer)
    opens io.github.geminibalance.openai to com.fasterxml.jackson.databind;
}
