package io.github.geminibalance.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.openai.MessageContent;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads request bodies with the core's mapper and turns every way they can be wrong into an
 * {@link InvalidRequestException} whose {@code param} is the JSON path at fault
 * ({@code messages[0].content}) and whose message says what was expected there, in JSON terms:
 * {@code Invalid request body: expected a string at messages[1].content, got an integer.} or
 * {@code Invalid request body: duplicate field "arguments" at messages[0].tool_calls[0].function.}
 *
 * <p>Jackson's own messages name Java types ({@code ToolCall$FunctionCall}, {@code java.lang.Integer})
 * and its limits ({@code StreamReadConstraints.getMaxNestingDepth()}); none of that reaches a client.
 * Messages are built from the exception's kind, path and token, and the few Jackson texts passed on
 * (syntax errors, limits) are cleaned and then checked: one that still looks like Java is replaced.
 */
final class RequestBodies {

    private static final String INVALID = "Invalid request body: ";
    private static final Pattern SOURCE = Pattern.compile("\\s*\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]");
    private static final Pattern FROM_CODE = Pattern.compile(",?\\s*from `[^`]*`");
    private static final Pattern BACKTICKED = Pattern.compile("`[^`]*`");
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'", Pattern.DOTALL);
    /** A qualified or inner Java class name, or an exception type: never in a client's message. */
    static final Pattern JAVA_NAME = Pattern.compile(
            "\\b[a-z]+(\\.[a-z0-9_]+)+\\.[A-Z]\\w*|\\w\\$\\w|\\w*Exception\\b|\\bjava\\.|com\\.fasterxml|io\\.micronaut|io\\.github");
    // Duplicate keys are refused rather than resolved by Jackson's "last one wins": a record would fail
    // on them anyway, and a body that says two things is better rejected than half-read.
    private static final Map<Class<?>, ObjectReader> READERS = new ConcurrentHashMap<>();

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
            T value = READERS.computeIfAbsent(type, t -> GeminiBalance.jsonReader().forType(t)
                    .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature())).readValue(body);
            if (value == null) {
                throw new InvalidRequestException(null, "The request body is JSON null; expected a JSON object.");
            }
            return value;
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof GeminiBalanceException cause) {
                throw cause; // a schema type's own validation already names the field
            }
            if (e.getCause() instanceof StreamReadException read) {
                throw unreadable(read); // a syntax error met while binding a field
            }
            if (e.getCause() instanceof StreamConstraintsException limit) {
                throw tooLarge(limit);
            }
            String param = path(e);
            throw new InvalidRequestException(param, mismatchMessage(e, param));
        } catch (StreamReadException e) {
            throw unreadable(e);
        } catch (StreamConstraintsException e) {
            throw tooLarge(e);
        } catch (IOException e) {
            // readValue(byte[]) does no I/O; keep the compiler satisfied with a client-facing message
            throw new InvalidRequestException(null, "The request body could not be read.");
        }
    }

    /** A problem found while tokenizing: bad syntax, a duplicate key, a parser limit, a number out of range. */
    private static InvalidRequestException unreadable(StreamReadException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        JsonStreamContext context = e.getProcessor() == null ? null : e.getProcessor().getParsingContext();
        Matcher duplicate = DUPLICATE.matcher(message);
        if (duplicate.matches()) {
            String where = context == null ? null : path(context.getParent());
            return new InvalidRequestException(where, INVALID + "duplicate field \"" + duplicate.group(1) + "\""
                    + (where == null ? " at the top level" : " at " + where) + ".");
        }
        String where = context == null ? null : path(context);
        if (e instanceof InputCoercionException coercion) {
            return new InvalidRequestException(where, INVALID + "the number" + (where == null ? "" : " at " + where)
                    + " is out of range" + rangeOf(coercion.getTargetType()) + ".");
        }
        return new InvalidRequestException(null, "The request body is not valid JSON: "
                + safe(message, "unexpected input") + location(e.getLocation()) + ".");
    }

    /** A parser limit: nesting depth, number or string length, document size. */
    private static InvalidRequestException tooLarge(StreamConstraintsException e) {
        return new InvalidRequestException(null, INVALID + safe(e.getOriginalMessage() == null ? "" : e.getOriginalMessage(),
                "it exceeds a parser limit (nesting depth, number or string length)") + ".");
    }

    private static String rangeOf(Class<?> target) {
        if (target == int.class || target == Integer.class) {
            return " of a 32-bit integer";
        }
        if (target == long.class || target == Long.class) {
            return " of a 64-bit integer";
        }
        return "";
    }

    // Jackson's text without locations and code references; a generic phrase when it still names Java.
    private static String safe(String message, String fallback) {
        String cleaned = SOURCE.matcher(message).replaceAll("");
        cleaned = FROM_CODE.matcher(cleaned).replaceAll("");
        cleaned = cleaned.strip();
        if (cleaned.endsWith(".")) {
            cleaned = cleaned.substring(0, cleaned.length() - 1);
        }
        return cleaned.isEmpty() || JAVA_NAME.matcher(cleaned).find() || BACKTICKED.matcher(cleaned).find()
                ? fallback : cleaned;
    }

    /** Whether a body is absent or only whitespace (for routes whose body is optional). */
    static boolean isEmpty(byte[] body) {
        return body == null || isBlank(body);
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

    /** The parser's position as {@code a.b[0].c} (the field or element being read), or null at the root. */
    static String path(JsonStreamContext context) {
        Deque<JsonStreamContext> chain = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        StringBuilder sb = new StringBuilder();
        for (JsonStreamContext c : chain) {
            if (c.inArray()) {
                sb.append('[').append(Math.max(0, c.getCurrentIndex())).append(']');
            } else if (c.getCurrentName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(c.getCurrentName());
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static String mismatchMessage(JsonMappingException e, String param) {
        String at = param == null ? "" : " at " + param;
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String got = e.getProcessor() instanceof JsonParser p ? describe(p.currentToken()) : null;
            String expected = describe(m.getTargetType());
            if (param == null && expected.equals("an object")) {
                return "The request body must be a JSON object" + (got != null ? ", not " + got : "") + ".";
            }
            return INVALID + "expected " + expected + at + (got != null ? ", got " + got : "") + ".";
        }
        return INVALID + (param == null ? "it could not be read as a request." : "the value at " + param + " is not valid.");
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
