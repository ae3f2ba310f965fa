/**
 * The OpenAI wire types (chat completions, the Responses API, embeddings, models, errors) as Jackson-bound records.
 */
module io.github.geminibalance.openai {
    requires transitive com.fasterxml.jackson.databind;

    exports io.github.geminibalance.openai;
    exports io.github.geminibalance.openai.responses;
    // Jackson reads package-private members (the content union's @JsonValue, its deserializer)
    opens io.github.geminibalance.openai to com.fasterxml.jackson.databind;
    opens io.github.geminibalance.openai.responses to com.fasterxml.jackson.databind;
}
