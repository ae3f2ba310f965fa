package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.gemini.FunctionDeclaration;
import io.github.geminibalance.gemini.GenerateContentRequest;
import io.github.geminibalance.gemini.GenerateContentRequest.SafetySetting;
import io.github.geminibalance.gemini.GenerateContentRequest.ToolConfig;
import io.github.geminibalance.gemini.GenerationConfig;
import io.github.geminibalance.gemini.GenerationConfig.ThinkingConfig;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
        RequestedModel model = RequestedModel.parse(ModelAliases.resolve(options.modelAliases(), request.model()),
                options.imageModels());
        if (request.messages() == null || request.messages().isEmpty()) {
            throw new InvalidRequestException("messages", "messages must be a non-empty list.");
        }
        int n = request.n() == null ? 1 : request.n();
        if (n < 1 || n > MAX_CHOICES) {
            throw new InvalidRequestException("n", "n must be between 1 and " + MAX_CHOICES + ".");
        }
        Thinking.validateEffort(request.reasoningEffort());
        GoogleExtras google = GoogleExtras.of(request);

        Conversation.Result conversation = Conversation.translate(request.messages(), model.upstream());

        List<FunctionDeclaration> functions = ChatTools.functionDeclarations(request.tools(), request.functions());
        List<String> names = functions.stream().map(FunctionDeclaration::name).toList();
        ToolConfig toolConfig = ChatTools.present(request.toolChoice())
                ? ChatTools.toolConfig(request.toolChoice(), names)
                : ChatTools.legacyFunctionCall(request.functionCall(), names);

        OutputFormat format = OutputFormat.of(request.responseFormat());
        boolean imageOutput = model.image() || ModelNames.isImageModel(model.upstream());
        // a -image request is about the picture: MODEL_SEARCH does not add search to it (-search still does)
        boolean search = model.search() || (!model.image() && options.searchModels().contains(model.upstream()))
                || ChatTools.webSearch(request.webSearchOptions());
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

    private static ThinkingConfig thinking(TranslationOptions options, ChatCompletionRequest request, RequestedModel model, GoogleExtras google) {
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

    private static ObjectNode emptyObject() {
        return JsonNodeFactory.instance.objectNode();
    }

}
