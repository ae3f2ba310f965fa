/**
 * The gemini-balance core: OpenAI-shaped chat, streaming chat, embeddings and models, and Anthropic
 * Messages, over a rotating pool of Gemini API keys. Framework-free: the JDK, jackson-databind and slf4j-api.
 *
 * <p>Exported (the API): the facade and its values ({@code io.github.geminibalance}), the configuration
 * ({@code .config}), the extension points for key state stores and HTTP transports ({@code .spi}), the
 * store SPIs and their in-memory defaults ({@code .store}) and
 * the text utilities for adapters ({@code .util}). Everything else is implementation and may change in
 * any release: {@code .internal}, {@code .keys}, {@code .retry}, {@code .translate}, {@code .gemini} and
 * {@code .upstream} are not exported. On the class path the JVM does not enforce this; the build does
 * (the core's {@code ModuleBoundaryTest} scans the server and the examples).
 */
module io.github.geminibalance.core {
    requires transitive io.github.geminibalance.openai;
    requires transitive io.github.geminibalance.anthropic;
    requires transitive com.fasterxml.jackson.databind;
    requires transitive java.net.http;
    requires org.slf4j;

    exports io.github.geminibalance;
    exports io.github.geminibalance.config;
    exports io.github.geminibalance.spi;
    exports io.github.geminibalance.store;
    exports io.github.geminibalance.util;

    // Jackson binds the Gemini wire records and the translators' records by reflection.
    opens io.github.geminibalance.gemini to com.fasterxml.jackson.databind;
    opens io.github.geminibalance.translate to com.fasterxml.jackson.databind;
    opens io.github.geminibalance.upstream to com.fasterxml.jackson.databind;
    opens io.github.geminibalance.keys to com.fasterxml.jackson.databind;
    opens io.github.geminibalance.retry to com.fasterxml.jackson.databind;
    opens io.github.geminibalance.internal to com.fasterxml.jackson.databind;
    opens io.github.geminibalance.config to com.fasterxml.jackson.databind;
}
