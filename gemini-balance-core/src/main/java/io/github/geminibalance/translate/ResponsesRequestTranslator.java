package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.gemini.FunctionDeclaration;
import io.github.geminibalance.gemini.GenerateContentRequest;
import io.github.geminibalance.gemini.GenerateContentRequest.FunctionCallingConfig;
import io.github.geminibalance.gemini.GenerateContentRequest.SafetySetting;
import io.github.geminibalance.gemini.GenerateContentRequest.ToolConfig;
import io.github.geminibalance.gemini.GenerationConfig;
import io.github.geminibalance.gemini.GenerationConfig.ThinkingConfig;
import io.github.geminibalance.openai.ResponseFormat;
import io.github.geminibalance.openai.responses.InputItem;
import io.github.geminibalance.openai.responses.Response;
import io.github.geminibalance.openai.responses.ResponseRequest;
import io.github.geminibalance.openai.responses.Statuses;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Translates an OpenAI Responses request into the Gemini request to send upstream. Stateless and
 * thread-safe; remote image and file URLs must have been fetched first (the map given to
 * {@link #translate}). Errors are 400s naming the field at fault ({@code input.2.content.0.image_url}).
 *
 * <ul>
 *   <li>{@code model}: {@code MODEL_ALIASES}, a {@code models/} prefix and the {@code -search} /
 *       {@code -non-thinking} suffixes, as on chat.</li>
 *   <li>{@code max_output_tokens} (at least 1) is {@code maxOutputTokens}, thinking included on both
 *       sides; {@code temperature} (0 to 2) and {@code top_p} (0 to 1) as is; {@code metadata},
 *       {@code user}, {@code store}, {@code include}, {@code truncation} accepted and echoed or dropped.</li>
 *   <li>{@code reasoning.effort} as chat's {@code reasoning_effort} (budgets on 2.5, levels on 3); without
 *       it {@code THINKING_BUDGET_MAP}; Gemini's thoughts are asked for only with {@code reasoning.summary}.</li>
 *   <li>{@code text.format}: {@code json_schema} is {@code responseJsonSchema}, {@code json_object}
 *       {@code application/json}, {@code text} nothing.</li>
 *   <li>{@code tools}: {@code function} tools are function declarations with chat's schema cleaning;
 *       {@code web_search*} is {@code googleSearch}; {@code code_interpreter} is {@code codeExecution};
 *       any other hosted tool is refused. {@code tool_choice}: {@code auto} AUTO, {@code none} NONE,
 *       {@code required} ANY, a function ANY restricted to it, {@code allowed_tools} its mode restricted
 *       to its functions, a hosted tool type AUTO. {@code parallel_tool_calls: false} keeps the first call.</li>
 *   <li>{@code previous_response_id}: the stored conversation is given to {@link #translate(ResponseRequest,
 *       List, Map)} by the caller, which looked it up; it is echoed. {@code conversation} and
 *       {@code background} are refused.</li>
 *   <li>{@code instructions} and {@code input}: see {@link ResponsesConversation}.</li>
 * </ul>
 */
public final class ResponsesRequestTranslator {

    // run-time settings: read once per translation (see translate), so one request sees one set
    private final Supplier<TranslationOptions> options;

    /** A translator applying the configuration-derived {@code options} to every request. */
    public ResponsesRequestTranslator(TranslationOptions options) {
        this(fixed(options));
    }

    /**
     * Creates a translator that reads its options from {@code options} for each request: the facade's
     * run-time settings, swapped in one place for every front door.
     *
     * @param options where the current options are
     */
    public ResponsesRequestTranslator(Supplier<TranslationOptions> options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    private static Supplier<TranslationOptions> fixed(TranslationOptions options) {
        Objects.requireNonNull(options, "options");
        return () -> options;
    }


    /**
     * Translates a {@code /v1/responses} request.
     *
     * @param request the request
     * @param media remote URL to its {@code data:} URL, for every URL the request holds
     * @throws InvalidRequestException naming the field at fault
     */
    public GeminiResponsesRequest translate(ResponseRequest request, Map<String, String> media) {
        return translate(request, List.of(), media);
    }

    /**
     * Translates a {@code /v1/responses} request that continues a stored response: the stored
     * conversation comes first, then the request's input ({@code instructions} are the request's own).
     *
     * @param request the request
     * @param previous the stored conversation of {@code previous_response_id} (empty for none)
     * @param media remote URL to its {@code data:} URL, for every URL the request and {@code previous} hold
     * @throws InvalidRequestException naming the field at fault
     */
    public GeminiResponsesRequest translate(ResponseRequest request, List<InputItem> previous,
            Map<String, String> media) {
        Objects.requireNonNull(previous, "previous");
        TranslationOptions options = this.options.get(); // one request, one set of options
        Objects.requireNonNull(request, "request");
        if (request.model() == null || request.model().isBlank()) {
            throw new InvalidRequestException("model", "model: Field required");
        }
        if (request.conversation() != null && !request.conversation().isNull()) {
            throw new InvalidRequestException("conversation", "conversation: conversations are not supported by "
                    + "this server; continue a stored response with previous_response_id, or send the items");
        }
        if (Boolean.TRUE.equals(request.background())) {
            throw new InvalidRequestException("background",
                    "background: background responses are not supported by this server");
        }
        RequestedModel model =
                RequestedModel.parse(ModelAliases.resolve(options.modelAliases(), request.model()));
        if (request.input() == null) {
            throw new InvalidRequestException("input", "input: Field required");
        }
        if (request.maxOutputTokens() != null && request.maxOutputTokens() < 1) {
            throw new InvalidRequestException("max_output_tokens", "max_output_tokens: must be at least 1");
        }
        range(request.temperature(), 2, "temperature");
        range(request.topP(), 1, "top_p");

        List<FunctionDeclaration> functions = new ArrayList<>();
        boolean search = model.search() || options.searchModels().contains(model.upstream());
        boolean code = false;
        List<ResponseRequest.Tool> tools = request.tools() == null ? List.of() : request.tools();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            ResponseRequest.Tool tool = tools.get(i);
            String at = "tools." + i;
            String type = tool == null || tool.type() == null ? "" : tool.type();
            if (type.startsWith("web_search")) {
                search = true;
            } else if (type.equals("code_interpreter")) {
                code = true;
            } else if (type.equals("function")) {
                if (tool.name() == null || tool.name().isBlank()) {
                    throw new InvalidRequestException(at + ".name", at + ".name: Field required");
                }
                if (!names.add(tool.name())) {
                    throw new InvalidRequestException(at + ".name", at + ".name: function names must be unique");
                }
                ToolSchemas.Declared declared = ToolSchemas.declare(tool.parameters(), at + ".parameters");
                String description = tool.description() == null || tool.description().isEmpty() ? null
                        : tool.description();
                functions.add(new FunctionDeclaration(tool.name(), description, declared.parameters(),
                        declared.parametersJsonSchema()));
            } else if (type.isEmpty()) {
                throw new InvalidRequestException(at + ".type", at + ".type: Field required");
            } else {
                throw new InvalidRequestException(at + ".type", at + ".type: the tool type '" + type
                        + "' is not supported; function, web_search, web_search_preview and code_interpreter are");
            }
        }
        ToolConfig toolConfig = ResponsesToolChoice.toolConfig(request.toolChoice(), List.copyOf(names));
        List<GenerateContentRequest.Tool> geminiTools = new ArrayList<>();
        if (!functions.isEmpty()) {
            geminiTools.add(new GenerateContentRequest.Tool(functions, null, null, null));
        }
        if (search) {
            geminiTools.add(new GenerateContentRequest.Tool(null, JsonNodeFactory.instance.objectNode(), null, null));
        }
        if (code) {
            geminiTools.add(new GenerateContentRequest.Tool(null, null, JsonNodeFactory.instance.objectNode(), null));
        }
        if (options.answers().urlContext(model.upstream()) && functions.isEmpty()) {
            geminiTools.add(Thinking.urlContextTool());
        }

        ResponsesConversation.Result conversation = ResponsesConversation.translate(request.instructions(),
                previous, request.input(), media, model.upstream());
        OutputFormat format = format(request.text());
        boolean summaries = options.showThinking() && request.reasoning() != null && request.reasoning().summary() != null
                && !"none".equals(request.reasoning().summary());
        GenerationConfig generation = new GenerationConfig(request.temperature(), request.topP(), null, null,
                request.maxOutputTokens(), null, format.mimeType(), null, format.jsonSchema(),
                thinking(options, request, model, summaries), null, null, null, null, null, null);
        if (generation.equals(new GenerationConfig(null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null))) {
            generation = null;
        }
        List<SafetySetting> safety = options.safetySettings().entrySet().stream()
                .map(e -> new SafetySetting(e.getKey(), e.getValue())).toList();
        GenerateContentRequest body = new GenerateContentRequest(conversation.contents(),
                conversation.systemInstruction(), geminiTools.isEmpty() ? null : List.copyOf(geminiTools),
                toolConfig, safety.isEmpty() ? null : safety, generation, null);
        boolean parallel = !Boolean.FALSE.equals(request.parallelToolCalls());
        return new GeminiResponsesRequest(model.upstream(), body, echo(request, parallel), parallel, summaries);
    }

    /** The response's echo of the request (id, time, output and usage are the translator's). */
    private static Response echo(ResponseRequest request, boolean parallel) {
        JsonNode choice = request.toolChoice() == null || request.toolChoice().isNull()
                ? TextNode.valueOf("auto") : request.toolChoice();
        return new Response(null, Response.OBJECT, 0, Statuses.IN_PROGRESS, null, null, request.instructions(),
                request.maxOutputTokens(), request.model(), List.of(), parallel, request.previousResponseId(),
                request.reasoning(),
                request.store() == null ? Boolean.TRUE : request.store(), request.temperature(),
                request.text() != null ? request.text()
                        : new ResponseRequest.TextConfig(new ResponseRequest.Format("text", null, null, null, null), null),
                choice, request.tools() == null ? List.of() : request.tools(), request.topP(),
                request.truncation() == null ? "disabled" : request.truncation(), null, request.user(),
                request.metadata() == null ? Map.of() : request.metadata());
    }

    private static ThinkingConfig thinking(TranslationOptions options, ResponseRequest request, RequestedModel model, boolean summaries) {
        String effort = request.reasoning() == null ? null : request.reasoning().effort();
        ThinkingConfig config;
        if (model.nonThinking()) {
            config = Thinking.nonThinking(model.upstream());
        } else if (effort != null) {
            switch (effort) {
                case "none", "minimal", "low", "medium", "high", "xhigh" -> { }
                default -> throw new InvalidRequestException("reasoning.effort",
                        "reasoning.effort: must be none, minimal, low, medium, high or xhigh");
            }
            config = Thinking.forEffort(effort, model.upstream());
        } else {
            Integer budget = options.thinkingBudgets().get(model.upstream());
            config = budget == null ? null : Thinking.budget(budget);
        }
        if (config == null) {
            // a summary on a model that can think, with its default budget; never on one that cannot
            boolean canThink = Thinking.nonThinking(model.upstream()) != null;
            return summaries && canThink && !model.nonThinking() ? new ThinkingConfig(null, null, Boolean.TRUE) : null;
        }
        boolean include = summaries && !Integer.valueOf(0).equals(config.thinkingBudget());
        return new ThinkingConfig(config.thinkingBudget(), config.thinkingLevel(), include ? Boolean.TRUE : null);
    }

    private static OutputFormat format(ResponseRequest.TextConfig text) {
        if (text == null || text.format() == null) {
            return new OutputFormat(null, null);
        }
        ResponseRequest.Format f = text.format();
        if (f.type() == null) {
            throw new InvalidRequestException("text.format.type", "text.format.type: Field required");
        }
        switch (f.type()) {
            case "text", "json_object" -> {
                return OutputFormat.of(new ResponseFormat(f.type(), null));
            }
            case "json_schema" -> {
                if (f.schema() == null || !f.schema().isObject()) {
                    throw new InvalidRequestException("text.format.schema",
                            "text.format.schema: a JSON Schema object is required for json_schema");
                }
                return new OutputFormat("application/json", f.schema());
            }
            default -> throw new InvalidRequestException("text.format.type",
                    "text.format.type: must be text, json_object or json_schema");
        }
    }

    private static void range(Double value, int max, String param) {
        if (value != null && (value < 0 || value > max || value.isNaN())) {
            throw new InvalidRequestException(param, param + ": must be between 0 and " + max);
        }
    }

    /** {@code tool_choice} -> Gemini's function calling config. */
    static final class ResponsesToolChoice {

        private ResponsesToolChoice() {}

        static ToolConfig toolConfig(JsonNode choice, List<String> names) {
            if (choice == null || choice.isNull()) {
                return null;
            }
            if (choice.isTextual()) {
                return switch (choice.asText()) {
                    case "auto" -> names.isEmpty() ? null : mode("AUTO", null);
                    case "none" -> names.isEmpty() ? null : mode("NONE", null);
                    case "required" -> {
                        requireTools(names);
                        yield mode("ANY", null);
                    }
                    default -> throw new InvalidRequestException("tool_choice",
                            "tool_choice: must be auto, none, required or an object");
                };
            }
            String type = choice.path("type").asText("");
            switch (type) {
                case "function" -> {
                    String name = choice.path("name").asText("");
                    requireKnown(name, names, "tool_choice.name");
                    return mode("ANY", List.of(name));
                }
                case "allowed_tools" -> {
                    List<String> allowed = new ArrayList<>();
                    for (JsonNode tool : choice.path("tools")) {
                        if ("function".equals(tool.path("type").asText())) {
                            String name = tool.path("name").asText("");
                            requireKnown(name, names, "tool_choice.tools");
                            allowed.add(name);
                        }
                    }
                    boolean required = "required".equals(choice.path("mode").asText("auto"));
                    if (allowed.isEmpty()) {
                        return null;
                    }
                    // Gemini restricts the functions only in ANY mode; in AUTO mode all stay callable
                    return required ? mode("ANY", List.copyOf(allowed)) : mode("AUTO", null);
                }
                case "" -> throw new InvalidRequestException("tool_choice.type", "tool_choice.type: Field required");
                default -> {
                    return null; // a hosted tool (web_search_preview...): Gemini uses it when it sees fit
                }
            }
        }

        private static void requireTools(List<String> names) {
            if (names.isEmpty()) {
                throw new InvalidRequestException("tool_choice",
                        "tool_choice: required needs at least one function tool in tools");
            }
        }

        private static void requireKnown(String name, List<String> names, String param) {
            if (!names.contains(name)) {
                throw new InvalidRequestException(param, param + ": no function named '" + name
                        + "' is defined in tools");
            }
        }

        private static ToolConfig mode(String mode, List<String> allowed) {
            return new ToolConfig(new FunctionCallingConfig(mode, allowed));
        }
    }
}
