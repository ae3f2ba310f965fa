package io.github.geminibalance.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.KeyAdmin;
import io.github.geminibalance.KeyState;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads the bodies of the key administration routes. A body that is not what the route takes is an
 * {@link InvalidRequestException} (400) whose {@code param} is the JSON path at fault ({@code keys},
 * {@code ids[2]}, {@code until}) and whose message says, in JSON terms, what was expected there; syntax
 * errors are {@link RequestBodies}'. No message quotes a value: it may be a key pasted by mistake.
 */
final class AdminBodies {

    /** The longest timed disable, in hours (ten years). */
    static final long MAX_DISABLE_HOURS = 87_600;

    private static final String STATES = Arrays.stream(KeyState.values()).map(Enum::name)
            .collect(Collectors.joining(", "));

    private AdminBodies() {}

    /**
     * {@code POST /admin/keys}: {@code {"keys": [...], "check": false}}. Entries that are not strings are
     * kept as null, so the core rejects them one by one with the others.
     */
    record AddKeys(List<String> keys, boolean check) {}

    /** {@code POST /admin/keys/delete}: ids, or a state (exactly one of them is set). */
    record DeleteKeys(List<String> ids, KeyState state) {}

    static AddKeys addKeys(byte[] body) {
        JsonNode root = object(body);
        JsonNode keys = root.get("keys");
        if (keys == null || keys.isNull()) {
            throw new InvalidRequestException("keys", "The body needs \"keys\": a list of API keys, such as "
                    + "{\"keys\": [\"AIza...\"]}.");
        }
        if (!keys.isArray()) {
            throw new InvalidRequestException("keys", "Expected an array of strings at keys, got " + type(keys) + ".");
        }
        if (keys.size() > KeyAdmin.MAX_KEYS_PER_ADD) {
            throw new InvalidRequestException("keys", "At most " + KeyAdmin.MAX_KEYS_PER_ADD
                    + " keys can be added at once; this list has " + keys.size() + ".");
        }
        List<String> values = new ArrayList<>(keys.size());
        for (JsonNode k : keys) {
            values.add(k.isTextual() ? k.textValue() : null);
        }
        return new AddKeys(values, flag(root, "check"));
    }

    static DeleteKeys deleteKeys(byte[] body) {
        JsonNode root = object(body);
        JsonNode ids = present(root.get("ids"));
        JsonNode state = present(root.get("state"));
        if (ids != null && state != null) {
            throw new InvalidRequestException(null, "Give \"ids\" or \"state\", not both.");
        }
        if (ids == null && state == null) {
            throw new InvalidRequestException("ids", "The body needs \"ids\" (a list of key ids) or \"state\" "
                    + "(such as \"INVALID\").");
        }
        if (state != null) {
            KeyState parsed = state.isTextual() ? parseState(state.textValue()) : null;
            if (parsed == null) {
                throw new InvalidRequestException("state", "Expected one of " + STATES + " at state.");
            }
            return new DeleteKeys(null, parsed);
        }
        if (!ids.isArray()) {
            throw new InvalidRequestException("ids", "Expected an array of key ids at ids, got " + type(ids) + ".");
        }
        List<String> values = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).isTextual()) {
                throw new InvalidRequestException("ids[" + i + "]", "Expected a key id (a string such as "
                        + "k-3f9a1c07) at ids[" + i + "], got " + type(ids.get(i)) + ".");
            }
            values.add(ids.get(i).textValue());
        }
        return new DeleteKeys(values, null);
    }

    /**
     * {@code POST /admin/keys/{id}/disable}: no body (or {@code {}}) for no end, {@code {"until":
     * "<ISO-8601>"}} or {@code {"hours": N}}.
     *
     * @return the end, or null for none
     */
    static Instant disableUntil(byte[] body, Clock clock) {
        if (RequestBodies.isEmpty(body)) {
            return null;
        }
        JsonNode root = object(body);
        JsonNode until = present(root.get("until"));
        JsonNode hours = present(root.get("hours"));
        if (until != null && hours != null) {
            throw new InvalidRequestException(null, "Give \"until\" or \"hours\", not both.");
        }
        if (until != null) {
            if (!until.isTextual()) {
                throw new InvalidRequestException("until", "Expected an ISO-8601 time at until, got " + type(until) + ".");
            }
            try {
                return OffsetDateTime.parse(until.textValue().strip()).toInstant();
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException("until", "Expected an ISO-8601 time with a zone offset at until, "
                        + "such as 2026-06-01T18:00:00Z or 2026-06-01T20:00:00+02:00.");
            }
        }
        if (hours != null) {
            BigDecimal h = hours.isNumber() ? hours.decimalValue() : null;
            if (h == null || h.signum() <= 0 || h.compareTo(BigDecimal.valueOf(MAX_DISABLE_HOURS)) > 0) {
                throw new InvalidRequestException("hours", "Expected a number of hours above 0 and at most "
                        + MAX_DISABLE_HOURS + " at hours.");
            }
            long seconds = h.multiply(BigDecimal.valueOf(3600)).longValue();
            return clock.instant().plus(Duration.ofSeconds(Math.max(1, seconds)));
        }
        return null;
    }

    /** {@code PATCH /admin/keys/{id}}: {@code {"note": "..."}}; null clears the note. */
    static String note(byte[] body) {
        JsonNode root = object(body);
        if (!root.has("note")) {
            throw new InvalidRequestException("note", "The body needs \"note\": a text, or null to clear it.");
        }
        JsonNode note = root.get("note");
        if (note.isNull()) {
            return null;
        }
        if (!note.isTextual()) {
            throw new InvalidRequestException("note", "Expected a string or null at note, got " + type(note) + ".");
        }
        return note.textValue();
    }

    /** {@code ?deleted=true|false} and the like: absent is false. */
    static boolean flag(String name, String value) {
        if (value == null || value.isEmpty() || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new InvalidRequestException(name, "The query parameter '" + name + "' must be true or false.");
    }

    private static boolean flag(JsonNode root, String name) {
        JsonNode value = present(root.get(name));
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidRequestException(name, "Expected true or false at " + name + ", got " + type(value) + ".");
        }
        return value.booleanValue();
    }

    private static KeyState parseState(String name) {
        try {
            return KeyState.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static JsonNode object(byte[] body) {
        JsonNode root = RequestBodies.read(body, JsonNode.class);
        if (!root.isObject()) {
            throw new InvalidRequestException(null, "Expected a JSON object as the request body, got " + type(root) + ".");
        }
        return root;
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static String type(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a number";
            case BOOLEAN -> "a boolean";
            case NULL, MISSING -> "null";
            case BINARY -> "binary data";
        };
    }
}
