package io.github.geminibalance.translate;

import java.util.Objects;

/**
 * Per-request settings for the Gemini -> OpenAI response translation ({@link ChatStreamTranslator},
 * {@link ChatCompletionAccumulator}).
 *
 * @param model the model id echoed in every chunk: the id the client asked for, not Gemini's
 *     {@code modelVersion}, because clients compare it with what they sent
 * @param choiceCount the number of choices the client asked for ({@code n}); at least 1. Every choice
 *     {@code 0..choiceCount-1} gets a finish chunk when the stream completes, even one Gemini never sent
 * @param includeUsage whether {@link ChatStreamTranslator#onComplete()} emits the final usage-only chunk
 *     ({@code stream_options.include_usage}); non-stream results always carry usage
 * @param search whether grounding sources are rendered: a markdown list of links appended to the
 *     answer and {@code url_citation} annotations
 * @param codeExecution whether the request enabled the code-execution tool. Informational: executed
 *     code and its output are rendered as fenced blocks whenever Gemini sends them (they only appear
 *     when some tool asked for them), so model output is never dropped silently
 * @param parallelToolCalls {@code parallel_tool_calls} (default true); false keeps only the first tool
 *     call of each choice and drops the later ones, the same way in streams and non-stream answers
 */
public record ResponseOptions(
        String model, int choiceCount, boolean includeUsage, boolean search, boolean codeExecution,
        boolean parallelToolCalls) {

    /**
     * Validates the options.
     *
     * @throws NullPointerException if {@code model} is null
     * @throws IllegalArgumentException if {@code choiceCount < 1}
     */
    public ResponseOptions {
        Objects.requireNonNull(model, "model");
        if (choiceCount < 1) {
            throw new IllegalArgumentException("choiceCount must be >= 1, was " + choiceCount);
        }
    }

    /**
     * Options that allow parallel tool calls (the OpenAI default).
     *
     * @throws NullPointerException if {@code model} is null
     * @throws IllegalArgumentException if {@code choiceCount < 1}
     */
    public ResponseOptions(String model, int choiceCount, boolean includeUsage, boolean search,
            boolean codeExecution) {
        this(model, choiceCount, includeUsage, search, codeExecution, true);
    }

    /** These options with {@code includeUsage} set as given. */
    ResponseOptions withIncludeUsage(boolean value) {
        return new ResponseOptions(model, choiceCount, value, search, codeExecution, parallelToolCalls);
    }
}
