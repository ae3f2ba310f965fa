package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.gemini.FunctionDeclaration;
import io.github.geminibalance.gemini.GenerateContentRequest;
import io.github.geminibalance.gemini.GenerateContentRequest.FunctionCallingConfig;
import io.github.geminibalance.gemini.GenerateContentRequest.SafetySetting;
import io.github.geminibalance.gemini.GenerateContentRequest.ToolConfig;
import io.github.geminibalance.gemini.GenerationConfig;
import io.github.geminibalance.gemini.GenerationConfig.ThinkingConfig;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.ResponseFormat;
import io.github.geminibalance.openai.Tool;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Translates an OpenAI chat completion request into the Gemini request to send upstream. Stateless and
 * thread-safe; {@code http(s)} image URLs must have been inlined by {@link RemoteMediaFetcher} first.
 *
 * <h2>Model</h2>
 * A name listed in {@code MODEL_ALIASES} is first replaced by its Gemini model ({@link ModelAliases});
 * an unlisted {@code claude-*} name is a 404. A leading {@code models/} is stripped, then the suffixes {@code -search} and {@code -non-thinking}
 * are stripped from the end repeatedly, in any order and combination
 * ({@code gemini-2.5-flash-non-thinking-search} calls {@code gemini-2.5-flash}). {@code -search}, or an
 * upstream model listed in {@link TranslationOptions#searchModels()}, or a {@code web_search_options}
 * object (any, even {@code {}}; its settings have no Gemini counterpart) adds {@code {googleSearch:{}}}
 * and makes the answer a search answer (sources list and {@code url_citation} annotations).
 * {@link TranslationOptions#codeExecutionEnabled()} adds {@code {codeExecution:{}}} unless the request
 * has function tools or asks for JSON output (Gemini 2.x rejects tools with a JSON response type).
 *
 * <h2>Messages</h2>
 * <ul>
 *   <li>Every {@code system}/{@code developer} message, wherever it stands, becomes one part of
 *       {@code systemInstruction}, in order (array content: text parts joined with a newline).</li>
 *   <li>{@code user} becomes a {@code user} turn; {@code assistant} a {@code model} turn holding its
 *       text, then one {@code functionCall} per tool call (arguments parsed, {@code id} and
 *       {@code thoughtSignature} decoded from the tool-call id by {@link ToolCallIds}), then one for a
 *       legacy {@code function_call}. On Gemini 3, whose history needs signatures, the first call of a
 *       turn without one gets Gemini's documented placeholder
 *       {@code "skip_thought_signature_validator"}.</li>
 *   <li>Consecutive {@code tool} (and legacy {@code function}) messages become one {@code user} turn
 *       of {@code functionResponse} parts ordered like the calls; the name comes from the earlier
 *       call with that {@code tool_call_id}; {@code response} is the content when it parses as a JSON
 *       object, else {@code {"result": value}}; {@code id} is set only for Gemini-issued call ids.
 *       Calls of the preceding turn left unanswered in such a group get {@code {"error": ...}}, because
 *       Gemini requires as many responses as calls.</li>
 *   <li>Empty text parts are dropped, then messages left without parts, then adjacent turns of the same
 *       role are merged.</li>
 *   <li>{@code name} has no Gemini field. When the user messages carry two or more distinct names (a
 *       multi-user chat), each named user message says who speaks: its first text part is prefixed with
 *       {@code "<name>: "} (a message without text gets a leading {@code "<name>:"} part). Otherwise
 *       it is dropped, as on system, developer and assistant messages; on legacy {@code function}
 *       messages it names the function.</li>
 *   <li>When no turn is left (a system-only request), or the first turn would be a model function
 *       call, a user turn with the text {@code "."} is put first; the system
 *       instruction stays where it is. {@code {text:""}} is never sent.</li>
 * </ul>
 *
 * <h2>Generation config</h2>
 * {@code temperature}, {@code top_p}, {@code top_k}, {@code seed} as is; {@code n} &gt; 1 as
 * {@code candidateCount}; {@code max_completion_tokens} (else {@code max_tokens}) as
 * {@code maxOutputTokens}; {@code stop} (empty strings dropped, at most 5); penalties only when
 * non-zero; {@code logprobs}/{@code top_logprobs} as {@code responseLogprobs}/{@code logprobs};
 * {@code response_format} {@code json_object} as {@code responseMimeType: application/json},
 * {@code json_schema} as that plus {@code responseJsonSchema}.
 *
 * <h2>Thinking</h2>
 * First match wins: a {@code google.thinking_config}; the {@code -non-thinking} suffix (2.5: budget 0,
 * 2.5 Pro: 128, the lowest it allows; 3 Flash: level "minimal"; 3 Pro: "low"; 1.x/2.0/Gemma: nothing);
 * {@code reasoning_effort}; the configured budget for the upstream model. {@code reasoning_effort} on
 * 2.5 is a budget (none 0 or 128 on Pro, minimal/low 1024, medium 8192, high/xhigh/max 24576), on 3 a
 * level (low "low", high/xhigh/max "high", medium "medium" on Flash and "high" on Pro, none/minimal
 * "minimal" on Flash and "low" on Pro), and ignored on other families and on image/audio/TTS variants,
 * which reject a thinking config. Budget and level are never both sent; {@code includeThoughts} is
 * true whenever thinking stays on (not with budget 0), so thoughts can become {@code reasoning_content}.
 *
 * <h2>Tools</h2>
 * Function tools become one {@code functionDeclarations} tool; {@code strict} is dropped. Parameters:
 * none for a missing schema or an object schema without properties (Gemini rejects empty
 * {@code properties}); a sanitised {@code parameters} when the schema fits Google's OpenAPI subset once
 * annotations and loosening keywords are removed ({@code $schema}, {@code title}, {@code default},
 * boolean {@code additionalProperties}, formats other than enum/date-time, int32/int64, float/double)
 * and {@code const} becomes a one-value {@code enum} and {@code type: [X, "null"]} becomes {@code type:
 * X, nullable: true}; otherwise ({@code $ref}, {@code oneOf}, {@code allOf}, schema-valued
 * {@code additionalProperties}, non-string enums, untyped or property-less nested objects, arrays
 * without items, ...) the schema goes unchanged as {@code parametersJsonSchema}, which takes full JSON
 * Schema. Every valid OpenAI schema thus yields a declaration Gemini accepts. {@code tool_choice}:
 * {@code none} NONE, {@code auto} AUTO (both omitted without tools), {@code required} ANY, a named
 * function ANY with {@code allowedFunctionNames}, {@code allowed_tools} VALIDATED (mode auto) or ANY
 * (mode required) with those names. The legacy {@code functions} are declared like function tools
 * (after them; names unique across both) and the legacy {@code function_call} ({@code none},
 * {@code auto}, {@code {"name": f}}) maps like {@code tool_choice}, which wins when both are sent;
 * answers still carry {@code tool_calls}. {@code parallel_tool_calls} has no Gemini counterpart:
 * {@code false} is recorded in {@link GeminiChatRequest#parallelToolCalls()} and the answer keeps only
 * the first call of each choice.
 *
 * <h2>Passthrough</h2>
 * A {@code google} object (top level, or under {@code extra_body}; per setting, in either spelling, the
 * top level wins) may carry
 * {@code thinking_config}, {@code cached_content} and {@code safety_settings} in snake or camel case.
 * Request safety settings replace the configured ones. Other unknown or unsupported request fields
 * ({@code user}, {@code metadata}, {@code logit_bias}, ...) are dropped.
 */
public final class ChatRequestTranslator {

    private static final int MAX_CHOICES = 8;
    private static final int MAX_STOP_SEQUENCES = 5;
    private static final List<String> IMAGE_OUTPUT = List.of("TEXT", "IMAGE");

    // run-time settings: read once per translation (see translate), so one request sees one set
    private final Supplier<TranslationOptions> options;

    /**
     * Creates a translator.
     *
     * @param options the configuration-derived options applied to every request
     */
    public ChatRequestTranslator(TranslationOptions options) {
        this(fixed(options));
    }

    /**
     * Creates a translator that reads its options from {@code options} for each request: the facade's
     * run-time settings, swapped in one place for every front door.
     *
     * @param options where the current options are
     */
    public ChatRequestTranslator(Supplier<TranslationOptions> options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    private static Supplier<TranslationOptions> fixed(TranslationOptions options) {
        Objects.requireNonNull(options, "options");
        return () -> options;
    }


    /**
     * Translates one request.
     *
     * @param request the OpenAI request as the client sent it (remote images already inlined)
     * @return the Gemini request and what the response side needs to know about it
     * @throws io.github.geminibalance.InvalidRequestException naming the field at fault
     */
    public GeminiChatRequest translate(ChatCompletionRequest request) {
        Objects.requireNonNull(request, "request");
        TranslationOptions options = this.options.get(); // one request, one set of options
        ModelName model = ModelName.parse(ModelAliases.resolve(options.modelAliases(), request.model()),
                options.imageModels());
        if (request.messages() == null || request.messages().isEmpty()) {
            throw new InvalidRequestException("messages", "messages must be a non-empty list.");
        }
        int n = request.n() == null ? 1 : request.n();
        if (n < 1 || n > MAX_CHOICES) {
            throw new InvalidRequestException("n", "n must be between 1 and " + MAX_CHOICES + ".");
        }
        Thinking.validateEffort(request.reasoningEffort());
        Passthrough google = Passthrough.of(request);

        Conversation.Result conversation = Conversation.translate(request.messages(), model.upstream());

        List<FunctionDeclaration> functions = functionDeclarations(request.tools(), request.functions());
        List<String> names = functions.stream().map(FunctionDeclaration::name).toList();
        ToolConfig toolConfig = present(request.toolChoice())
                ? toolConfig(request.toolChoice(), names)
                : legacyFunctionCall(request.functionCall(), names);

        OutputFormat format = OutputFormat.of(request.responseFormat());
        boolean imageOutput = model.image() || ModelNames.isImageModel(model.upstream());
        // a -image request is about the picture: MODEL_SEARCH does not add search to it (-search still does)
        boolean search = model.search() || (!model.image() && options.searchModels().contains(model.upstream()))
                || webSearch(request.webSearchOptions());
        boolean codeExecution = options.codeExecutionEnabled() && functions.isEmpty() && format.mimeType() == null;
        List<GenerateContentRequest.Tool> tools = new ArrayList<>();
        if (!functions.isEmpty()) {
            tools.add(new GenerateContentRequest.Tool(functions, null, null, null));
        }
        if (search) {
            tools.add(new GenerateContentRequest.Tool(null, emptyObject(), null, null));
        }
        if (codeExecution) {
            tools.add(new GenerateContentRequest.Tool(null, null, emptyObject(), null));
        }
        // Gemini 2.x refuses built-in tools beside function calling or JSON output (as codeExecution)
        if (options.answers().urlContext(model.upstream()) && functions.isEmpty() && format.mimeType() == null) {
            tools.add(Thinking.urlContextTool());
        }

        ThinkingConfig thinking = Thinking.shown(thinking(options, request, model, google), options.showThinking());
        GenerationConfig generation = generationConfig(request, n, format, thinking, imageOutput);

        List<SafetySetting> safety = google.safetySettings() != null ? google.safetySettings()
                : options.safetySettings().entrySet().stream()
                        .map(e -> new SafetySetting(e.getKey(), e.getValue())).toList();

        GenerateContentRequest body = new GenerateContentRequest(
                conversation.contents(),
                conversation.systemInstruction(),
                tools.isEmpty() ? null : List.copyOf(tools),
                toolConfig,
                safety.isEmpty() ? null : safety,
                generation,
                google.cachedContent());
        return new GeminiChatRequest(request.model(), model.upstream(), body, n, request.includeUsage(),
                search && options.answers().showSearchLink(), codeExecution,
                !Boolean.FALSE.equals(request.parallelToolCalls()));
    }

    private static ThinkingConfig thinking(TranslationOptions options, ChatCompletionRequest request, ModelName model, Passthrough google) {
        if (google.thinkingConfig() != null) {
            return google.thinkingConfig();
        }
        if (model.nonThinking()) {
            return Thinking.nonThinking(model.upstream());
        }
        if (request.reasoningEffort() != null) {
            return Thinking.forEffort(request.reasoningEffort(), model.upstream());
        }
        Integer budget = options.thinkingBudgets().get(model.upstream());
        return budget == null ? null : Thinking.budget(budget);
    }

    private static GenerationConfig generationConfig(ChatCompletionRequest request, int n, OutputFormat format,
            ThinkingConfig thinking, boolean imageOutput) {
        Integer maxOutput = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        if (maxOutput != null && maxOutput < 1) {
            throw new InvalidRequestException(
                    request.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens",
                    "The token limit must be at least 1.");
        }
        List<String> stop = null;
        if (request.stop() != null) {
            stop = request.stop().stream().filter(s -> s != null && !s.isEmpty()).toList();
            if (stop.size() > MAX_STOP_SEQUENCES) {
                throw new InvalidRequestException("stop",
                        "Gemini accepts at most " + MAX_STOP_SEQUENCES + " stop sequences.");
            }
            stop = stop.isEmpty() ? null : stop;
        }
        Boolean responseLogprobs = null;
        Integer logprobs = null;
        Integer top = request.topLogprobs();
        if (top != null && (top < 0 || top > 20)) {
            throw new InvalidRequestException("top_logprobs", "top_logprobs must be between 0 and 20.");
        }
        if (Boolean.TRUE.equals(request.logprobs())) {
            responseLogprobs = Boolean.TRUE;
            logprobs = top != null && top > 0 ? top : null;
        }
        GenerationConfig config = new GenerationConfig(
                request.temperature(),
                request.topP(),
                request.topK(),
                n > 1 ? n : null,
                maxOutput,
                stop,
                format.mimeType(),
                null,
                format.jsonSchema(),
                thinking,
                request.seed(),
                nonZero(request.presencePenalty()),
                nonZero(request.frequencyPenalty()),
                responseLogprobs,
                logprobs,
                imageOutput ? IMAGE_OUTPUT : null);
        return config.equals(new GenerationConfig(null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null)) ? null : config;
    }

    private static Double nonZero(Double value) {
        return value == null || value == 0.0 ? null : value;
    }

    /** The declarations of {@code tools}, then of the legacy {@code functions}; names unique across both. */
    private static List<FunctionDeclaration> functionDeclarations(List<Tool> tools,
            List<Tool.FunctionDefinition> legacy) {
        List<FunctionDeclaration> declarations = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        if (tools != null) {
            for (int i = 0; i < tools.size(); i++) {
                String at = "tools[" + i + "]";
                Tool tool = tools.get(i);
                if (tool == null) {
                    throw new InvalidRequestException(at, "A tool must be an object.");
                }
                if (tool.type() != null && !tool.type().equals("function")) {
                    throw new InvalidRequestException(at + ".type",
                            "Unsupported tool type '" + tool.type() + "'; only function tools are supported.");
                }
                if (tool.function() == null) {
                    throw new InvalidRequestException(at + ".function", "A function tool needs a function.");
                }
                declarations.add(declaration(tool.function(), at + ".function", seen));
            }
        }
        if (legacy != null) {
            for (int i = 0; i < legacy.size(); i++) {
                String at = "functions[" + i + "]";
                if (legacy.get(i) == null) {
                    throw new InvalidRequestException(at, "A function must be an object.");
                }
                declarations.add(declaration(legacy.get(i), at, seen));
            }
        }
        return declarations;
    }

    private static FunctionDeclaration declaration(Tool.FunctionDefinition function, String at, Set<String> seen) {
        String name = function.name();
        if (name == null || name.isBlank()) {
            throw new InvalidRequestException(at + ".name", "The function name is required.");
        }
        if (!seen.add(name)) {
            throw new InvalidRequestException(at + ".name",
                    "Two functions are named '" + name + "'; function names must be unique.");
        }
        ToolSchemas.Declared declared = ToolSchemas.declare(function.parameters(), at + ".parameters");
        String description = function.description() == null || function.description().isEmpty()
                ? null : function.description();
        return new FunctionDeclaration(name, description, declared.parameters(), declared.parametersJsonSchema());
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    /** {@code web_search_options}: any object (its settings have no Gemini counterpart) asks for search. */
    private static boolean webSearch(JsonNode options) {
        if (!present(options)) {
            return false;
        }
        if (!options.isObject()) {
            throw new InvalidRequestException("web_search_options", "web_search_options must be an object.");
        }
        return true;
    }

    /** The legacy {@code function_call}: {@code none}, {@code auto} or {@code {"name": "f"}}. */
    private static ToolConfig legacyFunctionCall(JsonNode call, List<String> names) {
        if (!present(call)) {
            return null;
        }
        String param = "function_call";
        if (call.isTextual()) {
            switch (call.asText()) {
                case "none":
                    return names.isEmpty() ? null : mode("NONE", null);
                case "auto":
                    return names.isEmpty() ? null : mode("AUTO", null);
                default:
                    throw new InvalidRequestException(param,
                            "function_call must be none, auto or {\"name\": \"<function>\"}.");
            }
        }
        if (!call.isObject()) {
            throw new InvalidRequestException(param, "function_call must be a string or an object.");
        }
        JsonNode name = call.path("name");
        if (!name.isTextual() || name.asText().isBlank()) {
            throw new InvalidRequestException(param + ".name", "The function name is required.");
        }
        requireTools(names, param);
        requireKnown(name.asText(), names, param);
        return mode("ANY", List.of(name.asText()));
    }

    private static ToolConfig toolConfig(JsonNode choice, List<String> names) {
        if (!present(choice)) {
            return null;
        }
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "none":
                    return names.isEmpty() ? null : mode("NONE", null);
                case "auto":
                    return names.isEmpty() ? null : mode("AUTO", null);
                case "required":
                    requireTools(names, "tool_choice");
                    return mode("ANY", null);
                default:
                    throw new InvalidRequestException("tool_choice",
                            "tool_choice must be none, auto, required or an object.");
            }
        }
        if (!choice.isObject()) {
            throw new InvalidRequestException("tool_choice", "tool_choice must be a string or an object.");
        }
        String type = choice.path("type").asText("");
        switch (type) {
            case "function": {
                requireTools(names, "tool_choice");
                String name = functionName(choice);
                if (name == null) {
                    throw new InvalidRequestException("tool_choice.function.name", "The function name is required.");
                }
                requireKnown(name, names, "tool_choice");
                return mode("ANY", List.of(name));
            }
            case "allowed_tools": {
                requireTools(names, "tool_choice");
                JsonNode allowed = choice.path("allowed_tools");
                String mode = switch (allowed.path("mode").asText("")) {
                    case "auto" -> "VALIDATED";
                    case "required" -> "ANY";
                    default -> throw new InvalidRequestException("tool_choice.allowed_tools.mode",
                            "The mode must be auto or required.");
                };
                JsonNode list = allowed.path("tools");
                if (!list.isArray() || list.isEmpty()) {
                    throw new InvalidRequestException("tool_choice.allowed_tools.tools",
                            "allowed_tools.tools must list at least one function.");
                }
                List<String> allowedNames = new ArrayList<>();
                for (JsonNode tool : list) {
                    String name = functionName(tool);
                    if (name == null) {
                        throw new InvalidRequestException("tool_choice.allowed_tools.tools",
                                "Each allowed tool must name a function.");
                    }
                    requireKnown(name, names, "tool_choice");
                    allowedNames.add(name);
                }
                return mode(mode, List.copyOf(allowedNames));
            }
            default:
                throw new InvalidRequestException("tool_choice.type",
                        "tool_choice.type must be function or allowed_tools.");
        }
    }

    private static String functionName(JsonNode node) {
        JsonNode name = node.path("function").path("name");
        if (!name.isTextual()) {
            name = node.path("name");
        }
        return name.isTextual() && !name.asText().isBlank() ? name.asText() : null;
    }

    private static void requireTools(List<String> names, String param) {
        if (names.isEmpty()) {
            throw new InvalidRequestException(param, param + " needs function tools in tools or functions.");
        }
    }

    private static void requireKnown(String name, List<String> names, String param) {
        if (!names.contains(name)) {
            throw new InvalidRequestException(param,
                    param + " names the function '" + name + "', which is not in tools or functions.");
        }
    }

    private static ToolConfig mode(String mode, List<String> allowed) {
        return new ToolConfig(new FunctionCallingConfig(mode, allowed));
    }

    private static ObjectNode emptyObject() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** The model id split into the upstream id and the suffix flags. */
    record ModelName(String upstream, boolean search, boolean nonThinking, boolean image) {

        private static final String PREFIX = "models/";
        private static final String SEARCH = "-search";
        private static final String NON_THINKING = "-non-thinking";

        static ModelName parse(String model) {
            return parse(model, List.of());
        }

        /** {@code imageModels}: the upstream ids whose {@code -image} name turns image output on. */
        static ModelName parse(String model, List<String> imageModels) {
            if (model == null || model.isBlank()) {
                throw new InvalidRequestException("model", "model is required.");
            }
            String m = model.trim();
            if (m.startsWith(PREFIX)) {
                m = m.substring(PREFIX.length());
            }
            boolean search = false;
            boolean nonThinking = false;
            while (true) {
                if (m.endsWith(SEARCH)) {
                    search = true;
                    m = m.substring(0, m.length() - SEARCH.length());
                } else if (m.endsWith(NON_THINKING)) {
                    nonThinking = true;
                    m = m.substring(0, m.length() - NON_THINKING.length());
                } else {
                    break;
                }
            }
            if (m.isEmpty()) {
                throw new InvalidRequestException("model", "The model name is empty once its suffixes are removed.");
            }
            boolean image = false;
            // only for IMAGE_MODELS: gemini-2.5-flash-image is a model of its own, not flash with a suffix
            if (m.endsWith(ModelNames.IMAGE_SUFFIX)
                    && imageModels.contains(m.substring(0, m.length() - ModelNames.IMAGE_SUFFIX.length()))) {
                image = true;
                m = m.substring(0, m.length() - ModelNames.IMAGE_SUFFIX.length());
            }
            return new ModelName(m, search, nonThinking, image);
        }
    }

    /** {@code response_format} as a response MIME type and an optional JSON Schema. */
    record OutputFormat(String mimeType, JsonNode jsonSchema) {

        static OutputFormat of(ResponseFormat format) {
            if (format == null) {
                return new OutputFormat(null, null);
            }
            if (format.type() == null) {
                throw new InvalidRequestException("response_format.type", "response_format.type is required.");
            }
            switch (format.type()) {
                case "text":
                    return new OutputFormat(null, null);
                case "json_object":
                    return new OutputFormat("application/json", null);
                case "json_schema": {
                    if (format.jsonSchema() == null) {
                        throw new InvalidRequestException("response_format.json_schema",
                                "json_schema is required when response_format.type is json_schema.");
                    }
                    JsonNode schema = format.jsonSchema().schema();
                    if (schema == null || schema.isNull()) {
                        return new OutputFormat("application/json", null);
                    }
                    if (!schema.isObject()) {
                        throw new InvalidRequestException("response_format.json_schema.schema",
                                "The schema must be a JSON object.");
                    }
                    return new OutputFormat("application/json", schema);
                }
                default:
                    throw new InvalidRequestException("response_format.type",
                            "response_format.type must be text, json_object or json_schema.");
            }
        }
    }

    /** The Gemini-specific {@code google} passthrough object. */
    record Passthrough(ThinkingConfig thinkingConfig, String cachedContent, List<SafetySetting> safetySettings) {

        static Passthrough of(ChatCompletionRequest request) {
            ObjectNode nested = JsonNodeFactory.instance.objectNode();
            ObjectNode top = JsonNodeFactory.instance.objectNode();
            JsonNode extra = request.extraBody();
            if (extra != null && extra.isObject() && extra.has("google") && !extra.get("google").isNull()) {
                nested = object(extra.get("google"), "extra_body.google");
            }
            if (request.google() != null && !request.google().isNull()) {
                top = object(request.google(), "google");
            }
            // per setting, whatever its spelling: the top-level object wins over extra_body.google
            JsonNode thinking = field(top, nested, "thinking_config", "thinkingConfig");
            JsonNode cached = field(top, nested, "cached_content", "cachedContent");
            JsonNode safety = field(top, nested, "safety_settings", "safetySettings");
            if (cached != null && (!cached.isTextual() || cached.asText().isBlank())) {
                throw new InvalidRequestException("google.cached_content",
                        "cached_content must be a cachedContents/... name.");
            }
            return new Passthrough(thinking == null ? null : thinkingConfig(thinking),
                    cached == null ? null : cached.asText(), safety == null ? null : safetySettings(safety));
        }

        private static ObjectNode object(JsonNode node, String param) {
            if (!node.isObject()) {
                throw new InvalidRequestException(param, param + " must be an object.");
            }
            return (ObjectNode) node;
        }

        private static JsonNode field(JsonNode top, JsonNode nested, String snake, String camel) {
            JsonNode value = field(top, snake, camel);
            return value != null ? value : field(nested, snake, camel);
        }

        private static JsonNode field(JsonNode node, String snake, String camel) {
            JsonNode value = node.has(snake) ? node.get(snake) : node.get(camel);
            return value == null || value.isNull() ? null : value;
        }

        private static ThinkingConfig thinkingConfig(JsonNode node) {
            String at = "google.thinking_config";
            object(node, at);
            JsonNode budget = field(node, "thinking_budget", "thinkingBudget");
            JsonNode level = field(node, "thinking_level", "thinkingLevel");
            JsonNode include = field(node, "include_thoughts", "includeThoughts");
            if (budget != null && !budget.canConvertToInt()) {
                throw new InvalidRequestException(at + ".thinking_budget", "thinking_budget must be an integer.");
            }
            if (budget != null && !budget.isIntegralNumber()) {
                throw new InvalidRequestException(at + ".thinking_budget", "thinking_budget must be an integer.");
            }
            if (level != null && !level.isTextual()) {
                throw new InvalidRequestException(at + ".thinking_level", "thinking_level must be a string.");
            }
            if (include != null && !include.isBoolean()) {
                throw new InvalidRequestException(at + ".include_thoughts", "include_thoughts must be a boolean.");
            }
            if (budget != null && level != null) {
                throw new InvalidRequestException(at,
                        "Set either thinking_budget or thinking_level, not both.");
            }
            if (budget == null && level == null && include == null) {
                return null;
            }
            Integer b = budget == null ? null : budget.intValue();
            String l = level == null ? null : level.asText().toLowerCase(Locale.ROOT);
            Boolean thoughts = include != null ? Boolean.valueOf(include.booleanValue())
                    : (b != null && b == 0) || (b == null && l == null) ? null : Boolean.TRUE;
            return new ThinkingConfig(b, l, thoughts);
        }

        private static List<SafetySetting> safetySettings(JsonNode node) {
            String at = "google.safety_settings";
            if (!node.isArray()) {
                throw new InvalidRequestException(at, "safety_settings must be a list of {category, threshold}.");
            }
            List<SafetySetting> settings = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                JsonNode category = item.get("category");
                JsonNode threshold = item.get("threshold");
                if (category == null || !category.isTextual() || threshold == null || !threshold.isTextual()) {
                    throw new InvalidRequestException(at + "[" + i + "]",
                            "A safety setting needs a string category and threshold.");
                }
                settings.add(new SafetySetting(category.asText(), threshold.asText()));
            }
            return List.copyOf(settings);
        }
    }
}
