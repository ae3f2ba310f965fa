package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A {@code POST /v1/chat/completions} request body.
 *
 * <p>Union-typed fields whose shape the translator interprets ({@code tool_choice}, the legacy
 * {@code function_call}, {@code web_search_options}) are kept as {@link JsonNode}. {@code stop} accepts a
 * single string or a list. {@code google} and {@code extra_body} carry Gemini-specific passthrough
 * options (OpenAI SDKs flatten {@code extra_body} into the top level, Google's compatibility docs nest
 * it; both are accepted). {@code functions} and {@code function_call} are the deprecated forms of
 * {@code tools} and {@code tool_choice}.
 *
 * <p>In code, build one with {@link #builder()}:
 *
 * <pre>{@code
 * ChatCompletionRequest request = ChatCompletionRequest.builder()
 *         .model("gemini-2.5-flash")
 *         .addMessage(ChatMessage.system("Answer in one sentence."))
 *         .addMessage(ChatMessage.user("What is a key pool?"))
 *         .temperature(0.2)
 *         .build();
 * }</pre>
 *
 * @param model the model to ask
 * @param messages the conversation so far
 * @param temperature sampling temperature
 * @param topP nucleus sampling mass
 * @param topK top-k sampling (a Gemini extension)
 * @param n how many choices to generate
 * @param stop stop sequences
 * @param maxTokens the legacy name of {@code maxCompletionTokens}
 * @param maxCompletionTokens the most tokens to generate
 * @param presencePenalty presence penalty
 * @param frequencyPenalty frequency penalty
 * @param seed sampling seed
 * @param logprobs whether to return log probabilities
 * @param topLogprobs how many alternatives per token to return with {@code logprobs}
 * @param responseFormat text, JSON object or JSON schema output
 * @param tools the tools the model may call
 * @param toolChoice {@code "auto"}, {@code "none"}, {@code "required"} or a named function
 * @param parallelToolCalls whether several tool calls may come in one answer
 * @param reasoningEffort {@code none}, {@code low}, {@code medium} or {@code high}
 * @param stream whether to stream the answer
 * @param streamOptions stream options ({@code include_usage})
 * @param user an end-user id
 * @param google Gemini-specific passthrough options
 * @param extraBody OpenAI SDKs' {@code extra_body}, possibly holding {@code google}
 * @param functions the deprecated form of {@code tools}
 * @param functionCall the deprecated form of {@code toolChoice}
 * @param webSearchOptions asks for Google Search grounding
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChatCompletionRequest(
        String model,
        List<ChatMessage> messages,
        Double temperature,
        Double topP,
        Integer topK,
        Integer n,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> stop,
        Integer maxTokens,
        Integer maxCompletionTokens,
        Double presencePenalty,
        Double frequencyPenalty,
        Long seed,
        Boolean logprobs,
        Integer topLogprobs,
        ResponseFormat responseFormat,
        List<Tool> tools,
        JsonNode toolChoice,
        Boolean parallelToolCalls,
        String reasoningEffort,
        Boolean stream,
        StreamOptions streamOptions,
        String user,
        JsonNode google,
        JsonNode extraBody,
        List<Tool.FunctionDefinition> functions,
        JsonNode functionCall,
        JsonNode webSearchOptions) {

    /**
     * A builder with nothing set.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding every value of this request, including those the builder has no setter for.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Whether the client asked for a streamed answer.
     *
     * @return true when {@code stream} is true
     */
    public boolean streamRequested() {
        return Boolean.TRUE.equals(stream);
    }

    /**
     * Whether a streamed answer should end with a usage-only chunk.
     *
     * @return true when {@code stream_options.include_usage} is true
     */
    public boolean includeUsage() {
        return streamOptions != null && Boolean.TRUE.equals(streamOptions.includeUsage());
    }

    /**
     * A minimal request: a model and its messages.
     *
     * @param model the model
     * @param messages the messages
     * @return the request
     */
    public static ChatCompletionRequest of(String model, List<ChatMessage> messages) {
        return new ChatCompletionRequest(model, messages, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    /**
     * A copy of this request with {@code stream} set.
     *
     * @param value whether to stream
     * @param includeUsage whether to ask for a usage-only chunk at the end (false keeps the current options)
     * @return the copy
     */
    public ChatCompletionRequest withStream(boolean value, boolean includeUsage) {
        return new ChatCompletionRequest(model, messages, temperature, topP, topK, n, stop, maxTokens,
                maxCompletionTokens, presencePenalty, frequencyPenalty, seed, logprobs, topLogprobs,
                responseFormat, tools, toolChoice, parallelToolCalls, reasoningEffort, value,
                includeUsage ? new StreamOptions(true) : streamOptions, user, google, extraBody, functions,
                functionCall, webSearchOptions);
    }

    /**
     * Builds a {@link ChatCompletionRequest}; mutable, not thread-safe. Setters take typed values; the
     * union-typed components ({@code tool_choice} and the Gemini passthrough options) are set through
     * typed methods or kept as they are by {@link ChatCompletionRequest#toBuilder()}.
     */
    public static final class Builder {
        private String model;
        private List<ChatMessage> messages = new ArrayList<>();
        private Double temperature;
        private Double topP;
        private Integer topK;
        private Integer n;
        private List<String> stop;
        private Integer maxTokens;
        private Integer maxCompletionTokens;
        private Double presencePenalty;
        private Double frequencyPenalty;
        private Long seed;
        private Boolean logprobs;
        private Integer topLogprobs;
        private ResponseFormat responseFormat;
        private List<Tool> tools;
        private JsonNode toolChoice;
        private Boolean parallelToolCalls;
        private String reasoningEffort;
        private Boolean stream;
        private StreamOptions streamOptions;
        private String user;
        private JsonNode google;
        private JsonNode extraBody;
        private List<Tool.FunctionDefinition> functions;
        private JsonNode functionCall;
        private JsonNode webSearchOptions;

        private Builder() {}

        private Builder(ChatCompletionRequest r) {
            model = r.model;
            messages = r.messages == null ? new ArrayList<>() : new ArrayList<>(r.messages);
            temperature = r.temperature;
            topP = r.topP;
            topK = r.topK;
            n = r.n;
            stop = r.stop == null ? null : new ArrayList<>(r.stop);
            maxTokens = r.maxTokens;
            maxCompletionTokens = r.maxCompletionTokens;
            presencePenalty = r.presencePenalty;
            frequencyPenalty = r.frequencyPenalty;
            seed = r.seed;
            logprobs = r.logprobs;
            topLogprobs = r.topLogprobs;
            responseFormat = r.responseFormat;
            tools = r.tools == null ? null : new ArrayList<>(r.tools);
            toolChoice = r.toolChoice == null ? null : r.toolChoice.deepCopy();
            parallelToolCalls = r.parallelToolCalls;
            reasoningEffort = r.reasoningEffort;
            stream = r.stream;
            streamOptions = r.streamOptions;
            user = r.user;
            google = r.google == null ? null : r.google.deepCopy();
            extraBody = r.extraBody == null ? null : r.extraBody.deepCopy();
            functions = r.functions == null ? null : new ArrayList<>(r.functions);
            functionCall = r.functionCall == null ? null : r.functionCall.deepCopy();
            webSearchOptions = r.webSearchOptions == null ? null : r.webSearchOptions.deepCopy();
        }

        /**
         * The model to ask, such as {@code gemini-2.5-flash}.
         *
         * @param model the model id
         * @return this builder
         */
        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * Replaces the messages.
         *
         * @param messages the conversation, oldest first
         * @return this builder
         */
        public Builder messages(List<ChatMessage> messages) {
            this.messages = new ArrayList<>(Objects.requireNonNull(messages, "messages"));
            return this;
        }

        /**
         * Appends a message.
         *
         * @param message the message
         * @return this builder
         */
        public Builder addMessage(ChatMessage message) {
            messages.add(Objects.requireNonNull(message, "message"));
            return this;
        }

        /**
         * Appends a system message.
         *
         * @param text its text
         * @return this builder
         */
        public Builder addSystemMessage(String text) {
            return addMessage(ChatMessage.system(text));
        }

        /**
         * Appends a user message.
         *
         * @param text its text
         * @return this builder
         */
        public Builder addUserMessage(String text) {
            return addMessage(ChatMessage.user(text));
        }

        /**
         * Sampling temperature, 0 to 2.
         *
         * @param temperature the temperature, or null for the model's default
         * @return this builder
         */
        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        /**
         * Nucleus sampling mass.
         *
         * @param topP the probability mass, or null for the model's default
         * @return this builder
         */
        public Builder topP(Double topP) {
            this.topP = topP;
            return this;
        }

        /**
         * Top-k sampling (a Gemini extension OpenAI does not have).
         *
         * @param topK the number of candidates, or null for the model's default
         * @return this builder
         */
        public Builder topK(Integer topK) {
            this.topK = topK;
            return this;
        }

        /**
         * How many choices to generate.
         *
         * @param n the number of choices, or null for one
         * @return this builder
         */
        public Builder n(Integer n) {
            this.n = n;
            return this;
        }

        /**
         * Stop sequences.
         *
         * @param stop the sequences; none clears them
         * @return this builder
         */
        public Builder stop(String... stop) {
            this.stop = stop.length == 0 ? null : new ArrayList<>(Arrays.asList(stop));
            return this;
        }

        /**
         * Stop sequences.
         *
         * @param stop the sequences, or null for none
         * @return this builder
         */
        public Builder stop(List<String> stop) {
            this.stop = stop == null ? null : new ArrayList<>(stop);
            return this;
        }

        /**
         * The most tokens to generate ({@code max_completion_tokens}).
         *
         * @param maxCompletionTokens the limit, or null for the model's
         * @return this builder
         */
        public Builder maxCompletionTokens(Integer maxCompletionTokens) {
            this.maxCompletionTokens = maxCompletionTokens;
            return this;
        }

        /**
         * The legacy name of {@link #maxCompletionTokens} ({@code max_tokens}).
         *
         * @param maxTokens the limit, or null for the model's
         * @return this builder
         */
        public Builder maxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * Presence penalty.
         *
         * @param presencePenalty the penalty, or null for none
         * @return this builder
         */
        public Builder presencePenalty(Double presencePenalty) {
            this.presencePenalty = presencePenalty;
            return this;
        }

        /**
         * Frequency penalty.
         *
         * @param frequencyPenalty the penalty, or null for none
         * @return this builder
         */
        public Builder frequencyPenalty(Double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return this;
        }

        /**
         * Sampling seed, for more repeatable answers.
         *
         * @param seed the seed, or null for none
         * @return this builder
         */
        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Whether to return log probabilities, and how many alternatives per token.
         *
         * @param logprobs whether to return them, or null for no
         * @param topLogprobs alternatives per token, or null for none
         * @return this builder
         */
        public Builder logprobs(Boolean logprobs, Integer topLogprobs) {
            this.logprobs = logprobs;
            this.topLogprobs = topLogprobs;
            return this;
        }

        /**
         * The output format: plain text, any JSON object, or JSON following a schema.
         *
         * @param responseFormat the format, or null for text
         * @return this builder
         */
        public Builder responseFormat(ResponseFormat responseFormat) {
            this.responseFormat = responseFormat;
            return this;
        }

        /**
         * Replaces the tools the model may call.
         *
         * @param tools the tools, or null for none
         * @return this builder
         */
        public Builder tools(List<Tool> tools) {
            this.tools = tools == null ? null : new ArrayList<>(tools);
            return this;
        }

        /**
         * Appends a tool the model may call.
         *
         * @param tool the tool, such as {@link Tool#function}
         * @return this builder
         */
        public Builder addTool(Tool tool) {
            if (tools == null) {
                tools = new ArrayList<>();
            }
            tools.add(Objects.requireNonNull(tool, "tool"));
            return this;
        }

        /**
         * Whether and which tool to call: {@code "auto"}, {@code "none"} or {@code "required"}.
         *
         * @param mode the mode, or null for the default ({@code auto} when there are tools)
         * @return this builder
         */
        public Builder toolChoice(String mode) {
            this.toolChoice = mode == null ? null : JsonNodeFactory.instance.textNode(mode);
            return this;
        }

        /**
         * Forces a call of the named function ({@code {"type":"function","function":{"name":...}}}).
         *
         * @param name the function's name
         * @return this builder
         */
        public Builder toolChoiceFunction(String name) {
            ObjectNode choice = JsonNodeFactory.instance.objectNode();
            choice.put("type", "function");
            choice.putObject("function").put("name", Objects.requireNonNull(name, "name"));
            this.toolChoice = choice;
            return this;
        }

        /**
         * Whether several tool calls may come in one answer.
         *
         * @param parallelToolCalls the flag, or null for the default (yes)
         * @return this builder
         */
        public Builder parallelToolCalls(Boolean parallelToolCalls) {
            this.parallelToolCalls = parallelToolCalls;
            return this;
        }

        /**
         * How much the model may think: {@code none}, {@code low}, {@code medium} or {@code high}.
         *
         * @param reasoningEffort the effort, or null for the model's default
         * @return this builder
         */
        public Builder reasoningEffort(String reasoningEffort) {
            this.reasoningEffort = reasoningEffort;
            return this;
        }

        /**
         * Whether to stream the answer (only the HTTP adapter and {@code chatStream} look at it).
         *
         * @param stream the flag, or null for no
         * @return this builder
         */
        public Builder stream(Boolean stream) {
            this.stream = stream;
            return this;
        }

        /**
         * Whether a streamed answer ends with a usage-only chunk ({@code stream_options.include_usage}).
         *
         * @param includeUsage the flag
         * @return this builder
         */
        public Builder includeUsage(boolean includeUsage) {
            this.streamOptions = includeUsage ? new StreamOptions(true) : null;
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
         * @throws IllegalStateException if no model is set or there is no message
         */
        public ChatCompletionRequest build() {
            if (model == null) {
                throw new IllegalStateException("model is not set");
            }
            if (messages.isEmpty()) {
                throw new IllegalStateException("messages is empty: add at least one message");
            }
            return new ChatCompletionRequest(model, List.copyOf(messages), temperature, topP, topK, n,
                    stop == null ? null : List.copyOf(stop), maxTokens, maxCompletionTokens, presencePenalty,
                    frequencyPenalty, seed, logprobs, topLogprobs, responseFormat,
                    tools == null ? null : List.copyOf(tools), toolChoice, parallelToolCalls, reasoningEffort,
                    stream, streamOptions, user, google, extraBody, functions == null ? null : List.copyOf(functions),
                    functionCall, webSearchOptions);
        }
    }
}
