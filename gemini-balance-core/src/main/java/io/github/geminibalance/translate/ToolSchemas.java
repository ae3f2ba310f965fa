package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.InvalidRequestException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Turns an OpenAI function's JSON Schema into what a Gemini {@code FunctionDeclaration} accepts.
 *
 * <p>The rule, applied to the whole schema at once:
 * <ol>
 *   <li>No schema, or an object schema without properties (a no-argument tool): no parameters at all,
 *       because Gemini rejects an OBJECT with empty {@code properties}.</li>
 *   <li>A schema that maps onto Google's OpenAPI subset after dropping keywords that only annotate or
 *       loosen it ({@code $schema}, {@code title}, {@code default}, {@code examples}, boolean
 *       {@code additionalProperties}, unsupported {@code format}s, ...) and rewriting two shapes
 *       ({@code const} to a one-value {@code enum}; {@code type: [X, "null"]} to {@code type: X,
 *       nullable: true}): sent as {@code parameters}, rebuilt from an allow-list of subset keywords so
 *       no unknown field can reach Gemini.</li>
 *   <li>Anything else ({@code $ref}/{@code $defs}, {@code oneOf}/{@code allOf}/{@code not}, schema-valued
 *       {@code additionalProperties}, tuple {@code items}, non-string enums, several non-null types,
 *       exclusive bounds, untyped or property-less nested objects, arrays without {@code items},
 *       {@code required} names that are not properties, ...): the schema is sent unchanged as
 *       {@code parametersJsonSchema}, which takes full JSON Schema.</li>
 * </ol>
 * Dropping a keyword never rejects an argument the client's schema accepts, so the model's calls stay
 * valid for the client.
 */
final class ToolSchemas {

    /** The outcome: at most one member is set. */
    record Declared(JsonNode parameters, JsonNode parametersJsonSchema) {}

    private static final Set<String> STRUCTURAL = Set.of(
            "$ref", "$defs", "definitions", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef",
            "allOf", "oneOf", "not", "if", "then", "else", "patternProperties", "propertyNames",
            "prefixItems", "additionalItems", "contains", "minContains", "maxContains",
            "dependentRequired", "dependentSchemas", "dependencies", "unevaluatedProperties",
            "unevaluatedItems", "exclusiveMinimum", "exclusiveMaximum");

