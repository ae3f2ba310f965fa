package io.github.geminibalance.gemini;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The body of {@code models/{model}:generateContent} and {@code :streamGenerateContent}.
 *
 * @param cachedContent a {@code cachedContents/...} resource name
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerateContentRequest(
        List<Content> contents,
        Content systemInstruction,
        List<Tool> tools,
        ToolConfig toolConfig,
        List<SafetySetting> safetySettings,
        GenerationConfig generationConfig,
        String cachedContent) {

    /** {@code toolConfig.functionCallingConfig}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolConfig(FunctionCallingConfig functionCallingConfig) {}

    /** {@code mode} is AUTO, ANY, NONE or VALIDATED; {@code allowedFunctionNames} restricts ANY. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionCallingConfig(String mode, List<String> allowedFunctionNames) {}

    /** A harm category and the threshold at which to block it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SafetySetting(String category, String threshold) {}

    /** A tool: exactly one of its members is set. Built-in tools take an empty object. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tool(
            List<FunctionDeclaration> functionDeclarations,
            ObjectNode googleSearch,
            ObjectNode codeExecution,
            ObjectNode urlContext) {}
}
