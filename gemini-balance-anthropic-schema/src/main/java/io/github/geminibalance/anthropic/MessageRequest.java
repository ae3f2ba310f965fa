package io.github.geminibalance.anthropic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * A {@code POST /v1/messages} request (also the body of {@code /v1/messages/count_tokens}, which has no
 * {@code max_tokens}).
 *
 * @param model the model the client asked for
 * @param maxTokens {@code max_tokens}, required on {@code /v1/messages}
 * @param messages the conversation, alternating {@code user} and {@code assistant}
 * @param system the system prompt: a string or a list of {@code text} blocks
 * @param stopSequences custom stop sequences
 * @param stream whether the answer is streamed as server-sent events
 * @param temperature sampling temperature (0 to 1)
 * @param topP nucleus sampling
 * @param topK top-k sampling
 * @param metadata request metadata ({@code user_id})
 * @param tools client tools (with {@code input_schema}) and server tools (such as {@code web_search})
 * @param toolChoice how the model may use the tools
 * @param thinking extended thinking: {@code {"type":"enabled","budget_tokens":N}} or {@code disabled}
 * @param serviceTier {@code service_tier}, accepted and ignored
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MessageRequest(
        String model,
        Integer maxTokens,
        List<InputMessage> messages,
        Content system,
        List<String> stopSequences,
        Boolean stream,
        Double temperature,
        Double topP,
        Integer topK,
        Metadata metadata,
        List<ToolDefinition> tools,
        ToolChoice toolChoice,
        ThinkingConfig thinking,
        String serviceTier) {

    /** Whether the client asked for a stream. */
    public boolean streamRequested() {
        return Boolean.TRUE.equals(stream);
    }

    /** One turn of the conversation. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InputMessage(String role, Content content) {}

    /** {@code metadata}: an opaque end-user id. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Metadata(String userId) {}

    /**
     * A tool: a client tool ({@code type} absent or {@code custom}) with {@code name}, {@code description}
     * and {@code input_schema}, or a server tool such as {@code {"type":"web_search_20250305","name":"web_search"}}.
     *
     * @param type the tool type; null for a client tool
     * @param name the tool name
     * @param description what the tool does
     * @param inputSchema the JSON Schema of the tool's input
     * @param maxUses server tools: the most uses per request
     * @param allowedDomains web search: domains to restrict to
     * @param blockedDomains web search: domains to leave out
     * @param cacheControl prompt caching marker, accepted and ignored
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ToolDefinition(String type, String name, String description, JsonNode inputSchema,
            Integer maxUses, List<String> allowedDomains, List<String> blockedDomains, JsonNode cacheControl) {}

    /**
     * {@code tool_choice}.
     *
     * @param type {@code auto}, {@code any}, {@code tool} or {@code none}
     * @param name the tool, for {@code tool}
     * @param disableParallelToolUse at most one tool call per answer
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ToolChoice(String type, String name, Boolean disableParallelToolUse) {}

    /**
     * {@code thinking}.
     *
     * @param type {@code enabled} or {@code disabled}
     * @param budgetTokens the thinking budget when enabled
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ThinkingConfig(String type, Integer budgetTokens) {}
}
