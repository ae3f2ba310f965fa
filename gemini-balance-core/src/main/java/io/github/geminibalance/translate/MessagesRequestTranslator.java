package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.anthropic.MessageRequest;
import io.github.geminibalance.anthropic.MessageRequest.ToolChoice;
import io.github.geminibalance.anthropic.MessageRequest.ToolDefinition;
import io.github.geminibalance.gemini.FunctionDeclaration;
import io.github.geminibalance.gemini.GenerateContentRequest;
import io.github.geminibalance.gemini.GenerateContentRequest.FunctionCallingConfig;
import io.github.geminibalance.gemini.GenerateContentRequest.SafetySetting;
import io.github.geminibalance.gemini.GenerateContentRequest.ToolConfig;
import io.github.geminibalance.gemini.GenerationConfig;
import io.github.geminibalance.gemini.GenerationConfig.ThinkingConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Translates an Anthropic Messages request into the Gemini request to send upstream. Stateless and
 * thread-safe; remote image and document URLs must have been fetched first (the map given to
 * {@link #translate}). Errors are 400s naming the JSON path at fault, in Anthropic's dotted form
 * ({@code messages.0.content.1.source}).
 *
 * <ul>
 *   <li>{@code model}: {@code MODEL_ALIASES} first (an unmapped {@code claude-*} is a 404), then a
 *       {@code models/} prefix and the {@code -search} / {@code -non-thinking} suffixes as on chat.</li>
 *   <li>{@code max_tokens} (required, at least 1) is {@code maxOutputTokens}, which on Gemini as on
 *       Anthropic includes the thinking tokens; {@code temperature} (0 to 1), {@code top_p},
 *       {@code top_k} as is; {@code stop_sequences} (at most 5, Gemini's limit) as
 *       {@code stopSequences}; {@code metadata} and {@code service_tier} are accepted and dropped.</li>
 *   <li>{@code thinking}: {@code enabled} with {@code budget_tokens} (at least 1024 and below
 *       {@code max_tokens}) is {@code thinkingBudget} with {@code includeThoughts}; {@code disabled}
 *       turns thinking off as far as the model allows (as the {@code -non-thinking} suffix does);
 *       without it, {@code THINKING_BUDGET_MAP} applies.</li>
 *   <li>{@code tools}: client tools (no {@code type}, or {@code custom}) become function declarations,
 *       their {@code input_schema} cleaned as chat tool schemas are; {@code web_search_*} server tools
 *       become {@code googleSearch}; other server tools are refused. {@code tool_choice}: {@code auto}
 *       AUTO, {@code any} ANY, {@code tool} ANY restricted to that name, {@code none} NONE;
 *       {@code disable_parallel_tool_use} keeps only the first call of the answer.</li>
 *   <li>{@code system} and {@code messages}: see {@link MessagesConversation}.</li>
 * </ul>
 */
public final class MessagesRequestTranslator {

    static final int MAX_STOP_SEQUENCES = 5;
    static final int MIN_THINKING_BUDGET = 1024;

    // run-time settings: read once per translation (see translate), so one request sees one set
    private final Supplier<TranslationOptions> options;

    /** A translator applying the configuration-derived {@code options} to every request. */
    public MessagesRequestTranslator(TranslationOptions options) {
        this(fixed(options));
    }

    /**
     * Creates a translator that reads its options from {@code options} for each request: the facade's
     * run-time settings, swapped in one place for every front door.
     *
     * @param options where the current options are
     */
    public MessagesRequestTranslator(Supplier<TranslationOptions> options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    private static Supplier<TranslationOptions> fixed(TranslationOptions options) {
        Objects.requireNonNull(options, "options");
        return () -> options;
    }


    /**
     * Translates a {@code /v1/messages} request.
     *
     * @param request the request
     * @param media remote URL to its {@code data:} URL, for every URL source the request holds
     * @param countOnly true for {@code /v1/messages/count_tokens}, which has no {@code max_tokens}
     * @throws InvalidRequestException naming the field at fault
     */
    public GeminiMessagesRequest translate(MessageRequest request, Map<String, String> media, boolean countOnly) {
        Objects.requireNonNull(request, "request");
        TranslationOptions options = this.options.get(); // one request, one set of options
        if (request.model() == null || request.model().isBlank()) {
            throw new InvalidRequestException("model", "model: Field required");
        }
        RequestedModel model =
                RequestedModel.parse(ModelAliases.resolve(options.modelAliases(), request.model()));
        Integer maxTokens = request.maxTokens();
        if (!countOnly) {
            if (maxTokens == null) {
                throw new InvalidRequestException("max_tokens", "max_tokens: Field required");
            }
            if (maxTokens < 1) {
                throw new InvalidRequestException("max_tokens", "max_tokens: must be at least 1");
            }
        }
        if (request.messages() == null || request.messages().isEmpty()) {
            throw new InvalidRequestException("messages", "messages: at least one message is required");
        }
        range(request.temperature(), 0, 1, "temperature");
        range(request.topP(), 0, 1, "top_p");
        if (request.topK() != null && request.topK() < 0) {
            throw new InvalidRequestException("top_k", "top_k: must be at least 0");
        }

        List<FunctionDeclaration> functions = new ArrayList<>();
        boolean search = model.search() || options.searchModels().contains(model.upstream());
        List<ToolDefinition> tools = request.tools() == null ? List.of() : request.tools();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            ToolDefinition tool = tools.get(i);
            String at = "tools." + i;
            if (tool == null) {
                throw new InvalidRequestException(at, at + ": a tool must be an object");
            }
            if (tool.type() != null && tool.type().startsWith("web_search")) {
                search = true;
                continue;
            }
            if (tool.type() != null && !tool.type().equals("custom")) {
                throw new InvalidRequestException(at + ".type", at + ".type: the server tool '" + tool.type()
                        + "' is not supported; client tools and web_search are");
            }
            if (tool.name() == null || tool.name().isBlank()) {
                throw new InvalidRequestException(at + ".name", at + ".name: Field required");
            }
            if (!names.add(tool.name())) {
                throw new InvalidRequestException(at + ".name", at + ".name: tool names must be unique");
            }
            ToolSchemas.Declared declared = ToolSchemas.declare(tool.inputSchema(), at + ".input_schema");
            String description = tool.description() == null || tool.description().isEmpty() ? null : tool.description();
            functions.add(new FunctionDeclaration(tool.name(), description, declared.parameters(),
                    declared.parametersJsonSchema()));
        }
        ToolChoice choice = request.toolChoice();
        ToolConfig toolConfig = toolConfig(choice, List.copyOf(names));
        boolean parallel = choice == null || !Boolean.TRUE.equals(choice.disableParallelToolUse());

        List<GenerateContentRequest.Tool> geminiTools = new ArrayList<>();
        if (!functions.isEmpty()) {
            geminiTools.add(new GenerateContentRequest.Tool(functions, null, null, null));
        }
        if (search) {
            geminiTools.add(new GenerateContentRequest.Tool(null, JsonNodeFactory.instance.objectNode(), null, null));
        }
        if (options.answers().urlContext(model.upstream()) && functions.isEmpty()) {
            geminiTools.add(Thinking.urlContextTool());
        }

        MessagesConversation.Result conversation =
                MessagesConversation.translate(request.system(), request.messages(), media, model.upstream());

        List<String> stop = null;
        if (request.stopSequences() != null) {
            stop = request.stopSequences().stream().filter(s -> s != null && !s.isEmpty()).toList();
            if (stop.size() > MAX_STOP_SEQUENCES) {
                throw new InvalidRequestException("stop_sequences",
                        "stop_sequences: Gemini accepts at most " + MAX_STOP_SEQUENCES + " stop sequences");
            }
            stop = stop.isEmpty() ? null : stop;
        }
        ThinkingConfig thinking = Thinking.shown(thinking(request, model, countOnly, options), options.showThinking());
        GenerationConfig generation = new GenerationConfig(request.temperature(), request.topP(), request.topK(),
                null, countOnly ? null : maxTokens, stop, null, null, null, thinking, null, null, null, null, null,
                null);
        if (generation.equals(new GenerationConfig(null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null))) {
            generation = null;
        }
        List<SafetySetting> safety = options.safetySettings().entrySet().stream()
                .map(e -> new SafetySetting(e.getKey(), e.getValue())).toList();
        GenerateContentRequest body = new GenerateContentRequest(conversation.contents(),
                conversation.systemInstruction(), geminiTools.isEmpty() ? null : List.copyOf(geminiTools),
                toolConfig, safety.isEmpty() ? null : safety, generation, null);
        return new GeminiMessagesRequest(request.model(), model.upstream(), body,
                search && options.answers().showSearchLink(), parallel);
    }

    private static ThinkingConfig thinking(MessageRequest request, RequestedModel model, boolean countOnly,
            TranslationOptions options) {
        MessageRequest.ThinkingConfig thinking = request.thinking();
        if (thinking != null && thinking.type() != null) {
            switch (thinking.type()) {
                case "enabled" -> {
                    Integer budget = thinking.budgetTokens();
                    if (budget == null) {
                        throw new InvalidRequestException("thinking.budget_tokens",
                                "thinking.budget_tokens: Field required");
                    }
                    if (budget < MIN_THINKING_BUDGET) {
                        throw new InvalidRequestException("thinking.budget_tokens",
                                "thinking.budget_tokens: must be at least " + MIN_THINKING_BUDGET);
                    }
                    if (!countOnly && request.maxTokens() != null && budget >= request.maxTokens()) {
                        throw new InvalidRequestException("thinking.budget_tokens",
                                "thinking.budget_tokens: must be less than max_tokens");
                    }
                    return Thinking.budget(budget);
                }
                case "disabled" -> {
                    return Thinking.nonThinking(model.upstream());
                }
                default -> throw new InvalidRequestException("thinking.type",
                        "thinking.type: must be enabled or disabled");
            }
        }
        if (model.nonThinking()) {
            return Thinking.nonThinking(model.upstream());
        }
        Integer budget = options.thinkingBudgets().get(model.upstream());
        return budget == null ? null : Thinking.budget(budget);
    }

    private static ToolConfig toolConfig(ToolChoice choice, List<String> names) {
        if (choice == null || choice.type() == null) {
            return null;
        }
        switch (choice.type()) {
            case "auto":
                return names.isEmpty() ? null : mode("AUTO", null);
            case "none":
                return names.isEmpty() ? null : mode("NONE", null);
            case "any":
                requireTools(names);
                return mode("ANY", null);
            case "tool":
                requireTools(names);
                if (choice.name() == null || choice.name().isBlank()) {
                    throw new InvalidRequestException("tool_choice.name", "tool_choice.name: Field required");
                }
                if (!names.contains(choice.name())) {
                    throw new InvalidRequestException("tool_choice.name",
                            "tool_choice.name: no tool named '" + choice.name() + "' is defined in tools");
                }
                return mode("ANY", List.of(choice.name()));
            default:
                throw new InvalidRequestException("tool_choice.type",
                        "tool_choice.type: must be auto, any, tool or none");
        }
    }

    private static void requireTools(List<String> names) {
        if (names.isEmpty()) {
            throw new InvalidRequestException("tool_choice",
                    "tool_choice: a tool must be used but the request defines no client tools");
        }
    }

    private static ToolConfig mode(String mode, List<String> allowed) {
        return new ToolConfig(new FunctionCallingConfig(mode, allowed));
    }

    private static void range(Double value, double min, double max, String param) {
        if (value != null && (value < min || value > max || value.isNaN())) {
            throw new InvalidRequestException(param, param + ": must be between " + (int) min + " and " + (int) max);
        }
    }
}
