/**
 * The Anthropic Messages API wire types (requests, messages, stream events, token counts, errors) as
 * Jackson-bound records.
 */
module io.github.geminibalance.anthropic {
    requires transitive com.fasterxml.jackson.databind;

    exports io.github.geminibalance.anthropic;
    // Jackson reads package-private members (the content union's @JsonValue, its deserializer)
    opens io.github.geminibalance.anthropic to com.fasterxml.jackson.databind;
}
