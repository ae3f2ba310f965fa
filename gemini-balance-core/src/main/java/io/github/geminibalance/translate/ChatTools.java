package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.gemini.FunctionDeclaration;
import io.github.geminibalance.gemini.GenerateContentRequest.FunctionCallingConfig;
import io.github.geminibalance.gemini.GenerateContentRequest.ToolConfig;
import io.github.geminibalance.openai.Tool;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The function tools of an OpenAI chat request ({@code tools}, the legacy {@code functions}) as Gemini
 * function declarations, and its {@code tool_choice} (or legacy {@code function_call}) as Gemini's tool
 * config; errors name the field at fault.
 */
final class ChatTools {

    private ChatTools() {
    }

    /** The declarations of {@code tools}, then of the legacy {@code functions}; names unique across both. */
    static List<FunctionDeclaration> functionDeclarations(List<Tool> tools,
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

    static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    /** {@code web_search_options}: any object (its settings have no Gemini counterpart) asks for search. */
    static boolean webSearch(JsonNode options) {
        if (!present(options)) {
            return false;
        }
        if (!options.isObject()) {
            throw new InvalidRequestException("web_search_options", "web_search_options must be an object.");
        }
        return true;
    }

    /** The legacy {@code function_call}: {@code none}, {@code auto} or {@code {"name": "f"}}. */
    static ToolConfig legacyFunctionCall(JsonNode call, List<String> names) {
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

    static ToolConfig toolConfig(JsonNode choice, List<String> names) {
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
}
