package io.github.geminibalance.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.github.geminibalance.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Prints JSON the way Google's front end does, which Jackson's pretty printer cannot reproduce:
 * non-stream bodies indented by two spaces with every array element on its own line and a trailing
 * newline; stream events on one line with {@code ": "} after keys but nothing after commas.
 */
final class GoogleJson {

    // BigDecimal keeps numbers such as 0.0120 exactly as written instead of round-tripping a double.
    private static final ObjectReader READER = Json.mapper()
            .reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    private GoogleJson() {}

    /** Parses {@code json}; IllegalArgumentException names {@code what} when it is not JSON. */
    static JsonNode parse(String json, String what) {
        try {
            JsonNode node = READER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException(what + " is empty, expected JSON");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Google's non-stream style: 2-space indent, {@code ": "}, trailing newline. */
    static String pretty(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out, 0, true);
        return out.append('\n').toString();
    }

    /** Google's SSE style: one line, {@code ": "} after keys, no space after commas. */
    static String compact(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out, 0, false);
        return out.toString();
    }

    static String pretty(String json) {
        return pretty(parse(json, "response JSON"));
    }

    static String compact(String json) {
        return compact(parse(json, "event JSON"));
    }

    private static void write(JsonNode node, StringBuilder out, int depth, boolean pretty) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (pretty) {
                    newline(out, depth + 1);
                }
                out.append(quote(field.getKey())).append(": ");
                write(field.getValue(), out, depth + 1, pretty);
                if (fields.hasNext()) {
                    out.append(',');
                }
            }
            if (pretty) {
                newline(out, depth);
            }
            out.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (pretty) {
                    newline(out, depth + 1);
                }
                write(node.get(i), out, depth + 1, pretty);
                if (i < node.size() - 1) {
                    out.append(',');
                }
            }
            if (pretty) {
                newline(out, depth);
            }
            out.append(']');
        } else {
            // Scalars: JsonNode.toString() is valid JSON (quoted and escaped strings, plain numbers).
            out.append(node.toString());
        }
    }

    private static void newline(StringBuilder out, int depth) {
        out.append('\n');
        out.append("  ".repeat(depth));
    }

    private static String quote(String key) {
        try {
            return Json.mapper().writeValueAsString(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
