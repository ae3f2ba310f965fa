package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.gemini.GenerateContentRequest.SafetySetting;
import io.github.geminibalance.gemini.GenerationConfig.ThinkingConfig;
import io.github.geminibalance.openai.ChatCompletionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Gemini-specific {@code google} object of an OpenAI chat request (top level, or under {@code
 * extra_body}): a thinking config, a cached content and safety settings passed to Gemini as they are.
 */
record GoogleExtras(ThinkingConfig thinkingConfig, String cachedContent, List<SafetySetting> safetySettings) {

    static GoogleExtras of(ChatCompletionRequest request) {
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
        return new GoogleExtras(thinking == null ? null : thinkingConfig(thinking),
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
