package io.github.geminibalance.examples.keycheck;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Renders key check results as a text table or as JSON. */
public final class KeyReport {

    /** How many model names the table shows per key (JSON lists all). */
    static final int TABLE_MODEL_NAMES = 3;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[] HEADER = {"KEY", "VERDICT", "STATUS", "REASON", "MODELS"};

    private KeyReport() {}

    /**
     * A table with one row per key, then a summary line, such as:
     * <pre>
     * KEY          VERDICT  STATUS  REASON  MODELS
     * AIza...x9Q4  VALID    200     -       42: gemini-2.5-flash, gemini-2.5-pro, gemini-2.0-flash, ...
     * 1 key: 1 valid, 0 invalid, 0 rate-limited, 0 errors
     * </pre>
     */
    public static String table(List<KeyResult> results) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (KeyResult r : results) {
            rows.add(new String[] {r.masked(), r.verdict().name(), r.status() == 0 ? "-" : String.valueOf(r.status()),
                r.reason() == null ? "-" : r.reason(), models(r.models())});
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.append(summary(results)).append('\n').toString();
    }

    /** The summary line: {@code 3 keys: 1 valid, 1 invalid, 1 rate-limited, 0 errors}. */
    public static String summary(List<KeyResult> results) {
        return results.size() + (results.size() == 1 ? " key: " : " keys: ")
                + count(results, KeyVerdict.VALID) + " valid, "
                + count(results, KeyVerdict.INVALID) + " invalid, "
                + count(results, KeyVerdict.RATE_LIMITED) + " rate-limited, "
                + count(results, KeyVerdict.ERROR) + (count(results, KeyVerdict.ERROR) == 1 ? " error" : " errors");
    }

    /**
     * The results as JSON: {@code {"summary":{"total":..,"valid":..,"invalid":..,"rateLimited":..,
     * "error":..},"keys":[{"key":"AIza...x9Q4","id":"k-..","verdict":"VALID","status":200,"reason":null,
     * "modelCount":42,"models":[...]}]}}; {@code modelCount} and {@code models} are null when the models
     * could not be listed.
     */
    public static String json(List<KeyResult> results) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode summary = root.putObject("summary");
        summary.put("total", results.size());
        summary.put("valid", count(results, KeyVerdict.VALID));
        summary.put("invalid", count(results, KeyVerdict.INVALID));
        summary.put("rateLimited", count(results, KeyVerdict.RATE_LIMITED));
        summary.put("error", count(results, KeyVerdict.ERROR));
        ArrayNode keys = root.putArray("keys");
        for (KeyResult r : results) {
            ObjectNode key = keys.addObject();
            key.put("key", r.masked());
            key.put("id", r.id());
            key.put("verdict", r.verdict().name());
            if (r.status() == 0) {
                key.putNull("status");
            } else {
                key.put("status", r.status());
            }
            key.put("reason", r.reason());
            if (r.models() == null) {
                key.putNull("modelCount");
                key.putNull("models");
            } else {
                key.put("modelCount", r.models().size());
                r.models().forEach(key.putArray("models")::add);
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen for a tree of strings and numbers", e);
        }
    }

    private static String models(List<String> models) {
        if (models == null) {
            return "-";
        }
        if (models.isEmpty()) {
            return "0";
        }
        List<String> shown = models.subList(0, Math.min(TABLE_MODEL_NAMES, models.size()));
        return models.size() + ": " + String.join(", ", shown) + (models.size() > shown.size() ? ", ..." : "");
    }

    private static long count(List<KeyResult> results, KeyVerdict verdict) {
        return results.stream().filter(r -> r.verdict() == verdict).count();
    }
}