    private static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "array", "object");

    /** Thrown internally when a schema needs full JSON Schema. */
    private static final class NotSubset extends Exception {
        private static final long serialVersionUID = 1L;

        NotSubset() {
            super(null, null, false, false);
        }
    }

    private ToolSchemas() {}

    /**
     * Decides how to declare a function's parameters.
     *
     * @param schema the OpenAI {@code function.parameters}, possibly null
     * @param param the request field to name in errors
     * @throws InvalidRequestException when the parameters are not a JSON object
     */
    static Declared declare(JsonNode schema, String param) {
        if (schema == null || schema.isNull()) {
            return new Declared(null, null);
        }
        if (!schema.isObject()) {
            throw new InvalidRequestException(param, "Function parameters must be a JSON Schema object.");
        }
        if (isNoArgument((ObjectNode) schema)) {
            return new Declared(null, null);
        }
        try {
            return new Declared(sanitise(schema), null);
        } catch (NotSubset e) {
            return new Declared(null, schema.deepCopy());
        }
    }

    /** An object schema that declares no properties and no other constraint. */
    private static boolean isNoArgument(ObjectNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && !(type.isTextual() && type.asText().equals("object"))) {
            return false;
        }
        JsonNode properties = schema.get("properties");
        if (properties != null && !(properties.isObject() && properties.isEmpty())) {
            return false;
        }
        JsonNode required = schema.get("required");
        if (required != null && !(required.isArray() && required.isEmpty())) {
            return false;
        }
        Set<String> allowed = Set.of("type", "properties", "required", "additionalProperties", "$schema",
                "title", "description", "default", "strict", "$id", "$comment");
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            if (!allowed.contains(it.next())) {
                return false;
            }
        }
        JsonNode additional = schema.get("additionalProperties");
        return additional == null || additional.isBoolean() || (additional.isObject() && additional.isEmpty());
    }

    private static ObjectNode sanitise(JsonNode node) throws NotSubset {
        if (!node.isObject()) {
            throw new NotSubset();
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        String type = type(node, out);
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (STRUCTURAL.contains(key)) {
                throw new NotSubset();
            }
            switch (key) {
                case "type" -> { /* handled by type() */ }
                case "description", "pattern" -> {
                    if (value.isTextual()) {
                        out.set(key, value);
                    }
                }
                case "nullable" -> {
                    if (value.isBoolean() && value.booleanValue()) {
                        out.put("nullable", true);
                    }
                }
                case "format" -> {
                    if (value.isTextual() && formatAllowed(type, value.asText())) {
                        out.set(key, value);
                    }
                }
                case "enum" -> out.set("enum", stringArray(value));
                case "const" -> {
                    if (!value.isTextual()) {
                        throw new NotSubset();
                    }
                    out.set("enum", JsonNodeFactory.instance.arrayNode().add(value));
                }
                case "properties" -> {
                    if (!value.isObject()) {
                        throw new NotSubset();
                    }
                    if (!value.isEmpty()) {
                        ObjectNode properties = out.putObject("properties");
                        for (Map.Entry<String, JsonNode> property : value.properties()) {
                            properties.set(property.getKey(), sanitise(property.getValue()));
                        }
                    }
                }
                case "required", "propertyOrdering" -> out.set(key, stringArray(value));
                case "items" -> out.set("items", sanitise(value));
                case "anyOf" -> {
                    if (!value.isArray() || value.isEmpty()) {
                        throw new NotSubset();
                    }
                    ArrayNode anyOf = out.putArray("anyOf");
                    for (JsonNode option : value) {
                        anyOf.add(sanitise(option));
                    }
                }
                case "minimum", "maximum" -> {
                    if (!value.isNumber()) {
                        throw new NotSubset();
                    }
                    out.set(key, value);
                }
                case "minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties" -> {
                    if (!value.canConvertToLong() || !value.isIntegralNumber()) {
                        throw new NotSubset();
                    }
                    out.set(key, value);
                }
                case "example" -> out.set(key, value);
                case "additionalProperties" -> {
                    if (!(value.isBoolean() || (value.isObject() && value.isEmpty()))) {
                        throw new NotSubset();
                    }
                }
                default -> { /* annotations and unknown keywords only describe or loosen: dropped */ }
            }
        }
        if ("object".equals(type)) {
            JsonNode properties = out.get("properties");
            if (properties == null) {
                throw new NotSubset();
            }
            JsonNode required = out.get("required");
            if (required != null) {
                for (JsonNode name : required) {
                    if (!properties.has(name.asText())) {
                        throw new NotSubset();
                    }
                }
            }
        } else if ("array".equals(type) && !out.has("items")) {
            throw new NotSubset();
        }
        return out;
    }

    /** Reads {@code type} into {@code out} (with {@code nullable} for a null alternative); returns it. */
    private static String type(JsonNode node, ObjectNode out) throws NotSubset {
        JsonNode type = node.get("type");
        if (type == null) {
            if (!node.has("anyOf")) {
                throw new NotSubset();
            }
            return null;
        }
        String single = null;
        boolean nullable = false;
        if (type.isTextual()) {
            single = type.asText();
        } else if (type.isArray()) {
            Set<String> seen = new HashSet<>();
            for (JsonNode t : type) {
                if (!t.isTextual() || !seen.add(t.asText())) {
                    throw new NotSubset();
                }
                if (t.asText().equals("null")) {
                    nullable = true;
                } else if (single == null) {
                    single = t.asText();
                } else {
                    throw new NotSubset();
                }
            }
        }
        if (single == null || !TYPES.contains(single)) {
            throw new NotSubset();
        }
        out.put("type", single);
        if (nullable) {
            out.put("nullable", true);
        }
        return single;
    }

    private static boolean formatAllowed(String type, String format) {
        if (type == null) {
            return false;
        }
        return switch (type) {
            case "string" -> format.equals("enum") || format.equals("date-time");
            case "integer" -> format.equals("int32") || format.equals("int64");
            case "number" -> format.equals("float") || format.equals("double");
            default -> false;
        };
    }

    private static ArrayNode stringArray(JsonNode value) throws NotSubset {
        if (!value.isArray()) {
            throw new NotSubset();
        }
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new NotSubset();
            }
        }
        return (ArrayNode) value.deepCopy();
    }
}
