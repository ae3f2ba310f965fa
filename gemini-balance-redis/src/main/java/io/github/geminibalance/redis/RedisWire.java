package io.github.geminibalance.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.spi.KeyEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the store reads and writes in Redis, as {@link KeyEvent}s: an event as the JSON that the scripts
 * take and the channel carries, and the hashes {@code LOAD} returns as the events they stand for.
 */
final class RedisWire {

    private RedisWire() {
    }

    /** An event as JSON, with the id of the instance that sends it. */
    static String toJson(KeyEvent e, String instanceId) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("instance", instanceId);
        o.put("type", e.type().name());
        o.put("keyId", e.keyId());
        if (e.model() != null) {
            o.put("model", e.model());
        }
        if (e.until() != null) {
            o.put("until", e.until().toEpochMilli());
        }
        o.put("failures", e.failures());
        o.put("status", e.status());
        if (e.reason() != null) {
            o.put("reason", e.reason());
        }
        return o.toString();
    }

    /** Parses a broadcast event; null for this instance's own events and for kinds this version does not know. */
    static KeyEvent fromJson(String json, String instanceId) {
        JsonNode o;
        try {
            o = GeminiBalance.jsonReader().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
        if (instanceId.equals(o.path("instance").asText())) {
            return null;
        }
        KeyEvent.Type type;
        try {
            type = KeyEvent.Type.valueOf(o.path("type").asText());
        } catch (IllegalArgumentException e) {
            return null;
        }
        JsonNode until = o.path("until");
        return new KeyEvent(
                o.path("keyId").asText(null),
                type,
                o.hasNonNull("model") ? o.get("model").asText() : null,
                until.isNumber() ? Instant.ofEpochMilli(until.asLong()) : null,
                o.path("failures").asInt(0),
                o.path("status").asInt(0),
                o.hasNonNull("reason") ? o.get("reason").asText() : null);
    }

    /**
     * The state in a {@code LOAD} reply ({@code state}, {@code failures} and {@code rest} hashes) as events;
     * rests and timed disables that are over at {@code now} (epoch millis) are left out.
     */
    static List<KeyEvent> snapshotEvents(List<Object> snapshot, long now) {
        List<KeyEvent> events = new ArrayList<>();
        List<String> states = strings(snapshot.get(0));
        for (int i = 0; i + 1 < states.size(); i += 2) {
            KeyEvent state = stateEvent(states.get(i), states.get(i + 1), now);
            if (state != null) {
                events.add(state);
            }
        }
        List<String> failures = strings(snapshot.get(1));
        for (int i = 0; i + 1 < failures.size(); i += 2) {
            int count = Integer.parseInt(failures.get(i + 1));
            if (count > 0) {
                events.add(new KeyEvent(failures.get(i), KeyEvent.Type.FAILURE, null, null, count, 0, null));
            }
        }
        List<String> rest = strings(snapshot.get(2));
        for (int i = 0; i + 1 < rest.size(); i += 2) {
            String field = rest.get(i);
            String value = rest.get(i + 1);
            int bar = field.indexOf('|');
            int colon = value.indexOf(':');
            if (bar < 0 || colon < 0) {
                continue;
            }
            long until = Long.parseLong(value.substring(0, colon));
            if (until <= now) {
                continue; // over: must not come back
            }
            KeyEvent.Type type = value.endsWith(":EXHAUSTED") ? KeyEvent.Type.EXHAUSTED : KeyEvent.Type.COOLDOWN;
            events.add(new KeyEvent(field.substring(0, bar), type, field.substring(bar + 1),
                    Instant.ofEpochMilli(until), 0, 0, null));
        }
        return events;
    }

    // "INVALID", "DISABLED" or "DISABLED:<epoch millis>" as an event; null for a timed disable that is over
    static KeyEvent stateEvent(String keyId, String state, long now) {
        if (state.equals("INVALID") || state.equals("DISABLED")) {
            return new KeyEvent(keyId, KeyEvent.Type.valueOf(state), null, null, 0, 0, null);
        }
        if (state.startsWith("DISABLED:")) {
            long until = Long.parseLong(state.substring("DISABLED:".length()));
            return until <= now ? null
                    : new KeyEvent(keyId, KeyEvent.Type.DISABLED, null, Instant.ofEpochMilli(until), 0, 0, null);
        }
        return null;
    }

    static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object o : list) {
                out.add(String.valueOf(o));
            }
        }
        return out;
    }
}
