package io.github.geminibalance.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.MessageContent;
import java.io.IOException;
import java.util.regex.Pattern;
import java.util.Collection;

/**
 * Reads request bodies with the core's mapper and turns every way they can be wrong into an
 * {@link InvalidRequestException} whose {@code param} is the JSON path at fault
 * ({@code messages[0].content}) and whose message says what was expected, without Java type names.
 */
final class RequestBodies {

    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]");

    private RequestBodies() {}

    /**
     * Parses a JSON body.
     *
     * @throws InvalidRequestException if the body is empty, not JSON, or has a field of the wrong type
     */
    static <T> T read(byte[] body, Class<T> type) {
        if (body == null || isBlank(body)) {
            throw new InvalidRequestException(null, "The request body is empty; expected a JSON object.");
        }
        try {
            T value = Json.mapper().readValue(body, type);
            if (value == null) {
                throw new InvalidRequestException(null, "The request body is JSON null; expected a JSON object.");
            }
            return value;
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof GeminiBalanceException cause) {
                throw cause; // a schema type's own validation already names the field
            }
            if (e.getCause() instanceof JsonParseException syntax) {
                throw malformed(syntax); // a syntax error met while binding a field
            }
            String param = path(e);
            throw new InvalidRequestException(param, mismatchMessage(e, param));
        } catch (JsonParseException e) {
            throw malformed(e);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(null, "The request body could not be read: " + clean(e.getOriginalMessage()));
        } catch (IOException e) {
            // readValue(byte[]) does no I/O; keep the compiler satisfied with a client-facing message
            throw new InvalidRequestException(null, "The request body could not be read.");
        }
    }

    private static InvalidRequestException malformed(JsonParseException e) {
        return new InvalidRequestException(null, "The request body is not valid JSON: "
                + clean(e.getOriginalMessage()) + location(e.getLocation()) + ".");
    }

    // Jackson appends "[Source: REDACTED (...); line: 1, column: 28]" to nested locations.
    private static String clean(String message) {
        return message == null ? "" : SOURCE.matcher(message).replaceAll("line $1, column $2");
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** The Jackson path as {@code a.b[0].c}, or null at the root. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static String mismatchMessage(JsonMappingException e, String param) {
        String where = param == null ? "The request body" : "Invalid type for '" + param + "'";
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String got = e.getProcessor() instanceof JsonParser p ? describe(p.currentToken()) : null;
            return where + ": expected " + describe(m.getTargetType()) + (got != null ? ", got " + got : "") + ".";
        }
        if (e instanceof MismatchedInputException) {
            return where + " has the wrong type.";
        }
        return where + ": " + clean(e.getOriginalMessage());
    }

    private static String describe(Class<?> type) {
        if (type == MessageContent.class) {
            return "a string or an array";
        }
        if (type == String.class || type == Character.class || type == char.class || type.isEnum()) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (JsonNode.class.isAssignableFrom(type)) {
            return "a different JSON type";
        }
        return "an object";
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return null;
        }
        return switch (token) {
            case START_OBJECT, END_OBJECT, FIELD_NAME -> "an object";
            case START_ARRAY, END_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> null;
        };
    }

    private static String location(JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 0) {
            return "";
        }
        return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }
}
